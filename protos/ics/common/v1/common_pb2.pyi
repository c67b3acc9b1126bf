from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AnswerStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANSWER_STATUS_UNSPECIFIED: _ClassVar[AnswerStatus]
    ANSWER_STATUS_ANSWERED: _ClassVar[AnswerStatus]
    ANSWER_STATUS_NOT_KNOWN: _ClassVar[AnswerStatus]
    ANSWER_STATUS_NOT_APPLICABLE: _ClassVar[AnswerStatus]
    ANSWER_STATUS_DECLINED: _ClassVar[AnswerStatus]
    ANSWER_STATUS_NOT_YET_ASKED: _ClassVar[AnswerStatus]
ANSWER_STATUS_UNSPECIFIED: AnswerStatus
ANSWER_STATUS_ANSWERED: AnswerStatus
ANSWER_STATUS_NOT_KNOWN: AnswerStatus
ANSWER_STATUS_NOT_APPLICABLE: AnswerStatus
ANSWER_STATUS_DECLINED: AnswerStatus
ANSWER_STATUS_NOT_YET_ASKED: AnswerStatus

class Actor(_message.Message):
    __slots__ = ("user_name", "username", "display_name")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    username: str
    display_name: str
    def __init__(self, user_name: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ...) -> None: ...

class Principal(_message.Message):
    __slots__ = ("user_name", "username", "display_name", "roles", "team_names", "expires_at_unix", "permissions", "entered_by")
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    TEAM_NAMES_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_UNIX_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    ENTERED_BY_FIELD_NUMBER: _ClassVar[int]
    user_name: str
    username: str
    display_name: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    team_names: _containers.RepeatedScalarFieldContainer[str]
    expires_at_unix: int
    permissions: _containers.RepeatedScalarFieldContainer[str]
    entered_by: Actor
    def __init__(self, user_name: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., team_names: _Optional[_Iterable[str]] = ..., expires_at_unix: _Optional[int] = ..., permissions: _Optional[_Iterable[str]] = ..., entered_by: _Optional[_Union[Actor, _Mapping]] = ...) -> None: ...

class Answer(_message.Message):
    __slots__ = ("value", "status", "reason", "shared_from", "recorded_date", "recorded_by")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SHARED_FROM_FIELD_NUMBER: _ClassVar[int]
    RECORDED_DATE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    value: str
    status: AnswerStatus
    reason: str
    shared_from: str
    recorded_date: str
    recorded_by: str
    def __init__(self, value: _Optional[str] = ..., status: _Optional[_Union[AnswerStatus, str]] = ..., reason: _Optional[str] = ..., shared_from: _Optional[str] = ..., recorded_date: _Optional[str] = ..., recorded_by: _Optional[str] = ...) -> None: ...
