"""records' tables. No other service reads them: alerts follows the outbox over gRPC."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.common.db import new_base

Base = new_base()

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL needs 64 bits for the outbox.
BigId = BigInteger().with_variant(Integer, "sqlite")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_family_key", "family_key"),
        Index("ix_people_given_key", "given_key"),
        Index("ix_people_date_of_birth", "date_of_birth"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    # Lower-cased, accent-free copies for searching.
    given_key: Mapped[str] = mapped_column(String(200))
    family_key: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[int] = mapped_column(Integer)
    postcode: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    # "open", "restricted" (explicit grant or break-glass) or "sealed" (explicit grant only):
    # services/records/access.py.
    access_level: Mapped[str] = mapped_column(String(12), default="open", server_default="open")
    # The team that first recorded the child; with referrals, decides who may see them.
    team_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    created_by_user: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # National and local identifiers: matched first when looking for duplicates.
    nhs_number: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    upn: Mapped[str | None] = mapped_column(String(13), nullable=True, index=True)
    council_child_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    school: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Set when this record was merged into another (the duplicate of one child); undoable.
    merged_into_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    characteristics: Mapped[list["PersonCharacteristic"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PersonCharacteristic.key")


class PersonMerge(Base):
    """What a merge moved, record by record, so undoing it restores exactly what was there."""

    __tablename__ = "person_merges"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    keep_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    duplicate_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    reason: Mapped[str] = mapped_column(Text)
    moved_json: Mapped[str] = mapped_column(Text)
    merged_by_user: Mapped[int] = mapped_column(Integer)
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    undone_by_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    undo_reason: Mapped[str] = mapped_column(Text, default="")


class PersonCharacteristic(Base):
    """Ethnicity, religion, language, diet, disability, heritage: each with its answer status,
    so a report can tell "not asked" from "declined" from "none" (R-ANSWER-STATUS)."""

    __tablename__ = "person_characteristics"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")


class RelationshipType(Base):
    """The council's list: administrators add types ("mother's partner" ships) without code."""

    __tablename__ = "relationship_types"
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)


