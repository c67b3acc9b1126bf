import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from ics.common.v1 import reports_pb2 as _reports_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ClockState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLOCK_STATE_UNSPECIFIED: _ClassVar[ClockState]
    CLOCK_STATE_OPEN: _ClassVar[ClockState]
    CLOCK_STATE_MET: _ClassVar[ClockState]
    CLOCK_STATE_MISSED: _ClassVar[ClockState]
    CLOCK_STATE_STOPPED: _ClassVar[ClockState]

class AlertLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_LEVEL_UNSPECIFIED: _ClassVar[AlertLevel]
    ALERT_LEVEL_DUE_SOON: _ClassVar[AlertLevel]
    ALERT_LEVEL_OVERDUE: _ClassVar[AlertLevel]
    ALERT_LEVEL_STALE: _ClassVar[AlertLevel]
CLOCK_STATE_UNSPECIFIED: ClockState
CLOCK_STATE_OPEN: ClockState
CLOCK_STATE_MET: ClockState
CLOCK_STATE_MISSED: ClockState
CLOCK_STATE_STOPPED: ClockState
ALERT_LEVEL_UNSPECIFIED: AlertLevel
ALERT_LEVEL_DUE_SOON: AlertLevel
ALERT_LEVEL_OVERDUE: AlertLevel
ALERT_LEVEL_STALE: AlertLevel

