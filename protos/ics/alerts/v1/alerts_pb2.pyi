import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
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
CLOCK_STATE_UNSPECIFIED: ClockState
CLOCK_STATE_OPEN: ClockState
CLOCK_STATE_MET: ClockState
CLOCK_STATE_MISSED: ClockState

class Clock(_message.Message):
    __slots__ = ("name", "rule", "title", "rule_set", "subject", "person", "person_display_name", "team", "assignee", "start_date", "due_date", "state", "overdue", "ended_date", "calendar", "create_time", "working_days_left")
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
    def __init__(self, name: _Optional[str] = ..., rule: _Optional[str] = ..., title: _Optional[str] = ..., rule_set: _Optional[str] = ..., subject: _Optional[str] = ..., person: _Optional[str] = ..., person_display_name: _Optional[str] = ..., team: _Optional[str] = ..., assignee: _Optional[str] = ..., start_date: _Optional[str] = ..., due_date: _Optional[str] = ..., state: _Optional[_Union[ClockState, str]] = ..., overdue: _Optional[bool] = ..., ended_date: _Optional[str] = ..., calendar: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., working_days_left: _Optional[int] = ...) -> None: ...

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
    __slots__ = ("team", "include_ended", "page_size", "page_token")
    TEAM_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ENDED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    team: str
    include_ended: bool
    page_size: int
    page_token: str
    def __init__(self, team: _Optional[str] = ..., include_ended: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

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

class ComputeDueDateRequest(_message.Message):
    __slots__ = ("rule_set", "rule", "start_date")
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    rule_set: str
    rule: str
    start_date: str
    def __init__(self, rule_set: _Optional[str] = ..., rule: _Optional[str] = ..., start_date: _Optional[str] = ...) -> None: ...

class ComputeDueDateResponse(_message.Message):
    __slots__ = ("due_date", "calendar")
    DUE_DATE_FIELD_NUMBER: _ClassVar[int]
    CALENDAR_FIELD_NUMBER: _ClassVar[int]
    due_date: str
    calendar: str
    def __init__(self, due_date: _Optional[str] = ..., calendar: _Optional[str] = ...) -> None: ...

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