class Relationship(Base):
    """How `other` is related to `child`, as the child's record reads it."""

    __tablename__ = "relationships"
    __table_args__ = (Index("ix_relationships_child", "child_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    other_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    type_code: Mapped[str] = mapped_column(ForeignKey("relationship_types.code"))
    lives_with_child: Mapped[bool] = mapped_column(Boolean, default=False)
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_user: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Allocation(Base):
    """Who held the case, from when to when: never overwritten, only ended (R-ONE-TRUTH)."""

    __tablename__ = "allocations"
    __table_args__ = (Index("ix_allocations_person", "person_id", "start_date"),
                      Index("ix_allocations_worker_open", "worker_user", "end_date"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    worker_user: Mapped[int] = mapped_column(Integer)
    worker_name: Mapped[str] = mapped_column(String(200))
    team_id: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    allocated_by_user: Mapped[int] = mapped_column(Integer)
    allocated_by_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChronologyEntry(Base):
    """A significant event a worker adds by hand; generated entries come from the outbox."""

    __tablename__ = "chronology_entries"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    event_date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="")
    author_user: Mapped[int] = mapped_column(Integer)
    author_name: Mapped[str] = mapped_column(String(200))
    # Business support who typed it for the author ("" when the author typed it).
    entered_by_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Episode(Base):
    """A child's journey from a referral to closure. Re-referrals open a new one, linked back."""

    __tablename__ = "episodes"
    __table_args__ = (Index("ix_episodes_person_state", "person_id", "state"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    state: Mapped[int] = mapped_column(Integer)
    opened_date: Mapped[date] = mapped_column(Date)
    closed_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    closure_reason: Mapped[str] = mapped_column(String(40), default="")
    previous_episode_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    received_date: Mapped[date] = mapped_column(Date)
    source: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="")
    team_id: Mapped[int] = mapped_column(Integer)
    recorded_by_user: Mapped[int] = mapped_column(Integer)
    recorded_by_username: Mapped[str] = mapped_column(String(100))
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (Index("ix_referrals_team_state", "team_id", "state"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    team_id: Mapped[int] = mapped_column(Integer)
    received_date: Mapped[date] = mapped_column(Date)
    state: Mapped[int] = mapped_column(Integer)
    decision: Mapped[int] = mapped_column(Integer, default=0)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decided_by_username: Mapped[str] = mapped_column(String(100), default="")
    decided_by_name: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    previous_referral_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    re_referral: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    episode_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)


class Document(Base):
    """A piece of work written from an exemplar template, stamped with the template's version."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_person_template_start", "person_id", "template_id", "start_date"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[int] = mapped_column(Integer)
    answers_json: Mapped[str] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(Text, default="")
    author_user: Mapped[int] = mapped_column(Integer)
    author_username: Mapped[str] = mapped_column(String(100))
    author_name: Mapped[str] = mapped_column(String(200))
    # Business support who started it for the author (users/N and name; "" when the author did).
    entered_by_user: Mapped[str] = mapped_column(String(40), default="", server_default="")
    entered_by_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    episode_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    submitted_by_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitted_by_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    return_comments: Mapped[str] = mapped_column(Text, default="", server_default="")
    supersedes_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The household whose family sections this document shares while it is open (R-FAMILY), and
    # which of its questions those are; completing it freezes the shared answers into it.
    household_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    shared_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class DocumentAppendment(Base):
    """A later fact added to a completed document; the document itself never changes."""

    __tablename__ = "document_appendments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_user: Mapped[int] = mapped_column(Integer)
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Chained to the document's snapshot hash and signed with the records key, so an exported
    # bundle proves its appendments too.
    sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    signature: Mapped[str] = mapped_column(Text, default="", server_default="")


class DocumentSnapshot(Base):
    """Exactly what was true when a document was completed (R-FREEZE). Written once; never
    updated: later data can never leak into it, and its hash shows if anyone tried."""

    __tablename__ = "document_snapshots"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    snapshot_json: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentSignature(Base):
    """Who signed a completed document, in what role and how, over which snapshot (R-SIGN)."""

    __tablename__ = "document_signatures"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(40))
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    witnessed_by_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    witnessed_by_name: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload_json: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(Text)
    # A printed copy signed by hand: the scan of the signed page.
    attachment_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class Attachment(Base):
    """A file attached to a document; its SHA-256 is taken when it arrives and never changes."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    provenance: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_by_user: Mapped[int] = mapped_column(Integer)
    added_by_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Plan(Base):
    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_user: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanOutcome(Base):
    __tablename__ = "plan_outcomes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanAction(Base):
    __tablename__ = "plan_actions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("plan_outcomes.id"), index=True)
    who: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    by_when: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)


class PlanActionChange(Base):
    """Every version of an action, so the plan's history is kept without re-creating it."""

    __tablename__ = "plan_action_changes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("plan_actions.id"), index=True)
    who: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(Text)
    by_when: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean)
    changed_by_name: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutcomeReview(Base):
    __tablename__ = "outcome_reviews"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("plan_outcomes.id"), index=True)
    review_date: Mapped[date] = mapped_column(Date)
    review_document_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    progress: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Carer(Base):
    __tablename__ = "carers"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    display_name: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(16), default="")
    urn: Mapped[str] = mapped_column(String(20), default="")
    characteristics_json: Mapped[str] = mapped_column(Text, default="{}")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Placement(Base):
    __tablename__ = "placements"
    __table_args__ = (Index("ix_placements_child", "child_id", "start_date"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    carer_id: Mapped[int] = mapped_column(ForeignKey("carers.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    placement_type: Mapped[str] = mapped_column(String(10))
    provider: Mapped[str] = mapped_column(String(10))
    end_reason: Mapped[str] = mapped_column(String(10), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The looked-after period the placement is made in; private fostering has none.
    care_period_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)


class CarePeriod(Base):
    """A period of being looked after, start to ceasing; the SSDA903 episodes derive from it."""

    __tablename__ = "care_periods"
    __table_args__ = (Index("ix_care_periods_child", "child_id", "start_date"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    episode_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str] = mapped_column(String(10), default="")
    category_of_need: Mapped[str] = mapped_column(String(4))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_user: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LegalStatusSpan(Base):
    __tablename__ = "legal_statuses"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    care_period_id: Mapped[int] = mapped_column(ForeignKey("care_periods.id"), index=True)
    code: Mapped[str] = mapped_column(String(4))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class Household(Base):
    """Who lives together; its facts are the family sections siblings share (R-FAMILY)."""

    __tablename__ = "households"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_user: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HouseholdMember(Base):
    __tablename__ = "household_members"
    __table_args__ = (Index("ix_household_members_person", "person_id", "to_date"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class HouseholdFact(Base):
    """One shared family answer, with when and by whom it was recorded (R-ONE-TRUTH)."""

    __tablename__ = "household_facts"
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_date: Mapped[date] = mapped_column(Date)
    recorded_by_user: Mapped[int] = mapped_column(Integer)
    recorded_by_name: Mapped[str] = mapped_column(String(200))


class Draft(Base):
    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    owner_user: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    fields_json: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdempotencyKey(Base):
    """A client's request_id, so a retried create returns the first result instead of a copy."""

    __tablename__ = "idempotency_keys"
    request_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(60))
    result_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxEvent(Base):
    """Every change, written in the same transaction as the change: the feed for alerts and
    the source of the system-generated chronology."""

    __tablename__ = "outbox_events"
    sequence: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    payload_json: Mapped[str] = mapped_column(Text)
    actor_user: Mapped[int] = mapped_column(Integer)
    actor_username: Mapped[str] = mapped_column(String(100))
    actor_name: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Append-only and hash-chained: each row's hash covers the previous row's hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_user: Mapped[int] = mapped_column(Integer)
    actor_username: Mapped[str] = mapped_column(String(100))
    # The actor's name as shown to a family in the access report.
    actor_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    person_ids: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    # Business support typing for a worker: actor_* is who typed, on_behalf_* the worker.
    on_behalf_user: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    on_behalf_username: Mapped[str] = mapped_column(String(100), default="", server_default="")
    on_behalf_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Why, when the access needed one (break-glass).
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditPerson(Base):
    """Which children each audit row touched, so a child's "who has seen this record" report is
    one indexed query. Derived from audit_log.person_ids (which the hash covers)."""

    __tablename__ = "audit_people"
    audit_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)


class RecordGrant(Base):
    """Explicit access to one child's record for one user: a manager's grant, or break-glass."""

    __tablename__ = "record_grants"
    __table_args__ = (Index("ix_record_grants_person_user", "person_id", "user_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    user_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))  # "grant" or "break_glass"
    reason: Mapped[str] = mapped_column(Text)
    granted_by_user: Mapped[int] = mapped_column(Integer)
    granted_by_name: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_by_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The holding team when break-glass was used: its leaders and managers review it.
    team_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    review_outcome: Mapped[str] = mapped_column(String(20), default="", server_default="")
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    reviewed_by_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reviewed_by_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LegalHold(Base):
    """While a hold is in place the record is never offered for disposal, whatever its age."""

    __tablename__ = "legal_holds"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by_user: Mapped[int] = mapped_column(Integer)
    placed_by_name: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    released_by_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    released_by_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    release_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class Disposal(Base):
    """That a record was disposed of, and under which rule: no name, no detail of the child."""

    __tablename__ = "disposals"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    former_person_id: Mapped[int] = mapped_column(BigInteger, index=True)
    rule: Mapped[str] = mapped_column(String(60))
    keep_until: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    disposed_by_user: Mapped[int] = mapped_column(Integer)
    disposed_by_name: Mapped[str] = mapped_column(String(200))
    disposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rows_removed: Mapped[int] = mapped_column(Integer)


class SubjectAccessRequest(Base):
    """A person's request for everything held about them (UK GDPR article 15), from opening to
    release: services/records/subject_access.py. What was gathered is frozen in sar_items, so
    redactions apply to exactly the text that is released, whatever changes on the record after."""

    __tablename__ = "sar_requests"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    requester: Mapped[str] = mapped_column(Text)  # who asked, in words: "mother, with consent"
    received_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default="open")  # "open" or "released"
    opened_by_user: Mapped[int] = mapped_column(Integer)
    opened_by_name: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_by_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    released_by_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SubjectAccessItem(Base):
    """One item gathered for a request, as text, numbered in the order it is released."""

    __tablename__ = "sar_items"
    __table_args__ = (Index("ix_sar_items_request_position", "request_id", "position", unique=True),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("sar_requests.id"))
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(100))  # the record's own name: "documents/12"
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)


class SubjectAccessRedaction(Base):
    """A span removed from, or a whole item withheld from, the released copy, with the reason;
    undone only before release, and then kept with who undid it and why."""

    __tablename__ = "sar_redactions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("sar_requests.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text, default="")  # "" when the whole item is withheld
    withhold: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    made_by_user: Mapped[int] = mapped_column(Integer)
    made_by_name: Mapped[str] = mapped_column(String(200))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    undone_by_user: Mapped[int | None] = mapped_column(Integer, nullable=True)
    undone_by_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    undo_note: Mapped[str] = mapped_column(Text, default="", server_default="")


class DuplicateRefusal(Base):
    """That the service refused to record a likely duplicate: a child matching an existing record,
    or a second document for the same work (R-DUP). Written in its own transaction after the
    refused one rolls back, so the recording-quality report can count refusals."""

    __tablename__ = "duplicate_refusals"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # "child" or "document"
    # The existing child the attempt matched; disposing of the child removes the row with it.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    existing: Mapped[str] = mapped_column(String(100), default="")  # "people/3", "documents/12"
    user_id: Mapped[int] = mapped_column(Integer)
    # The refused worker's first team: the team whose recording the report counts it against.
    team_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class EditingTime(Base):
    """One person's editing of one document on one day (services/records/editing_time.py)."""

    __tablename__ = "editing_time"
    # The document first: retention disposal collects and deletes a table's rows by the first
    # column of its primary key, and these rows go with their document.
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    user_name: Mapped[str] = mapped_column(String(200))
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    saves: Mapped[int] = mapped_column(Integer, default=0)
    sittings: Mapped[int] = mapped_column(Integer, default=0)  # sittings that began this day
    last_saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
