from google.protobuf import field_mask_pb2 as _field_mask_pb2
from ics.common.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class User(_message.Message):
    __slots__ = ("name", "username", "display_name", "roles", "team_names", "active", "etag", "email", "must_change_password", "directory_account")
    NAME_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    TEAM_NAMES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    MUST_CHANGE_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    DIRECTORY_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    username: str
    display_name: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    team_names: _containers.RepeatedScalarFieldContainer[str]
    active: bool
    etag: str
    email: str
    must_change_password: bool
    directory_account: bool
    def __init__(self, name: _Optional[str] = ..., username: _Optional[str] = ..., display_name: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., team_names: _Optional[_Iterable[str]] = ..., active: _Optional[bool] = ..., etag: _Optional[str] = ..., email: _Optional[str] = ..., must_change_password: _Optional[bool] = ..., directory_account: _Optional[bool] = ...) -> None: ...

class Team(_message.Message):
    __slots__ = ("name", "display_name", "is_duty", "location")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    IS_DUTY_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    is_duty: bool
    location: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., is_duty: _Optional[bool] = ..., location: _Optional[str] = ...) -> None: ...

class LoginRequest(_message.Message):
    __slots__ = ("username", "password", "new_password")
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    NEW_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    username: str
    password: str
    new_password: str
    def __init__(self, username: _Optional[str] = ..., password: _Optional[str] = ..., new_password: _Optional[str] = ...) -> None: ...

class LoginResponse(_message.Message):
    __slots__ = ("access_token", "expires_at_unix", "user")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_UNIX_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    expires_at_unix: int
    user: User
    def __init__(self, access_token: _Optional[str] = ..., expires_at_unix: _Optional[int] = ..., user: _Optional[_Union[User, _Mapping]] = ...) -> None: ...

class LogoutRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LogoutResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class IntrospectTokenRequest(_message.Message):
    __slots__ = ("access_token", "on_behalf_of")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ON_BEHALF_OF_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    on_behalf_of: str
    def __init__(self, access_token: _Optional[str] = ..., on_behalf_of: _Optional[str] = ...) -> None: ...

class RefreshSessionRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCurrentUserRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetUserRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListUsersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "team_name")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TEAM_NAME_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    team_name: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., team_name: _Optional[str] = ...) -> None: ...

class ListUsersResponse(_message.Message):
    __slots__ = ("users", "next_page_token")
    USERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    users: _containers.RepeatedCompositeFieldContainer[User]
    next_page_token: str
    def __init__(self, users: _Optional[_Iterable[_Union[User, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListTeamsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTeamsResponse(_message.Message):
    __slots__ = ("teams", "next_page_token")
    TEAMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    teams: _containers.RepeatedCompositeFieldContainer[Team]
    next_page_token: str
    def __init__(self, teams: _Optional[_Iterable[_Union[Team, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ChangePasswordRequest(_message.Message):
    __slots__ = ("current_password", "new_password")
    CURRENT_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    NEW_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    current_password: str
    new_password: str
    def __init__(self, current_password: _Optional[str] = ..., new_password: _Optional[str] = ...) -> None: ...

class ChangePasswordResponse(_message.Message):
    __slots__ = ("other_sessions_ended",)
    OTHER_SESSIONS_ENDED_FIELD_NUMBER: _ClassVar[int]
    other_sessions_ended: int
    def __init__(self, other_sessions_ended: _Optional[int] = ...) -> None: ...

class ResetPasswordRequest(_message.Message):
    __slots__ = ("name", "temporary_password")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEMPORARY_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    name: str
    temporary_password: str
    def __init__(self, name: _Optional[str] = ..., temporary_password: _Optional[str] = ...) -> None: ...

class ResetPasswordResponse(_message.Message):
    __slots__ = ("user", "temporary_password")
    USER_FIELD_NUMBER: _ClassVar[int]
    TEMPORARY_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    user: User
    temporary_password: str
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., temporary_password: _Optional[str] = ...) -> None: ...

class UpdateUserRequest(_message.Message):
    __slots__ = ("user", "update_mask")
    USER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    user: User
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CreateUserRequest(_message.Message):
    __slots__ = ("user", "temporary_password")
    USER_FIELD_NUMBER: _ClassVar[int]
    TEMPORARY_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    user: User
    temporary_password: str
    def __init__(self, user: _Optional[_Union[User, _Mapping]] = ..., temporary_password: _Optional[str] = ...) -> None: ...

class CreateTeamRequest(_message.Message):
    __slots__ = ("team",)
    TEAM_FIELD_NUMBER: _ClassVar[int]
    team: Team
    def __init__(self, team: _Optional[_Union[Team, _Mapping]] = ...) -> None: ...

class ListRolesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Permission(_message.Message):
    __slots__ = ("action", "scope", "description")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    action: str
    scope: str
    description: str
    def __init__(self, action: _Optional[str] = ..., scope: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class Role(_message.Message):
    __slots__ = ("id", "display_name", "description", "permissions")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    description: str
    permissions: _containers.RepeatedCompositeFieldContainer[Permission]
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., permissions: _Optional[_Iterable[_Union[Permission, _Mapping]]] = ...) -> None: ...

class ListRolesResponse(_message.Message):
    __slots__ = ("roles",)
    ROLES_FIELD_NUMBER: _ClassVar[int]
    roles: _containers.RepeatedCompositeFieldContainer[Role]
    def __init__(self, roles: _Optional[_Iterable[_Union[Role, _Mapping]]] = ...) -> None: ...