class Clock(_message.Message):
    __slots__ = ("name", "rule", "title", "rule_set", "subject", "person", "person_display_name", "team", "assignee", "start_date", "due_date", "state", "overdue", "ended_date", "calendar", "create_time", "working_days_left", "rule_set_version", "counting", "round", "original_due_date", "paused", "paused_since", "level", "start_event", "ended_by_event", "end_reason", "last_activity_date", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    PERSON_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    ENDED_DATE_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    WORKING_DAYS_LEFT_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_VERSION_FIELD_NUMBER: _ClassVar[int]
    COUNTING_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    PAUSED_FIELD_NUMBER: _ClassVar[int]
    PAUSED_SINCE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    START_EVENT_FIELD_NUMBER: _ClassVar[int]
    ENDED_BY_EVENT_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVITY_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    rule: str
    title: str
    rule_set: str
    subject: str
    person: str
    person_display_name: str
    team: str
    assignee: str
    start_date: str
    due_date: str
    state: ClockState
    overdue: bool
    ended_date: str
    calendar: str
    create_time: _timestamp_pb2.Timestamp
    working_days_left: int
    rule_set_version: int
    counting: str
    round: int
    original_due_date: str
    paused: bool
    paused_since: str
    level: AlertLevel
    start_event: str
    ended_by_event: str
    end_reason: str
    last_activity_date: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., rule: _Optional[str] = ..., title: _Optional[str] = ..., rule_set: _Optional[str] = ..., subject: _Optional[str] = ..., person: _Optional[str] = ..., person_display_name: _Optional[str] = ..., team: _Optional[str] = ..., assignee: _Optional[str] = ..., start_date: _Optional[str] = ..., due_date: _Optional[str] = ..., state: _Optional[_Union[ClockState, str]] = ..., overdue: _Optional[bool] = ..., ended_date: _Optional[str] = ..., calendar: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., working_days_left: _Optional[int] = ..., rule_set_version: _Optional[int] = ..., counting: _Optional[str] = ..., round: _Optional[int] = ..., original_due_date: _Optional[str] = ..., paused: _Optional[bool] = ..., paused_since: _Optional[str] = ..., level: _Optional[_Union[AlertLevel, str]] = ..., start_event: _Optional[str] = ..., ended_by_event: _Optional[str] = ..., end_reason: _Optional[str] = ..., last_activity_date: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ListMyAlertsRequest(_message.Message):
    __slots__ = ("include_ended", "page_size", "page_token")
    INCLUDE_ENDED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    include_ended: bool
    page_size: int
    page_token: str
    def __init__(self, include_ended: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTeamClocksRequest(_message.Message):
    __slots__ = ("team", "include_ended", "page_size", "page_token", "escalated_only")
    TEAM_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ENDED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ESCALATED_ONLY_FIELD_NUMBER: _ClassVar[int]
    team: str
    include_ended: bool
    page_size: int
    page_token: str
    escalated_only: bool
    def __init__(self, team: _Optional[str] = ..., include_ended: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., escalated_only: _Optional[bool] = ...) -> None: ...

class ListPersonClocksRequest(_message.Message):
    __slots__ = ("person", "include_ended")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ENDED_FIELD_NUMBER: _ClassVar[int]
    person: str
    include_ended: bool
    def __init__(self, person: _Optional[str] = ..., include_ended: _Optional[bool] = ...) -> None: ...

class ListClocksResponse(_message.Message):
    __slots__ = ("clocks", "next_page_token")
    CLOCKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    clocks: _containers.RepeatedCompositeFieldContainer[Clock]
    next_page_token: str
    def __init__(self, clocks: _Optional[_Iterable[_Union[Clock, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetClockRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListOverdueRequest(_message.Message):
    __slots__ = ("team",)
    TEAM_FIELD_NUMBER: _ClassVar[int]
    team: str
    def __init__(self, team: _Optional[str] = ...) -> None: ...

class OverdueCount(_message.Message):
    __slots__ = ("team", "worker", "rule", "overdue", "stale")
    TEAM_FIELD_NUMBER: _ClassVar[int]
    WORKER_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    STALE_FIELD_NUMBER: _ClassVar[int]
    team: str
    worker: str
    rule: str
    overdue: int
    stale: int
    def __init__(self, team: _Optional[str] = ..., worker: _Optional[str] = ..., rule: _Optional[str] = ..., overdue: _Optional[int] = ..., stale: _Optional[int] = ...) -> None: ...

class ListOverdueResponse(_message.Message):
    __slots__ = ("counts",)
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    counts: _containers.RepeatedCompositeFieldContainer[OverdueCount]
    def __init__(self, counts: _Optional[_Iterable[_Union[OverdueCount, _Mapping]]] = ...) -> None: ...

class ChangeClockRequest(_message.Message):
    __slots__ = ("name", "etag", "reason", "new_due_date")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    NEW_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    reason: str
    new_due_date: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., reason: _Optional[str] = ..., new_due_date: _Optional[str] = ...) -> None: ...

class ClockChange(_message.Message):
    __slots__ = ("clock", "kind", "reason", "old_due_date", "new_due_date", "by", "time", "title", "person_display_name", "team")
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    OLD_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    NEW_DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PERSON_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    clock: str
    kind: str
    reason: str
    old_due_date: str
    new_due_date: str
    by: str
    time: _timestamp_pb2.Timestamp
    title: str
    person_display_name: str
    team: str
    def __init__(self, clock: _Optional[str] = ..., kind: _Optional[str] = ..., reason: _Optional[str] = ..., old_due_date: _Optional[str] = ..., new_due_date: _Optional[str] = ..., by: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., title: _Optional[str] = ..., person_display_name: _Optional[str] = ..., team: _Optional[str] = ...) -> None: ...

class ListClockChangesRequest(_message.Message):
    __slots__ = ("team", "clock")
    TEAM_FIELD_NUMBER: _ClassVar[int]
    CLOCK_FIELD_NUMBER: _ClassVar[int]
    team: str
    clock: str
    def __init__(self, team: _Optional[str] = ..., clock: _Optional[str] = ...) -> None: ...

class ListClockChangesResponse(_message.Message):
    __slots__ = ("changes",)
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[ClockChange]
    def __init__(self, changes: _Optional[_Iterable[_Union[ClockChange, _Mapping]]] = ...) -> None: ...

class WatchMyAlertsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AlertUpdate(_message.Message):
    __slots__ = ("clocks", "initial")
    CLOCKS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_FIELD_NUMBER: _ClassVar[int]
    clocks: _containers.RepeatedCompositeFieldContainer[Clock]
    initial: bool
    def __init__(self, clocks: _Optional[_Iterable[_Union[Clock, _Mapping]]] = ..., initial: _Optional[bool] = ...) -> None: ...

class GetTimelinessRequest(_message.Message):
    __slots__ = ("rule", "from_date", "to_date", "team")
    RULE_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    rule: str
    from_date: str
    to_date: str
    team: str
    def __init__(self, rule: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., team: _Optional[str] = ...) -> None: ...

class TimelinessRow(_message.Message):
    __slots__ = ("team", "worker", "met", "missed", "open_overdue", "open_in_time", "stopped", "extended", "share_met")
    TEAM_FIELD_NUMBER: _ClassVar[int]
    WORKER_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    MISSED_FIELD_NUMBER: _ClassVar[int]
    OPEN_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    OPEN_IN_TIME_FIELD_NUMBER: _ClassVar[int]
    STOPPED_FIELD_NUMBER: _ClassVar[int]
    EXTENDED_FIELD_NUMBER: _ClassVar[int]
    SHARE_MET_FIELD_NUMBER: _ClassVar[int]
    team: str
    worker: str
    met: int
    missed: int
    open_overdue: int
    open_in_time: int
    stopped: int
    extended: int
    share_met: float
    def __init__(self, team: _Optional[str] = ..., worker: _Optional[str] = ..., met: _Optional[int] = ..., missed: _Optional[int] = ..., open_overdue: _Optional[int] = ..., open_in_time: _Optional[int] = ..., stopped: _Optional[int] = ..., extended: _Optional[int] = ..., share_met: _Optional[float] = ...) -> None: ...

class Timeliness(_message.Message):
    __slots__ = ("rule", "rule_set", "rows", "extensions")
    RULE_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    EXTENSIONS_FIELD_NUMBER: _ClassVar[int]
    rule: str
    rule_set: str
    rows: _containers.RepeatedCompositeFieldContainer[TimelinessRow]
    extensions: _containers.RepeatedCompositeFieldContainer[ClockChange]
    def __init__(self, rule: _Optional[str] = ..., rule_set: _Optional[str] = ..., rows: _Optional[_Iterable[_Union[TimelinessRow, _Mapping]]] = ..., extensions: _Optional[_Iterable[_Union[ClockChange, _Mapping]]] = ...) -> None: ...

class ComputeDueDateRequest(_message.Message):
    __slots__ = ("rule_set", "rule", "start_date", "round")
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    rule_set: str
    rule: str
    start_date: str
    round: int
    def __init__(self, rule_set: _Optional[str] = ..., rule: _Optional[str] = ..., start_date: _Optional[str] = ..., round: _Optional[int] = ...) -> None: ...

class ComputeDueDateResponse(_message.Message):
    __slots__ = ("due_date", "calendar")
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    due_date: str
    calendar: str
    def __init__(self, due_date: _Optional[str] = ..., calendar: _Optional[str] = ...) -> None: ...

class GetRuleSetRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RuleDescription(_message.Message):
    __slots__ = ("rule", "title", "counting", "starts_on", "met_by", "stopped_by", "repeated_by")
    RULE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    COUNTING_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    MET_BY_FIELD_NUMBER: _ClassVar[int]
    STOPPED_BY_FIELD_NUMBER: _ClassVar[int]
    REPEATED_BY_FIELD_NUMBER: _ClassVar[int]
    rule: str
    title: str
    counting: str
    starts_on: _containers.RepeatedScalarFieldContainer[str]
    met_by: _containers.RepeatedScalarFieldContainer[str]
    stopped_by: _containers.RepeatedScalarFieldContainer[str]
    repeated_by: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, rule: _Optional[str] = ..., title: _Optional[str] = ..., counting: _Optional[str] = ..., starts_on: _Optional[_Iterable[str]] = ..., met_by: _Optional[_Iterable[str]] = ..., stopped_by: _Optional[_Iterable[str]] = ..., repeated_by: _Optional[_Iterable[str]] = ...) -> None: ...

class RuleSet(_message.Message):
    __slots__ = ("name", "version", "title", "calendar", "rules", "due_soon_working_days", "stale_after_working_days")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    DUE_SOON_WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    STALE_AFTER_WORKING_DAYS_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: int
    title: str
    calendar: str
    rules: _containers.RepeatedCompositeFieldContainer[RuleDescription]
    due_soon_working_days: int
    stale_after_working_days: int
    def __init__(self, name: _Optional[str] = ..., version: _Optional[int] = ..., title: _Optional[str] = ..., calendar: _Optional[str] = ..., rules: _Optional[_Iterable[_Union[RuleDescription, _Mapping]]] = ..., due_soon_working_days: _Optional[int] = ..., stale_after_working_days: _Optional[int] = ...) -> None: ...

class GetFeedStatusRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class FeedStatus(_message.Message):
    __slots__ = ("last_sequence", "connected", "last_event_time")
    LAST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    CONNECTED_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    last_sequence: int
    connected: bool
    last_event_time: _timestamp_pb2.Timestamp
    def __init__(self, last_sequence: _Optional[int] = ..., connected: _Optional[bool] = ..., last_event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
