import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from ics.common.v1 import common_pb2 as _common_pb2
from ics.common.v1 import reports_pb2 as _reports_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Sex(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEX_UNSPECIFIED: _ClassVar[Sex]
    SEX_FEMALE: _ClassVar[Sex]
    SEX_MALE: _ClassVar[Sex]
    SEX_UNKNOWN: _ClassVar[Sex]
    SEX_INDETERMINATE: _ClassVar[Sex]

class ContactSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_SOURCE_UNSPECIFIED: _ClassVar[ContactSource]
    CONTACT_SOURCE_POLICE: _ClassVar[ContactSource]
    CONTACT_SOURCE_SCHOOL: _ClassVar[ContactSource]
    CONTACT_SOURCE_HEALTH: _ClassVar[ContactSource]
    CONTACT_SOURCE_FAMILY: _ClassVar[ContactSource]
    CONTACT_SOURCE_ANONYMOUS: _ClassVar[ContactSource]
    CONTACT_SOURCE_OTHER_AGENCY: _ClassVar[ContactSource]
    CONTACT_SOURCE_SELF: _ClassVar[ContactSource]
    CONTACT_SOURCE_OTHER: _ClassVar[ContactSource]

class ReferralState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFERRAL_STATE_UNSPECIFIED: _ClassVar[ReferralState]
    REFERRAL_STATE_AWAITING_DECISION: _ClassVar[ReferralState]
    REFERRAL_STATE_DECIDED: _ClassVar[ReferralState]

class ReferralDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFERRAL_DECISION_UNSPECIFIED: _ClassVar[ReferralDecision]
    REFERRAL_DECISION_NO_FURTHER_ACTION: _ClassVar[ReferralDecision]
    REFERRAL_DECISION_ADVICE_SIGNPOSTING: _ClassVar[ReferralDecision]
    REFERRAL_DECISION_ASSESSMENT: _ClassVar[ReferralDecision]
    REFERRAL_DECISION_STRATEGY_DISCUSSION: _ClassVar[ReferralDecision]

class DocumentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_STATE_UNSPECIFIED: _ClassVar[DocumentState]
    DOCUMENT_STATE_IN_PROGRESS: _ClassVar[DocumentState]
    DOCUMENT_STATE_COMPLETED: _ClassVar[DocumentState]
    DOCUMENT_STATE_CANCELLED: _ClassVar[DocumentState]
    DOCUMENT_STATE_POSTPONED: _ClassVar[DocumentState]
    DOCUMENT_STATE_SUBMITTED: _ClassVar[DocumentState]

class DocumentView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_VIEW_UNSPECIFIED: _ClassVar[DocumentView]
    DOCUMENT_VIEW_BASIC: _ClassVar[DocumentView]
    DOCUMENT_VIEW_FULL: _ClassVar[DocumentView]

class EpisodeState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EPISODE_STATE_UNSPECIFIED: _ClassVar[EpisodeState]
    EPISODE_STATE_OPEN: _ClassVar[EpisodeState]
    EPISODE_STATE_CLOSED: _ClassVar[EpisodeState]

class Progress(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROGRESS_UNSPECIFIED: _ClassVar[Progress]
    PROGRESS_ACHIEVED: _ClassVar[Progress]
    PROGRESS_PARTLY: _ClassVar[Progress]
    PROGRESS_NOT_YET: _ClassVar[Progress]
    PROGRESS_NO_LONGER_RELEVANT: _ClassVar[Progress]

class AccessLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCESS_LEVEL_UNSPECIFIED: _ClassVar[AccessLevel]
    ACCESS_LEVEL_OPEN: _ClassVar[AccessLevel]
    ACCESS_LEVEL_RESTRICTED: _ClassVar[AccessLevel]
    ACCESS_LEVEL_SEALED: _ClassVar[AccessLevel]

class GrantKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRANT_KIND_UNSPECIFIED: _ClassVar[GrantKind]
    GRANT_KIND_GRANT: _ClassVar[GrantKind]
    GRANT_KIND_BREAK_GLASS: _ClassVar[GrantKind]

class BreakGlassOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BREAK_GLASS_OUTCOME_UNSPECIFIED: _ClassVar[BreakGlassOutcome]
    BREAK_GLASS_OUTCOME_JUSTIFIED: _ClassVar[BreakGlassOutcome]
    BREAK_GLASS_OUTCOME_NOT_JUSTIFIED: _ClassVar[BreakGlassOutcome]
SEX_UNSPECIFIED: Sex
SEX_FEMALE: Sex
SEX_MALE: Sex
SEX_UNKNOWN: Sex
SEX_INDETERMINATE: Sex
CONTACT_SOURCE_UNSPECIFIED: ContactSource
CONTACT_SOURCE_POLICE: ContactSource
CONTACT_SOURCE_SCHOOL: ContactSource
CONTACT_SOURCE_HEALTH: ContactSource
CONTACT_SOURCE_FAMILY: ContactSource
CONTACT_SOURCE_ANONYMOUS: ContactSource
CONTACT_SOURCE_OTHER_AGENCY: ContactSource
CONTACT_SOURCE_SELF: ContactSource
CONTACT_SOURCE_OTHER: ContactSource
REFERRAL_STATE_UNSPECIFIED: ReferralState
REFERRAL_STATE_AWAITING_DECISION: ReferralState
REFERRAL_STATE_DECIDED: ReferralState
REFERRAL_DECISION_UNSPECIFIED: ReferralDecision
REFERRAL_DECISION_NO_FURTHER_ACTION: ReferralDecision
REFERRAL_DECISION_ADVICE_SIGNPOSTING: ReferralDecision
REFERRAL_DECISION_ASSESSMENT: ReferralDecision
REFERRAL_DECISION_STRATEGY_DISCUSSION: ReferralDecision
DOCUMENT_STATE_UNSPECIFIED: DocumentState
DOCUMENT_STATE_IN_PROGRESS: DocumentState
DOCUMENT_STATE_COMPLETED: DocumentState
DOCUMENT_STATE_CANCELLED: DocumentState
DOCUMENT_STATE_POSTPONED: DocumentState
DOCUMENT_STATE_SUBMITTED: DocumentState
DOCUMENT_VIEW_UNSPECIFIED: DocumentView
DOCUMENT_VIEW_BASIC: DocumentView
DOCUMENT_VIEW_FULL: DocumentView
EPISODE_STATE_UNSPECIFIED: EpisodeState
EPISODE_STATE_OPEN: EpisodeState
EPISODE_STATE_CLOSED: EpisodeState
PROGRESS_UNSPECIFIED: Progress
PROGRESS_ACHIEVED: Progress
PROGRESS_PARTLY: Progress
PROGRESS_NOT_YET: Progress
PROGRESS_NO_LONGER_RELEVANT: Progress
ACCESS_LEVEL_UNSPECIFIED: AccessLevel
ACCESS_LEVEL_OPEN: AccessLevel
ACCESS_LEVEL_RESTRICTED: AccessLevel
ACCESS_LEVEL_SEALED: AccessLevel
GRANT_KIND_UNSPECIFIED: GrantKind
GRANT_KIND_GRANT: GrantKind
GRANT_KIND_BREAK_GLASS: GrantKind
BREAK_GLASS_OUTCOME_UNSPECIFIED: BreakGlassOutcome
BREAK_GLASS_OUTCOME_JUSTIFIED: BreakGlassOutcome
BREAK_GLASS_OUTCOME_NOT_JUSTIFIED: BreakGlassOutcome

class Person(_message.Message):
    __slots__ = ("name", "given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "restricted", "etag", "create_time", "display_name", "nhs_number", "upn", "council_child_id", "characteristics", "school", "access_level")
    class CharacteristicsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.Answer
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.Answer, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_BIRTH_FIELD_NUMBER: _ClassVar[int]
    SEX_FIELD_NUMBER: _ClassVar[int]
    POSTCODE_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    RESTRICTED_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    NHS_NUMBER_FIELD_NUMBER: _ClassVar[int]
    UPN_FIELD_NUMBER: _ClassVar[int]
    COUNCIL_CHILD_ID_FIELD_NUMBER: _ClassVar[int]
    CHARACTERISTICS_FIELD_NUMBER: _ClassVar[int]
    SCHOOL_FIELD_NUMBER: _ClassVar[int]
    ACCESS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    name: str
    given_name: str
    family_name: str
    date_of_birth: str
    sex: Sex
    postcode: str
    address: str
    restricted: bool
    etag: str
    create_time: _timestamp_pb2.Timestamp
    display_name: str
    nhs_number: str
    upn: str
    council_child_id: str
    characteristics: _containers.MessageMap[str, _common_pb2.Answer]
    school: str
    access_level: AccessLevel
    def __init__(self, name: _Optional[str] = ..., given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., date_of_birth: _Optional[str] = ..., sex: _Optional[_Union[Sex, str]] = ..., postcode: _Optional[str] = ..., address: _Optional[str] = ..., restricted: _Optional[bool] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., display_name: _Optional[str] = ..., nhs_number: _Optional[str] = ..., upn: _Optional[str] = ..., council_child_id: _Optional[str] = ..., characteristics: _Optional[_Mapping[str, _common_pb2.Answer]] = ..., school: _Optional[str] = ..., access_level: _Optional[_Union[AccessLevel, str]] = ...) -> None: ...

class CreatePersonRequest(_message.Message):
    __slots__ = ("person", "request_id", "confirmed_not_duplicate")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_NOT_DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    person: Person
    request_id: str
    confirmed_not_duplicate: bool
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ..., request_id: _Optional[str] = ..., confirmed_not_duplicate: _Optional[bool] = ...) -> None: ...

class GetPersonRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdatePersonRequest(_message.Message):
    __slots__ = ("person", "update_mask")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    person: Person
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class SearchPeopleRequest(_message.Message):
    __slots__ = ("query", "date_of_birth", "postcode", "page_size")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    DATE_OF_BIRTH_FIELD_NUMBER: _ClassVar[int]
    POSTCODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    query: str
    date_of_birth: str
    postcode: str
    page_size: int
    def __init__(self, query: _Optional[str] = ..., date_of_birth: _Optional[str] = ..., postcode: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class PersonMatch(_message.Message):
    __slots__ = ("person", "score", "family")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    FAMILY_FIELD_NUMBER: _ClassVar[int]
    person: Person
    score: float
    family: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ..., score: _Optional[float] = ..., family: _Optional[_Iterable[str]] = ...) -> None: ...

class SearchPeopleResponse(_message.Message):
    __slots__ = ("matches",)
    MATCHES_FIELD_NUMBER: _ClassVar[int]
    matches: _containers.RepeatedCompositeFieldContainer[PersonMatch]
    def __init__(self, matches: _Optional[_Iterable[_Union[PersonMatch, _Mapping]]] = ...) -> None: ...

class Contact(_message.Message):
    __slots__ = ("name", "person", "received_date", "source", "reason", "details", "recorded_by", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    received_date: str
    source: ContactSource
    reason: str
    details: str
    recorded_by: _common_pb2.Actor
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., received_date: _Optional[str] = ..., source: _Optional[_Union[ContactSource, str]] = ..., reason: _Optional[str] = ..., details: _Optional[str] = ..., recorded_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordContactRequest(_message.Message):
    __slots__ = ("person", "new_person", "received_date", "source", "reason", "details", "request_id", "draft", "confirmed_not_duplicate")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    NEW_PERSON_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DRAFT_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_NOT_DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    person: str
    new_person: Person
    received_date: str
    source: ContactSource
    reason: str
    details: str
    request_id: str
    draft: str
    confirmed_not_duplicate: bool
    def __init__(self, person: _Optional[str] = ..., new_person: _Optional[_Union[Person, _Mapping]] = ..., received_date: _Optional[str] = ..., source: _Optional[_Union[ContactSource, str]] = ..., reason: _Optional[str] = ..., details: _Optional[str] = ..., request_id: _Optional[str] = ..., draft: _Optional[str] = ..., confirmed_not_duplicate: _Optional[bool] = ...) -> None: ...

class RecordContactResponse(_message.Message):
    __slots__ = ("contact", "referral", "person")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    REFERRAL_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    referral: Referral
    person: Person
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ..., referral: _Optional[_Union[Referral, _Mapping]] = ..., person: _Optional[_Union[Person, _Mapping]] = ...) -> None: ...

class Referral(_message.Message):
    __slots__ = ("name", "person", "contact", "team", "received_date", "state", "decision", "decision_reason", "decided_by", "decide_time", "decided_date", "etag", "person_display_name", "reason", "previous_referral", "re_referral", "episode")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_DATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DECISION_REASON_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDED_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    PERSON_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_REFERRAL_FIELD_NUMBER: _ClassVar[int]
    RE_REFERRAL_FIELD_NUMBER: _ClassVar[int]
    EPISODE_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    contact: str
    team: str
    received_date: str
    state: ReferralState
    decision: ReferralDecision
    decision_reason: str
    decided_by: _common_pb2.Actor
    decide_time: _timestamp_pb2.Timestamp
    decided_date: str
    etag: str
    person_display_name: str
    reason: str
    previous_referral: str
    re_referral: bool
    episode: str
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., contact: _Optional[str] = ..., team: _Optional[str] = ..., received_date: _Optional[str] = ..., state: _Optional[_Union[ReferralState, str]] = ..., decision: _Optional[_Union[ReferralDecision, str]] = ..., decision_reason: _Optional[str] = ..., decided_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decided_date: _Optional[str] = ..., etag: _Optional[str] = ..., person_display_name: _Optional[str] = ..., reason: _Optional[str] = ..., previous_referral: _Optional[str] = ..., re_referral: _Optional[bool] = ..., episode: _Optional[str] = ...) -> None: ...

class GetReferralRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListReferralsRequest(_message.Message):
    __slots__ = ("state", "team", "person", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: ReferralState
    team: str
    person: str
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[ReferralState, str]] = ..., team: _Optional[str] = ..., person: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReferralsResponse(_message.Message):
    __slots__ = ("referrals", "next_page_token")
    REFERRALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    referrals: _containers.RepeatedCompositeFieldContainer[Referral]
    next_page_token: str
    def __init__(self, referrals: _Optional[_Iterable[_Union[Referral, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DecideReferralRequest(_message.Message):
    __slots__ = ("name", "decision", "reason", "etag", "decided_date")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    DECIDED_DATE_FIELD_NUMBER: _ClassVar[int]
    name: str
    decision: ReferralDecision
    reason: str
    etag: str
    decided_date: str
    def __init__(self, name: _Optional[str] = ..., decision: _Optional[_Union[ReferralDecision, str]] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ..., decided_date: _Optional[str] = ...) -> None: ...

class Draft(_message.Message):
    __slots__ = ("name", "kind", "subject", "fields", "etag", "update_time", "title")
    class FieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: str
    subject: str
    fields: _containers.ScalarMap[str, str]
    etag: str
    update_time: _timestamp_pb2.Timestamp
    title: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[str] = ..., subject: _Optional[str] = ..., fields: _Optional[_Mapping[str, str]] = ..., etag: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., title: _Optional[str] = ...) -> None: ...

class SaveDraftRequest(_message.Message):
    __slots__ = ("draft", "request_id")
    DRAFT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    draft: Draft
    request_id: str
    def __init__(self, draft: _Optional[_Union[Draft, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetDraftRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListDraftsRequest(_message.Message):
    __slots__ = ("kind", "page_size")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    kind: str
    page_size: int
    def __init__(self, kind: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListDraftsResponse(_message.Message):
    __slots__ = ("drafts",)
    DRAFTS_FIELD_NUMBER: _ClassVar[int]
    drafts: _containers.RepeatedCompositeFieldContainer[Draft]
    def __init__(self, drafts: _Optional[_Iterable[_Union[Draft, _Mapping]]] = ...) -> None: ...

class DeleteDraftRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteDraftResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WatchEventsRequest(_message.Message):
    __slots__ = ("after_sequence", "follow")
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_FIELD_NUMBER: _ClassVar[int]
    after_sequence: int
    follow: bool
    def __init__(self, after_sequence: _Optional[int] = ..., follow: _Optional[bool] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("sequence", "type", "subject", "person", "occur_time", "payload_json", "actor")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    type: str
    subject: str
    person: str
    occur_time: _timestamp_pb2.Timestamp
    payload_json: str
    actor: _common_pb2.Actor
    def __init__(self, sequence: _Optional[int] = ..., type: _Optional[str] = ..., subject: _Optional[str] = ..., person: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., payload_json: _Optional[str] = ..., actor: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ...) -> None: ...

class Template(_message.Message):
    __slots__ = ("name", "template_id", "version", "title", "kind", "definition_json")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DEFINITION_JSON_FIELD_NUMBER: _ClassVar[int]
    name: str
    template_id: str
    version: int
    title: str
    kind: str
    definition_json: str
    def __init__(self, name: _Optional[str] = ..., template_id: _Optional[str] = ..., version: _Optional[int] = ..., title: _Optional[str] = ..., kind: _Optional[str] = ..., definition_json: _Optional[str] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ("kind",)
    KIND_FIELD_NUMBER: _ClassVar[int]
    kind: str
    def __init__(self, kind: _Optional[str] = ...) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates",)
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[Template]
    def __init__(self, templates: _Optional[_Iterable[_Union[Template, _Mapping]]] = ...) -> None: ...

class GetTemplateRequest(_message.Message):
    __slots__ = ("template_id", "version")
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    template_id: str
    version: int
    def __init__(self, template_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class Document(_message.Message):
    __slots__ = ("name", "person", "template_id", "template_version", "title", "state", "answers", "etag", "end_reason", "snapshot_sha256", "snapshot_json", "author", "create_time", "update_time", "end_time", "start_date", "signatures", "episode", "return_comments", "submitted_by", "appendments", "supersedes", "entered_by", "person_display_name")
    class AnswersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.Answer
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.Answer, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_SHA256_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_JSON_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    SIGNATURES_FIELD_NUMBER: _ClassVar[int]
    EPISODE_FIELD_NUMBER: _ClassVar[int]
    RETURN_COMMENTS_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_BY_FIELD_NUMBER: _ClassVar[int]
    APPENDMENTS_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDES_FIELD_NUMBER: _ClassVar[int]
    ENTERED_BY_FIELD_NUMBER: _ClassVar[int]
    PERSON_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    template_id: str
    template_version: int
    title: str
    state: DocumentState
    answers: _containers.MessageMap[str, _common_pb2.Answer]
    etag: str
    end_reason: str
    snapshot_sha256: str
    snapshot_json: str
    author: _common_pb2.Actor
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    start_date: str
    signatures: _containers.RepeatedCompositeFieldContainer[Signature]
    episode: str
    return_comments: str
    submitted_by: _common_pb2.Actor
    appendments: _containers.RepeatedCompositeFieldContainer[Appendment]
    supersedes: str
    entered_by: _common_pb2.Actor
    person_display_name: str
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., template_id: _Optional[str] = ..., template_version: _Optional[int] = ..., title: _Optional[str] = ..., state: _Optional[_Union[DocumentState, str]] = ..., answers: _Optional[_Mapping[str, _common_pb2.Answer]] = ..., etag: _Optional[str] = ..., end_reason: _Optional[str] = ..., snapshot_sha256: _Optional[str] = ..., snapshot_json: _Optional[str] = ..., author: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_date: _Optional[str] = ..., signatures: _Optional[_Iterable[_Union[Signature, _Mapping]]] = ..., episode: _Optional[str] = ..., return_comments: _Optional[str] = ..., submitted_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., appendments: _Optional[_Iterable[_Union[Appendment, _Mapping]]] = ..., supersedes: _Optional[str] = ..., entered_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., person_display_name: _Optional[str] = ...) -> None: ...

class Appendment(_message.Message):
    __slots__ = ("text", "author", "create_time", "sha256")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    text: str
    author: _common_pb2.Actor
    create_time: _timestamp_pb2.Timestamp
    sha256: str
    def __init__(self, text: _Optional[str] = ..., author: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sha256: _Optional[str] = ...) -> None: ...

class AppendToDocumentRequest(_message.Message):
    __slots__ = ("name", "text")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    name: str
    text: str
    def __init__(self, name: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class Signature(_message.Message):
    __slots__ = ("role", "method", "signer_name", "witnessed_by", "sign_time", "attachment")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    SIGNER_NAME_FIELD_NUMBER: _ClassVar[int]
    WITNESSED_BY_FIELD_NUMBER: _ClassVar[int]
    SIGN_TIME_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    role: str
    method: str
    signer_name: str
    witnessed_by: str
    sign_time: _timestamp_pb2.Timestamp
    attachment: str
    def __init__(self, role: _Optional[str] = ..., method: _Optional[str] = ..., signer_name: _Optional[str] = ..., witnessed_by: _Optional[str] = ..., sign_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attachment: _Optional[str] = ...) -> None: ...

class SignDocumentRequest(_message.Message):
    __slots__ = ("name", "role", "method", "signer_name", "attachment")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    SIGNER_NAME_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    role: str
    method: str
    signer_name: str
    attachment: str
    def __init__(self, name: _Optional[str] = ..., role: _Optional[str] = ..., method: _Optional[str] = ..., signer_name: _Optional[str] = ..., attachment: _Optional[str] = ...) -> None: ...

class ExportDocumentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ExportDocumentResponse(_message.Message):
    __slots__ = ("bundle_json",)
    BUNDLE_JSON_FIELD_NUMBER: _ClassVar[int]
    bundle_json: str
    def __init__(self, bundle_json: _Optional[str] = ...) -> None: ...

class RecordOutputRequest(_message.Message):
    __slots__ = ("subject", "what", "destination")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    WHAT_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    subject: str
    what: str
    destination: str
    def __init__(self, subject: _Optional[str] = ..., what: _Optional[str] = ..., destination: _Optional[str] = ...) -> None: ...

class RecordOutputResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateDocumentRequest(_message.Message):
    __slots__ = ("person", "template_id", "answers", "request_id", "start_date", "supersedes")
    class AnswersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.Answer
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.Answer, _Mapping]] = ...) -> None: ...
    PERSON_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDES_FIELD_NUMBER: _ClassVar[int]
    person: str
    template_id: str
    answers: _containers.MessageMap[str, _common_pb2.Answer]
    request_id: str
    start_date: str
    supersedes: str
    def __init__(self, person: _Optional[str] = ..., template_id: _Optional[str] = ..., answers: _Optional[_Mapping[str, _common_pb2.Answer]] = ..., request_id: _Optional[str] = ..., start_date: _Optional[str] = ..., supersedes: _Optional[str] = ...) -> None: ...

class GetDocumentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListDocumentsRequest(_message.Message):
    __slots__ = ("person", "state", "page_size", "page_token", "view", "mine")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    MINE_FIELD_NUMBER: _ClassVar[int]
    person: str
    state: DocumentState
    page_size: int
    page_token: str
    view: DocumentView
    mine: bool
    def __init__(self, person: _Optional[str] = ..., state: _Optional[_Union[DocumentState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., view: _Optional[_Union[DocumentView, str]] = ..., mine: _Optional[bool] = ...) -> None: ...

class ListDocumentsResponse(_message.Message):
    __slots__ = ("documents", "next_page_token")
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[Document]
    next_page_token: str
    def __init__(self, documents: _Optional[_Iterable[_Union[Document, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateDocumentRequest(_message.Message):
    __slots__ = ("name", "answers", "etag")
    class AnswersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.Answer
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.Answer, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    answers: _containers.MessageMap[str, _common_pb2.Answer]
    etag: str
    def __init__(self, name: _Optional[str] = ..., answers: _Optional[_Mapping[str, _common_pb2.Answer]] = ..., etag: _Optional[str] = ...) -> None: ...

class EndDocumentRequest(_message.Message):
    __slots__ = ("name", "state", "reason", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    state: DocumentState
    reason: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., state: _Optional[_Union[DocumentState, str]] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class RelationshipType(_message.Message):
    __slots__ = ("code", "label", "needs_review")
    CODE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    NEEDS_REVIEW_FIELD_NUMBER: _ClassVar[int]
    code: str
    label: str
    needs_review: bool
    def __init__(self, code: _Optional[str] = ..., label: _Optional[str] = ..., needs_review: _Optional[bool] = ...) -> None: ...

class ListRelationshipTypesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRelationshipTypesResponse(_message.Message):
    __slots__ = ("types",)
    TYPES_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedCompositeFieldContainer[RelationshipType]
    def __init__(self, types: _Optional[_Iterable[_Union[RelationshipType, _Mapping]]] = ...) -> None: ...

class CreateRelationshipTypeRequest(_message.Message):
    __slots__ = ("type",)
    TYPE_FIELD_NUMBER: _ClassVar[int]
    type: RelationshipType
    def __init__(self, type: _Optional[_Union[RelationshipType, _Mapping]] = ...) -> None: ...

class Relationship(_message.Message):
    __slots__ = ("name", "child", "other", "type_code", "label", "lives_with_child", "needs_review", "other_display_name", "start_date", "end_date", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHILD_FIELD_NUMBER: _ClassVar[int]
    OTHER_FIELD_NUMBER: _ClassVar[int]
    TYPE_CODE_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    LIVES_WITH_CHILD_FIELD_NUMBER: _ClassVar[int]
    NEEDS_REVIEW_FIELD_NUMBER: _ClassVar[int]
    OTHER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    child: str
    other: str
    type_code: str
    label: str
    lives_with_child: bool
    needs_review: bool
    other_display_name: str
    start_date: str
    end_date: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., child: _Optional[str] = ..., other: _Optional[str] = ..., type_code: _Optional[str] = ..., label: _Optional[str] = ..., lives_with_child: _Optional[bool] = ..., needs_review: _Optional[bool] = ..., other_display_name: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CreateRelationshipRequest(_message.Message):
    __slots__ = ("relationship",)
    RELATIONSHIP_FIELD_NUMBER: _ClassVar[int]
    relationship: Relationship
    def __init__(self, relationship: _Optional[_Union[Relationship, _Mapping]] = ...) -> None: ...

class ListRelationshipsRequest(_message.Message):
    __slots__ = ("child", "needs_review_only")
    CHILD_FIELD_NUMBER: _ClassVar[int]
    NEEDS_REVIEW_ONLY_FIELD_NUMBER: _ClassVar[int]
    child: str
    needs_review_only: bool
    def __init__(self, child: _Optional[str] = ..., needs_review_only: _Optional[bool] = ...) -> None: ...

class ListRelationshipsResponse(_message.Message):
    __slots__ = ("relationships",)
    RELATIONSHIPS_FIELD_NUMBER: _ClassVar[int]
    relationships: _containers.RepeatedCompositeFieldContainer[Relationship]
    def __init__(self, relationships: _Optional[_Iterable[_Union[Relationship, _Mapping]]] = ...) -> None: ...

class UpdateRelationshipRequest(_message.Message):
    __slots__ = ("relationship", "update_mask")
    RELATIONSHIP_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    relationship: Relationship
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, relationship: _Optional[_Union[Relationship, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class HouseholdMember(_message.Message):
    __slots__ = ("person", "display_name", "from_date", "to_date")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    person: str
    display_name: str
    from_date: str
    to_date: str
    def __init__(self, person: _Optional[str] = ..., display_name: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ...) -> None: ...

class Household(_message.Message):
    __slots__ = ("name", "address", "postcode", "members", "facts", "etag")
    class FactsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.Answer
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.Answer, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    POSTCODE_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    address: str
    postcode: str
    members: _containers.RepeatedCompositeFieldContainer[HouseholdMember]
    facts: _containers.MessageMap[str, _common_pb2.Answer]
    etag: str
    def __init__(self, name: _Optional[str] = ..., address: _Optional[str] = ..., postcode: _Optional[str] = ..., members: _Optional[_Iterable[_Union[HouseholdMember, _Mapping]]] = ..., facts: _Optional[_Mapping[str, _common_pb2.Answer]] = ..., etag: _Optional[str] = ...) -> None: ...

class CreateHouseholdRequest(_message.Message):
    __slots__ = ("household", "members", "from_date", "request_id")
    HOUSEHOLD_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    household: Household
    members: _containers.RepeatedScalarFieldContainer[str]
    from_date: str
    request_id: str
    def __init__(self, household: _Optional[_Union[Household, _Mapping]] = ..., members: _Optional[_Iterable[str]] = ..., from_date: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetHouseholdRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListHouseholdsRequest(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: str
    def __init__(self, person: _Optional[str] = ...) -> None: ...

class ListHouseholdsResponse(_message.Message):
    __slots__ = ("households",)
    HOUSEHOLDS_FIELD_NUMBER: _ClassVar[int]
    households: _containers.RepeatedCompositeFieldContainer[Household]
    def __init__(self, households: _Optional[_Iterable[_Union[Household, _Mapping]]] = ...) -> None: ...

class JoinHouseholdRequest(_message.Message):
    __slots__ = ("name", "person", "from_date", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    from_date: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., from_date: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class LeaveHouseholdRequest(_message.Message):
    __slots__ = ("name", "person", "to_date", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    to_date: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., to_date: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class UpdateHouseholdFactsRequest(_message.Message):
    __slots__ = ("name", "facts", "etag")
    class FactsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.Answer
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.Answer, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    facts: _containers.MessageMap[str, _common_pb2.Answer]
    etag: str
    def __init__(self, name: _Optional[str] = ..., facts: _Optional[_Mapping[str, _common_pb2.Answer]] = ..., etag: _Optional[str] = ...) -> None: ...

class Allocation(_message.Message):
    __slots__ = ("name", "person", "worker", "worker_display_name", "team", "start_date", "end_date", "reason", "allocated_by")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    WORKER_FIELD_NUMBER: _ClassVar[int]
    WORKER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ALLOCATED_BY_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    worker: str
    worker_display_name: str
    team: str
    start_date: str
    end_date: str
    reason: str
    allocated_by: _common_pb2.Actor
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., worker: _Optional[str] = ..., worker_display_name: _Optional[str] = ..., team: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., reason: _Optional[str] = ..., allocated_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ...) -> None: ...

class AllocateWorkerRequest(_message.Message):
    __slots__ = ("allocation",)
    ALLOCATION_FIELD_NUMBER: _ClassVar[int]
    allocation: Allocation
    def __init__(self, allocation: _Optional[_Union[Allocation, _Mapping]] = ...) -> None: ...

class ListAllocationsRequest(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: str
    def __init__(self, person: _Optional[str] = ...) -> None: ...

class ListCaseloadRequest(_message.Message):
    __slots__ = ("worker", "unallocated", "page_size", "page_token")
    WORKER_FIELD_NUMBER: _ClassVar[int]
    UNALLOCATED_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    worker: str
    unallocated: bool
    page_size: int
    page_token: str
    def __init__(self, worker: _Optional[str] = ..., unallocated: _Optional[bool] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class CaseloadEntry(_message.Message):
    __slots__ = ("person", "allocation", "episode_opened_date", "open_documents")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_FIELD_NUMBER: _ClassVar[int]
    EPISODE_OPENED_DATE_FIELD_NUMBER: _ClassVar[int]
    OPEN_DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    person: Person
    allocation: Allocation
    episode_opened_date: str
    open_documents: int
    def __init__(self, person: _Optional[_Union[Person, _Mapping]] = ..., allocation: _Optional[_Union[Allocation, _Mapping]] = ..., episode_opened_date: _Optional[str] = ..., open_documents: _Optional[int] = ...) -> None: ...

class ListCaseloadResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[CaseloadEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[CaseloadEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListAllocationsResponse(_message.Message):
    __slots__ = ("allocations",)
    ALLOCATIONS_FIELD_NUMBER: _ClassVar[int]
    allocations: _containers.RepeatedCompositeFieldContainer[Allocation]
    def __init__(self, allocations: _Optional[_Iterable[_Union[Allocation, _Mapping]]] = ...) -> None: ...

class ChronologyEntry(_message.Message):
    __slots__ = ("date", "title", "detail", "curated", "significant", "source", "recorded_by", "entered_by")
    DATE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CURATED_FIELD_NUMBER: _ClassVar[int]
    SIGNIFICANT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_BY_FIELD_NUMBER: _ClassVar[int]
    ENTERED_BY_FIELD_NUMBER: _ClassVar[int]
    date: str
    title: str
    detail: str
    curated: bool
    significant: bool
    source: str
    recorded_by: str
    entered_by: str
    def __init__(self, date: _Optional[str] = ..., title: _Optional[str] = ..., detail: _Optional[str] = ..., curated: _Optional[bool] = ..., significant: _Optional[bool] = ..., source: _Optional[str] = ..., recorded_by: _Optional[str] = ..., entered_by: _Optional[str] = ...) -> None: ...

class Chronology(_message.Message):
    __slots__ = ("person", "entries")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    person: str
    entries: _containers.RepeatedCompositeFieldContainer[ChronologyEntry]
    def __init__(self, person: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[ChronologyEntry, _Mapping]]] = ...) -> None: ...

class GetChronologyRequest(_message.Message):
    __slots__ = ("person", "significant_only")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    SIGNIFICANT_ONLY_FIELD_NUMBER: _ClassVar[int]
    person: str
    significant_only: bool
    def __init__(self, person: _Optional[str] = ..., significant_only: _Optional[bool] = ...) -> None: ...

class AddChronologyEntryRequest(_message.Message):
    __slots__ = ("person", "entry")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    ENTRY_FIELD_NUMBER: _ClassVar[int]
    person: str
    entry: ChronologyEntry
    def __init__(self, person: _Optional[str] = ..., entry: _Optional[_Union[ChronologyEntry, _Mapping]] = ...) -> None: ...

class Episode(_message.Message):
    __slots__ = ("name", "person", "state", "opened_date", "closed_date", "closure_reason", "previous_episode", "referrals", "documents")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OPENED_DATE_FIELD_NUMBER: _ClassVar[int]
    CLOSED_DATE_FIELD_NUMBER: _ClassVar[int]
    CLOSURE_REASON_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_EPISODE_FIELD_NUMBER: _ClassVar[int]
    REFERRALS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    state: EpisodeState
    opened_date: str
    closed_date: str
    closure_reason: str
    previous_episode: str
    referrals: _containers.RepeatedScalarFieldContainer[str]
    documents: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., state: _Optional[_Union[EpisodeState, str]] = ..., opened_date: _Optional[str] = ..., closed_date: _Optional[str] = ..., closure_reason: _Optional[str] = ..., previous_episode: _Optional[str] = ..., referrals: _Optional[_Iterable[str]] = ..., documents: _Optional[_Iterable[str]] = ...) -> None: ...

class ListEpisodesRequest(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: str
    def __init__(self, person: _Optional[str] = ...) -> None: ...

class ListEpisodesResponse(_message.Message):
    __slots__ = ("episodes",)
    EPISODES_FIELD_NUMBER: _ClassVar[int]
    episodes: _containers.RepeatedCompositeFieldContainer[Episode]
    def __init__(self, episodes: _Optional[_Iterable[_Union[Episode, _Mapping]]] = ...) -> None: ...

class ReviewDocumentRequest(_message.Message):
    __slots__ = ("name", "etag", "comments")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    COMMENTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    comments: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ..., comments: _Optional[str] = ...) -> None: ...

class CopyDocumentToSiblingsRequest(_message.Message):
    __slots__ = ("name", "siblings")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SIBLINGS_FIELD_NUMBER: _ClassVar[int]
    name: str
    siblings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., siblings: _Optional[_Iterable[str]] = ...) -> None: ...

class CopyDocumentToSiblingsResponse(_message.Message):
    __slots__ = ("documents",)
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[Document]
    def __init__(self, documents: _Optional[_Iterable[_Union[Document, _Mapping]]] = ...) -> None: ...

class PersonMerge(_message.Message):
    __slots__ = ("name", "keep", "duplicate", "reason", "records_moved", "undone")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KEEP_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RECORDS_MOVED_FIELD_NUMBER: _ClassVar[int]
    UNDONE_FIELD_NUMBER: _ClassVar[int]
    name: str
    keep: str
    duplicate: str
    reason: str
    records_moved: int
    undone: bool
    def __init__(self, name: _Optional[str] = ..., keep: _Optional[str] = ..., duplicate: _Optional[str] = ..., reason: _Optional[str] = ..., records_moved: _Optional[int] = ..., undone: _Optional[bool] = ...) -> None: ...

class MergePeopleRequest(_message.Message):
    __slots__ = ("keep", "duplicate", "reason")
    KEEP_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    keep: str
    duplicate: str
    reason: str
    def __init__(self, keep: _Optional[str] = ..., duplicate: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class UndoMergeRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class Attachment(_message.Message):
    __slots__ = ("name", "document", "filename", "media_type", "kind", "provenance", "description", "sha256", "size_bytes", "content", "added_by")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PROVENANCE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ADDED_BY_FIELD_NUMBER: _ClassVar[int]
    name: str
    document: str
    filename: str
    media_type: str
    kind: str
    provenance: str
    description: str
    sha256: str
    size_bytes: int
    content: bytes
    added_by: _common_pb2.Actor
    def __init__(self, name: _Optional[str] = ..., document: _Optional[str] = ..., filename: _Optional[str] = ..., media_type: _Optional[str] = ..., kind: _Optional[str] = ..., provenance: _Optional[str] = ..., description: _Optional[str] = ..., sha256: _Optional[str] = ..., size_bytes: _Optional[int] = ..., content: _Optional[bytes] = ..., added_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ...) -> None: ...

class AddAttachmentRequest(_message.Message):
    __slots__ = ("attachment",)
    ATTACHMENT_FIELD_NUMBER: _ClassVar[int]
    attachment: Attachment
    def __init__(self, attachment: _Optional[_Union[Attachment, _Mapping]] = ...) -> None: ...

class GetAttachmentRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class PlanAction(_message.Message):
    __slots__ = ("name", "who", "what", "by_when", "done", "etag", "history")
    NAME_FIELD_NUMBER: _ClassVar[int]
    WHO_FIELD_NUMBER: _ClassVar[int]
    WHAT_FIELD_NUMBER: _ClassVar[int]
    BY_WHEN_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    name: str
    who: str
    what: str
    by_when: str
    done: bool
    etag: str
    history: _containers.RepeatedCompositeFieldContainer[PlanActionChange]
    def __init__(self, name: _Optional[str] = ..., who: _Optional[str] = ..., what: _Optional[str] = ..., by_when: _Optional[str] = ..., done: _Optional[bool] = ..., etag: _Optional[str] = ..., history: _Optional[_Iterable[_Union[PlanActionChange, _Mapping]]] = ...) -> None: ...

class PlanActionChange(_message.Message):
    __slots__ = ("who", "what", "by_when", "done", "changed_by", "change_time")
    WHO_FIELD_NUMBER: _ClassVar[int]
    WHAT_FIELD_NUMBER: _ClassVar[int]
    BY_WHEN_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    CHANGE_TIME_FIELD_NUMBER: _ClassVar[int]
    who: str
    what: str
    by_when: str
    done: bool
    changed_by: str
    change_time: _timestamp_pb2.Timestamp
    def __init__(self, who: _Optional[str] = ..., what: _Optional[str] = ..., by_when: _Optional[str] = ..., done: _Optional[bool] = ..., changed_by: _Optional[str] = ..., change_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlanOutcome(_message.Message):
    __slots__ = ("name", "text", "current", "actions", "latest_progress")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CURRENT_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    LATEST_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    name: str
    text: str
    current: bool
    actions: _containers.RepeatedCompositeFieldContainer[PlanAction]
    latest_progress: Progress
    def __init__(self, name: _Optional[str] = ..., text: _Optional[str] = ..., current: _Optional[bool] = ..., actions: _Optional[_Iterable[_Union[PlanAction, _Mapping]]] = ..., latest_progress: _Optional[_Union[Progress, str]] = ...) -> None: ...

class Plan(_message.Message):
    __slots__ = ("name", "person", "kind", "start_date", "outcomes", "etag", "reviews", "end_date", "end_reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    kind: str
    start_date: str
    outcomes: _containers.RepeatedCompositeFieldContainer[PlanOutcome]
    etag: str
    reviews: int
    end_date: str
    end_reason: str
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., kind: _Optional[str] = ..., start_date: _Optional[str] = ..., outcomes: _Optional[_Iterable[_Union[PlanOutcome, _Mapping]]] = ..., etag: _Optional[str] = ..., reviews: _Optional[int] = ..., end_date: _Optional[str] = ..., end_reason: _Optional[str] = ...) -> None: ...

class EndPlanRequest(_message.Message):
    __slots__ = ("name", "end_date", "reason", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    end_date: str
    reason: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., end_date: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class NewOutcome(_message.Message):
    __slots__ = ("text", "actions")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    text: str
    actions: _containers.RepeatedCompositeFieldContainer[PlanAction]
    def __init__(self, text: _Optional[str] = ..., actions: _Optional[_Iterable[_Union[PlanAction, _Mapping]]] = ...) -> None: ...

class CreatePlanRequest(_message.Message):
    __slots__ = ("person", "kind", "start_date", "outcomes", "request_id")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    person: str
    kind: str
    start_date: str
    outcomes: _containers.RepeatedCompositeFieldContainer[NewOutcome]
    request_id: str
    def __init__(self, person: _Optional[str] = ..., kind: _Optional[str] = ..., start_date: _Optional[str] = ..., outcomes: _Optional[_Iterable[_Union[NewOutcome, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetPlanRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class UpdateActionRequest(_message.Message):
    __slots__ = ("plan", "action", "outcome")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    plan: str
    action: PlanAction
    outcome: str
    def __init__(self, plan: _Optional[str] = ..., action: _Optional[_Union[PlanAction, _Mapping]] = ..., outcome: _Optional[str] = ...) -> None: ...

class OutcomeReview(_message.Message):
    __slots__ = ("outcome", "progress", "note")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    outcome: str
    progress: Progress
    note: str
    def __init__(self, outcome: _Optional[str] = ..., progress: _Optional[_Union[Progress, str]] = ..., note: _Optional[str] = ...) -> None: ...

class RecordReviewRequest(_message.Message):
    __slots__ = ("plan", "etag", "review_date", "review_document", "progress", "new_outcomes", "retire_outcomes")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REVIEW_DATE_FIELD_NUMBER: _ClassVar[int]
    REVIEW_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    NEW_OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    RETIRE_OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    plan: str
    etag: str
    review_date: str
    review_document: str
    progress: _containers.RepeatedCompositeFieldContainer[OutcomeReview]
    new_outcomes: _containers.RepeatedCompositeFieldContainer[NewOutcome]
    retire_outcomes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan: _Optional[str] = ..., etag: _Optional[str] = ..., review_date: _Optional[str] = ..., review_document: _Optional[str] = ..., progress: _Optional[_Iterable[_Union[OutcomeReview, _Mapping]]] = ..., new_outcomes: _Optional[_Iterable[_Union[NewOutcome, _Mapping]]] = ..., retire_outcomes: _Optional[_Iterable[str]] = ...) -> None: ...

class OutcomeProgressEntry(_message.Message):
    __slots__ = ("plan", "outcome", "outcome_text", "review_date", "progress", "note")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_TEXT_FIELD_NUMBER: _ClassVar[int]
    REVIEW_DATE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    plan: str
    outcome: str
    outcome_text: str
    review_date: str
    progress: Progress
    note: str
    def __init__(self, plan: _Optional[str] = ..., outcome: _Optional[str] = ..., outcome_text: _Optional[str] = ..., review_date: _Optional[str] = ..., progress: _Optional[_Union[Progress, str]] = ..., note: _Optional[str] = ...) -> None: ...

class OutcomeProgress(_message.Message):
    __slots__ = ("person", "entries")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    person: str
    entries: _containers.RepeatedCompositeFieldContainer[OutcomeProgressEntry]
    def __init__(self, person: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[OutcomeProgressEntry, _Mapping]]] = ...) -> None: ...

class GetOutcomeProgressRequest(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: str
    def __init__(self, person: _Optional[str] = ...) -> None: ...

class Carer(_message.Message):
    __slots__ = ("name", "kind", "display_name", "postcode", "urn", "characteristics", "active", "etag")
    class CharacteristicsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _common_pb2.Answer
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_common_pb2.Answer, _Mapping]] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    POSTCODE_FIELD_NUMBER: _ClassVar[int]
    URN_FIELD_NUMBER: _ClassVar[int]
    CHARACTERISTICS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    kind: str
    display_name: str
    postcode: str
    urn: str
    characteristics: _containers.MessageMap[str, _common_pb2.Answer]
    active: bool
    etag: str
    def __init__(self, name: _Optional[str] = ..., kind: _Optional[str] = ..., display_name: _Optional[str] = ..., postcode: _Optional[str] = ..., urn: _Optional[str] = ..., characteristics: _Optional[_Mapping[str, _common_pb2.Answer]] = ..., active: _Optional[bool] = ..., etag: _Optional[str] = ...) -> None: ...

class UpdateCarerRequest(_message.Message):
    __slots__ = ("carer", "update_mask")
    CARER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    carer: Carer
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, carer: _Optional[_Union[Carer, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CreateCarerRequest(_message.Message):
    __slots__ = ("carer",)
    CARER_FIELD_NUMBER: _ClassVar[int]
    carer: Carer
    def __init__(self, carer: _Optional[_Union[Carer, _Mapping]] = ...) -> None: ...

class ListCarersRequest(_message.Message):
    __slots__ = ("kind",)
    KIND_FIELD_NUMBER: _ClassVar[int]
    kind: str
    def __init__(self, kind: _Optional[str] = ...) -> None: ...

class ListCarersResponse(_message.Message):
    __slots__ = ("carers",)
    CARERS_FIELD_NUMBER: _ClassVar[int]
    carers: _containers.RepeatedCompositeFieldContainer[Carer]
    def __init__(self, carers: _Optional[_Iterable[_Union[Carer, _Mapping]]] = ...) -> None: ...

class Placement(_message.Message):
    __slots__ = ("name", "child", "carer", "carer_display_name", "start_date", "end_date", "placement_type", "provider", "end_reason", "postcode", "etag", "care_period")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHILD_FIELD_NUMBER: _ClassVar[int]
    CARER_FIELD_NUMBER: _ClassVar[int]
    CARER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    PLACEMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    POSTCODE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CARE_PERIOD_FIELD_NUMBER: _ClassVar[int]
    name: str
    child: str
    carer: str
    carer_display_name: str
    start_date: str
    end_date: str
    placement_type: str
    provider: str
    end_reason: str
    postcode: str
    etag: str
    care_period: str
    def __init__(self, name: _Optional[str] = ..., child: _Optional[str] = ..., carer: _Optional[str] = ..., carer_display_name: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., placement_type: _Optional[str] = ..., provider: _Optional[str] = ..., end_reason: _Optional[str] = ..., postcode: _Optional[str] = ..., etag: _Optional[str] = ..., care_period: _Optional[str] = ...) -> None: ...

class StartPlacementRequest(_message.Message):
    __slots__ = ("placement",)
    PLACEMENT_FIELD_NUMBER: _ClassVar[int]
    placement: Placement
    def __init__(self, placement: _Optional[_Union[Placement, _Mapping]] = ...) -> None: ...

class EndPlacementRequest(_message.Message):
    __slots__ = ("name", "end_date", "end_reason", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    end_date: str
    end_reason: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., end_date: _Optional[str] = ..., end_reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class LegalStatus(_message.Message):
    __slots__ = ("code", "start_date", "end_date")
    CODE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    code: str
    start_date: str
    end_date: str
    def __init__(self, code: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ...) -> None: ...

class CareEpisodeRow(_message.Message):
    __slots__ = ("decom", "rne", "ls", "cin", "place", "place_provider", "dec", "rec", "reason_place_change", "home_post", "pl_post", "urn")
    DECOM_FIELD_NUMBER: _ClassVar[int]
    RNE_FIELD_NUMBER: _ClassVar[int]
    LS_FIELD_NUMBER: _ClassVar[int]
    CIN_FIELD_NUMBER: _ClassVar[int]
    PLACE_FIELD_NUMBER: _ClassVar[int]
    PLACE_PROVIDER_FIELD_NUMBER: _ClassVar[int]
    DEC_FIELD_NUMBER: _ClassVar[int]
    REC_FIELD_NUMBER: _ClassVar[int]
    REASON_PLACE_CHANGE_FIELD_NUMBER: _ClassVar[int]
    HOME_POST_FIELD_NUMBER: _ClassVar[int]
    PL_POST_FIELD_NUMBER: _ClassVar[int]
    URN_FIELD_NUMBER: _ClassVar[int]
    decom: str
    rne: str
    ls: str
    cin: str
    place: str
    place_provider: str
    dec: str
    rec: str
    reason_place_change: str
    home_post: str
    pl_post: str
    urn: str
    def __init__(self, decom: _Optional[str] = ..., rne: _Optional[str] = ..., ls: _Optional[str] = ..., cin: _Optional[str] = ..., place: _Optional[str] = ..., place_provider: _Optional[str] = ..., dec: _Optional[str] = ..., rec: _Optional[str] = ..., reason_place_change: _Optional[str] = ..., home_post: _Optional[str] = ..., pl_post: _Optional[str] = ..., urn: _Optional[str] = ...) -> None: ...

class CarePeriod(_message.Message):
    __slots__ = ("name", "child", "episode", "start_date", "end_date", "end_reason", "category_of_need", "legal_statuses", "placements", "episode_rows", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHILD_FIELD_NUMBER: _ClassVar[int]
    EPISODE_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_OF_NEED_FIELD_NUMBER: _ClassVar[int]
    LEGAL_STATUSES_FIELD_NUMBER: _ClassVar[int]
    PLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    EPISODE_ROWS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    child: str
    episode: str
    start_date: str
    end_date: str
    end_reason: str
    category_of_need: str
    legal_statuses: _containers.RepeatedCompositeFieldContainer[LegalStatus]
    placements: _containers.RepeatedCompositeFieldContainer[Placement]
    episode_rows: _containers.RepeatedCompositeFieldContainer[CareEpisodeRow]
    etag: str
    def __init__(self, name: _Optional[str] = ..., child: _Optional[str] = ..., episode: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., end_reason: _Optional[str] = ..., category_of_need: _Optional[str] = ..., legal_statuses: _Optional[_Iterable[_Union[LegalStatus, _Mapping]]] = ..., placements: _Optional[_Iterable[_Union[Placement, _Mapping]]] = ..., episode_rows: _Optional[_Iterable[_Union[CareEpisodeRow, _Mapping]]] = ..., etag: _Optional[str] = ...) -> None: ...

class StartCareRequest(_message.Message):
    __slots__ = ("child", "start_date", "legal_status", "category_of_need", "request_id")
    CHILD_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_STATUS_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_OF_NEED_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    child: str
    start_date: str
    legal_status: str
    category_of_need: str
    request_id: str
    def __init__(self, child: _Optional[str] = ..., start_date: _Optional[str] = ..., legal_status: _Optional[str] = ..., category_of_need: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ChangeLegalStatusRequest(_message.Message):
    __slots__ = ("name", "legal_status", "start_date", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEGAL_STATUS_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    legal_status: str
    start_date: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., legal_status: _Optional[str] = ..., start_date: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class EndCareRequest(_message.Message):
    __slots__ = ("name", "end_date", "end_reason", "reason_place_change", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    END_REASON_FIELD_NUMBER: _ClassVar[int]
    REASON_PLACE_CHANGE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    end_date: str
    end_reason: str
    reason_place_change: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., end_date: _Optional[str] = ..., end_reason: _Optional[str] = ..., reason_place_change: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ListCarePeriodsRequest(_message.Message):
    __slots__ = ("child",)
    CHILD_FIELD_NUMBER: _ClassVar[int]
    child: str
    def __init__(self, child: _Optional[str] = ...) -> None: ...

class ListCarePeriodsResponse(_message.Message):
    __slots__ = ("care_periods",)
    CARE_PERIODS_FIELD_NUMBER: _ClassVar[int]
    care_periods: _containers.RepeatedCompositeFieldContainer[CarePeriod]
    def __init__(self, care_periods: _Optional[_Iterable[_Union[CarePeriod, _Mapping]]] = ...) -> None: ...

class ListPlacementsRequest(_message.Message):
    __slots__ = ("child",)
    CHILD_FIELD_NUMBER: _ClassVar[int]
    child: str
    def __init__(self, child: _Optional[str] = ...) -> None: ...

class ListPlacementsResponse(_message.Message):
    __slots__ = ("placements",)
    PLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    placements: _containers.RepeatedCompositeFieldContainer[Placement]
    def __init__(self, placements: _Optional[_Iterable[_Union[Placement, _Mapping]]] = ...) -> None: ...

class GetCaseStoryRequest(_message.Message):
    __slots__ = ("person",)
    PERSON_FIELD_NUMBER: _ClassVar[int]
    person: str
    def __init__(self, person: _Optional[str] = ...) -> None: ...

class CaseStory(_message.Message):
    __slots__ = ("person", "text", "pen_picture", "key_case_summary")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    PEN_PICTURE_FIELD_NUMBER: _ClassVar[int]
    KEY_CASE_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    person: str
    text: str
    pen_picture: StoryPart
    key_case_summary: StoryPart
    def __init__(self, person: _Optional[str] = ..., text: _Optional[str] = ..., pen_picture: _Optional[_Union[StoryPart, _Mapping]] = ..., key_case_summary: _Optional[_Union[StoryPart, _Mapping]] = ...) -> None: ...

class StoryPart(_message.Message):
    __slots__ = ("value", "source", "recorded_date", "said_where")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RECORDED_DATE_FIELD_NUMBER: _ClassVar[int]
    SAID_WHERE_FIELD_NUMBER: _ClassVar[int]
    value: str
    source: str
    recorded_date: str
    said_where: str
    def __init__(self, value: _Optional[str] = ..., source: _Optional[str] = ..., recorded_date: _Optional[str] = ..., said_where: _Optional[str] = ...) -> None: ...

class SetRecordAccessRequest(_message.Message):
    __slots__ = ("person", "access_level", "reason", "etag")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    ACCESS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    person: str
    access_level: AccessLevel
    reason: str
    etag: str
    def __init__(self, person: _Optional[str] = ..., access_level: _Optional[_Union[AccessLevel, str]] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class RecordGrant(_message.Message):
    __slots__ = ("name", "person", "user", "kind", "reason", "granted_by", "grant_time", "expire_time", "revoke_time", "review_outcome", "review_note", "reviewed_by", "active", "person_display_name")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    GRANTED_BY_FIELD_NUMBER: _ClassVar[int]
    GRANT_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    REVOKE_TIME_FIELD_NUMBER: _ClassVar[int]
    REVIEW_OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REVIEW_NOTE_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_BY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    PERSON_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    user: str
    kind: GrantKind
    reason: str
    granted_by: _common_pb2.Actor
    grant_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    revoke_time: _timestamp_pb2.Timestamp
    review_outcome: BreakGlassOutcome
    review_note: str
    reviewed_by: _common_pb2.Actor
    active: bool
    person_display_name: str
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., user: _Optional[str] = ..., kind: _Optional[_Union[GrantKind, str]] = ..., reason: _Optional[str] = ..., granted_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., grant_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoke_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., review_outcome: _Optional[_Union[BreakGlassOutcome, str]] = ..., review_note: _Optional[str] = ..., reviewed_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., active: _Optional[bool] = ..., person_display_name: _Optional[str] = ...) -> None: ...

class GrantRecordAccessRequest(_message.Message):
    __slots__ = ("person", "user", "reason", "days", "request_id")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    person: str
    user: str
    reason: str
    days: int
    request_id: str
    def __init__(self, person: _Optional[str] = ..., user: _Optional[str] = ..., reason: _Optional[str] = ..., days: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class RevokeRecordAccessRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListRecordGrantsRequest(_message.Message):
    __slots__ = ("person", "include_ended")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_ENDED_FIELD_NUMBER: _ClassVar[int]
    person: str
    include_ended: bool
    def __init__(self, person: _Optional[str] = ..., include_ended: _Optional[bool] = ...) -> None: ...

class ListRecordGrantsResponse(_message.Message):
    __slots__ = ("grants",)
    GRANTS_FIELD_NUMBER: _ClassVar[int]
    grants: _containers.RepeatedCompositeFieldContainer[RecordGrant]
    def __init__(self, grants: _Optional[_Iterable[_Union[RecordGrant, _Mapping]]] = ...) -> None: ...

class BreakGlassRequest(_message.Message):
    __slots__ = ("person", "nhs_number", "reason")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    NHS_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    person: str
    nhs_number: str
    reason: str
    def __init__(self, person: _Optional[str] = ..., nhs_number: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListBreakGlassReviewsRequest(_message.Message):
    __slots__ = ("include_reviewed",)
    INCLUDE_REVIEWED_FIELD_NUMBER: _ClassVar[int]
    include_reviewed: bool
    def __init__(self, include_reviewed: _Optional[bool] = ...) -> None: ...

class ReviewBreakGlassRequest(_message.Message):
    __slots__ = ("name", "outcome", "note")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    name: str
    outcome: BreakGlassOutcome
    note: str
    def __init__(self, name: _Optional[str] = ..., outcome: _Optional[_Union[BreakGlassOutcome, str]] = ..., note: _Optional[str] = ...) -> None: ...

class GetAccessReportRequest(_message.Message):
    __slots__ = ("person", "since")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    person: str
    since: str
    def __init__(self, person: _Optional[str] = ..., since: _Optional[str] = ...) -> None: ...

class AccessReportLine(_message.Message):
    __slots__ = ("time", "who", "on_behalf_of", "what", "reason")
    TIME_FIELD_NUMBER: _ClassVar[int]
    WHO_FIELD_NUMBER: _ClassVar[int]
    ON_BEHALF_OF_FIELD_NUMBER: _ClassVar[int]
    WHAT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    who: str
    on_behalf_of: str
    what: str
    reason: str
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., who: _Optional[str] = ..., on_behalf_of: _Optional[str] = ..., what: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class AccessReport(_message.Message):
    __slots__ = ("person", "person_display_name", "lines", "text")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    PERSON_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    person: str
    person_display_name: str
    lines: _containers.RepeatedCompositeFieldContainer[AccessReportLine]
    text: str
    def __init__(self, person: _Optional[str] = ..., person_display_name: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[AccessReportLine, _Mapping]]] = ..., text: _Optional[str] = ...) -> None: ...

class RetentionRule(_message.Message):
    __slots__ = ("id", "description", "applies_when", "keep_until_age", "keep_years_after_closure")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    APPLIES_WHEN_FIELD_NUMBER: _ClassVar[int]
    KEEP_UNTIL_AGE_FIELD_NUMBER: _ClassVar[int]
    KEEP_YEARS_AFTER_CLOSURE_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    applies_when: str
    keep_until_age: int
    keep_years_after_closure: int
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., applies_when: _Optional[str] = ..., keep_until_age: _Optional[int] = ..., keep_years_after_closure: _Optional[int] = ...) -> None: ...

class ListRetentionRulesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRetentionRulesResponse(_message.Message):
    __slots__ = ("rules", "source")
    RULES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[RetentionRule]
    source: str
    def __init__(self, rules: _Optional[_Iterable[_Union[RetentionRule, _Mapping]]] = ..., source: _Optional[str] = ...) -> None: ...

class LegalHold(_message.Message):
    __slots__ = ("name", "person", "reason", "placed_by", "place_time", "release_time", "released_by")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PERSON_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PLACED_BY_FIELD_NUMBER: _ClassVar[int]
    PLACE_TIME_FIELD_NUMBER: _ClassVar[int]
    RELEASE_TIME_FIELD_NUMBER: _ClassVar[int]
    RELEASED_BY_FIELD_NUMBER: _ClassVar[int]
    name: str
    person: str
    reason: str
    placed_by: _common_pb2.Actor
    place_time: _timestamp_pb2.Timestamp
    release_time: _timestamp_pb2.Timestamp
    released_by: _common_pb2.Actor
    def __init__(self, name: _Optional[str] = ..., person: _Optional[str] = ..., reason: _Optional[str] = ..., placed_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., place_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., release_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., released_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ...) -> None: ...

class PlaceLegalHoldRequest(_message.Message):
    __slots__ = ("person", "reason")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    person: str
    reason: str
    def __init__(self, person: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ReleaseLegalHoldRequest(_message.Message):
    __slots__ = ("name", "reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    reason: str
    def __init__(self, name: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListLegalHoldsRequest(_message.Message):
    __slots__ = ("include_released",)
    INCLUDE_RELEASED_FIELD_NUMBER: _ClassVar[int]
    include_released: bool
    def __init__(self, include_released: _Optional[bool] = ...) -> None: ...

class ListLegalHoldsResponse(_message.Message):
    __slots__ = ("holds",)
    HOLDS_FIELD_NUMBER: _ClassVar[int]
    holds: _containers.RepeatedCompositeFieldContainer[LegalHold]
    def __init__(self, holds: _Optional[_Iterable[_Union[LegalHold, _Mapping]]] = ...) -> None: ...

class DisposalDue(_message.Message):
    __slots__ = ("person", "person_display_name", "rule", "keep_until")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    PERSON_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    KEEP_UNTIL_FIELD_NUMBER: _ClassVar[int]
    person: str
    person_display_name: str
    rule: str
    keep_until: str
    def __init__(self, person: _Optional[str] = ..., person_display_name: _Optional[str] = ..., rule: _Optional[str] = ..., keep_until: _Optional[str] = ...) -> None: ...

class ListDisposalsDueRequest(_message.Message):
    __slots__ = ("as_of", "page_size")
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    as_of: str
    page_size: int
    def __init__(self, as_of: _Optional[str] = ..., page_size: _Optional[int] = ...) -> None: ...

class ListDisposalsDueResponse(_message.Message):
    __slots__ = ("due",)
    DUE_FIELD_NUMBER: _ClassVar[int]
    due: _containers.RepeatedCompositeFieldContainer[DisposalDue]
    def __init__(self, due: _Optional[_Iterable[_Union[DisposalDue, _Mapping]]] = ...) -> None: ...

class DisposeRecordRequest(_message.Message):
    __slots__ = ("person", "reason", "etag", "as_of")
    PERSON_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    person: str
    reason: str
    etag: str
    as_of: str
    def __init__(self, person: _Optional[str] = ..., reason: _Optional[str] = ..., etag: _Optional[str] = ..., as_of: _Optional[str] = ...) -> None: ...

class Disposal(_message.Message):
    __slots__ = ("name", "former_person", "rule", "keep_until", "reason", "disposed_by", "dispose_time", "rows_removed")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMER_PERSON_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    KEEP_UNTIL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DISPOSED_BY_FIELD_NUMBER: _ClassVar[int]
    DISPOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    ROWS_REMOVED_FIELD_NUMBER: _ClassVar[int]
    name: str
    former_person: str
    rule: str
    keep_until: str
    reason: str
    disposed_by: _common_pb2.Actor
    dispose_time: _timestamp_pb2.Timestamp
    rows_removed: int
    def __init__(self, name: _Optional[str] = ..., former_person: _Optional[str] = ..., rule: _Optional[str] = ..., keep_until: _Optional[str] = ..., reason: _Optional[str] = ..., disposed_by: _Optional[_Union[_common_pb2.Actor, _Mapping]] = ..., dispose_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., rows_removed: _Optional[int] = ...) -> None: ...

class ListDisposalsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListDisposalsResponse(_message.Message):
    __slots__ = ("disposals",)
    DISPOSALS_FIELD_NUMBER: _ClassVar[int]
    disposals: _containers.RepeatedCompositeFieldContainer[Disposal]
    def __init__(self, disposals: _Optional[_Iterable[_Union[Disposal, _Mapping]]] = ...) -> None: ...
