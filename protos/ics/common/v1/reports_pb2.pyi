import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ColumnKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COLUMN_KIND_UNSPECIFIED: _ClassVar[ColumnKind]
    COLUMN_KIND_TEXT: _ClassVar[ColumnKind]
    COLUMN_KIND_COUNT: _ClassVar[ColumnKind]
    COLUMN_KIND_SHARE: _ClassVar[ColumnKind]
    COLUMN_KIND_HOURS: _ClassVar[ColumnKind]
    COLUMN_KIND_DATE: _ClassVar[ColumnKind]
    COLUMN_KIND_TEAM: _ClassVar[ColumnKind]
    COLUMN_KIND_NUMBER: _ClassVar[ColumnKind]
    COLUMN_KIND_USER: _ClassVar[ColumnKind]
COLUMN_KIND_UNSPECIFIED: ColumnKind
COLUMN_KIND_TEXT: ColumnKind
COLUMN_KIND_COUNT: ColumnKind
COLUMN_KIND_SHARE: ColumnKind
COLUMN_KIND_HOURS: ColumnKind
COLUMN_KIND_DATE: ColumnKind
COLUMN_KIND_TEAM: ColumnKind
COLUMN_KIND_NUMBER: ColumnKind
COLUMN_KIND_USER: ColumnKind

class ReportColumn(_message.Message):
    __slots__ = ("key", "heading", "kind", "help")
    KEY_FIELD_NUMBER: _ClassVar[int]
    HEADING_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    HELP_FIELD_NUMBER: _ClassVar[int]
    key: str
    heading: str
    kind: ColumnKind
    help: str
    def __init__(self, key: _Optional[str] = ..., heading: _Optional[str] = ..., kind: _Optional[_Union[ColumnKind, str]] = ..., help: _Optional[str] = ...) -> None: ...

class ReportCell(_message.Message):
    __slots__ = ("text", "count", "number")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    text: str
    count: int
    number: float
    def __init__(self, text: _Optional[str] = ..., count: _Optional[int] = ..., number: _Optional[float] = ...) -> None: ...

class ReportRow(_message.Message):
    __slots__ = ("cells", "flag")
    CELLS_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    cells: _containers.RepeatedCompositeFieldContainer[ReportCell]
    flag: str
    def __init__(self, cells: _Optional[_Iterable[_Union[ReportCell, _Mapping]]] = ..., flag: _Optional[str] = ...) -> None: ...

class ReportTable(_message.Message):
    __slots__ = ("key", "title", "columns", "rows", "notes", "case_details")
    KEY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    CASE_DETAILS_FIELD_NUMBER: _ClassVar[int]
    key: str
    title: str
    columns: _containers.RepeatedCompositeFieldContainer[ReportColumn]
    rows: _containers.RepeatedCompositeFieldContainer[ReportRow]
    notes: _containers.RepeatedScalarFieldContainer[str]
    case_details: bool
    def __init__(self, key: _Optional[str] = ..., title: _Optional[str] = ..., columns: _Optional[_Iterable[_Union[ReportColumn, _Mapping]]] = ..., rows: _Optional[_Iterable[_Union[ReportRow, _Mapping]]] = ..., notes: _Optional[_Iterable[str]] = ..., case_details: _Optional[bool] = ...) -> None: ...

class Report(_message.Message):
    __slots__ = ("name", "title", "period", "scope", "tables", "notes", "produced_at", "service")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    TABLES_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    PRODUCED_AT_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    period: str
    scope: str
    tables: _containers.RepeatedCompositeFieldContainer[ReportTable]
    notes: _containers.RepeatedScalarFieldContainer[str]
    produced_at: _timestamp_pb2.Timestamp
    service: str
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., period: _Optional[str] = ..., scope: _Optional[str] = ..., tables: _Optional[_Iterable[_Union[ReportTable, _Mapping]]] = ..., notes: _Optional[_Iterable[str]] = ..., produced_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., service: _Optional[str] = ...) -> None: ...

class ReportDescription(_message.Message):
    __slots__ = ("name", "title", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    description: str
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class ListReportsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListReportsResponse(_message.Message):
    __slots__ = ("reports",)
    REPORTS_FIELD_NUMBER: _ClassVar[int]
    reports: _containers.RepeatedCompositeFieldContainer[ReportDescription]
    def __init__(self, reports: _Optional[_Iterable[_Union[ReportDescription, _Mapping]]] = ...) -> None: ...

class GetReportRequest(_message.Message):
    __slots__ = ("name", "from_date", "to_date", "team")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    name: str
    from_date: str
    to_date: str
    team: str
    def __init__(self, name: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., team: _Optional[str] = ...) -> None: ...
