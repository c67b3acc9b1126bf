"""alerts' tables: clocks, every change a person made to one, what alerts knows of each child's
allocation, and how far the records event stream has been read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.common.db import new_base

Base = new_base()
BigId = BigInteger().with_variant(Integer, "sqlite")


class Clock(Base):
    __tablename__ = "clocks"
    # One clock per rule, subject, chain and round: replaying an event can never start a second
    # one. A chain is one run of a recurring rule (reviews while a child is looked after); each
    # review or visit is a round of it.
    __table_args__ = (
        UniqueConstraint("rule", "subject", "chain", "round", name="uq_clocks_rule_subject_round"),
        Index("ix_clocks_team_state", "team", "state"),
        Index("ix_clocks_assignee_state", "assignee", "state"),
        Index("ix_clocks_person_state", "person", "state"),
        Index("ix_clocks_rule_due", "rule", "due_date"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rule_set: Mapped[str] = mapped_column(String(60))
    rule_set_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    rule: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    counting: Mapped[str] = mapped_column(String(200), default="", server_default="")
    subject: Mapped[str] = mapped_column(String(100))
    chain: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    person: Mapped[str] = mapped_column(String(100), default="")
    person_display_name: Mapped[str] = mapped_column(String(300), default="")
    team: Mapped[str] = mapped_column(String(100), default="")
    assignee: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[date] = mapped_column(Date)
    chain_start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_date: Mapped[date] = mapped_column(Date)
    # The due date the rule first gave: kept for reporting however often the clock is extended.
    original_due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    paused_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    state: Mapped[int] = mapped_column(Integer)
    ended_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    calendar: Mapped[str] = mapped_column(String(100))
    started_by_event: Mapped[int] = mapped_column(BigInteger)
    start_event: Mapped[str] = mapped_column(String(60), default="", server_default="")
    ended_by_event: Mapped[str] = mapped_column(String(60), default="", server_default="")
    last_activity_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The highest escalation e-mailed so far, so each is sent once.
    notified_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ClockChange(Base):
    """A pause, a resumption or an extension, with who and why: team leaders see every one."""

    __tablename__ = "clock_changes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clocks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    old_due_date: Mapped[date] = mapped_column(Date)
    new_due_date: Mapped[date] = mapped_column(Date)
    by_user: Mapped[str] = mapped_column(String(100))
    by_name: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PersonSeen(Base):
    """What alerts has learnt from the event stream about each child: who holds the case, in
    which team, and the name to show. Alerts never reads the records database."""

    __tablename__ = "people_seen"
    person: Mapped[str] = mapped_column(String(100), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(300), default="")
    team: Mapped[str] = mapped_column(String(100), default="")
    worker: Mapped[str] = mapped_column(String(100), default="")
    # "open", "restricted" or "sealed" (records' person.access_changed events): a report lists a
    # child by name only when their record is open.
    access_level: Mapped[str] = mapped_column(String(12), default="open", server_default="open")


class FeedCursor(Base):
    __tablename__ = "feed_cursors"
    feed: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertsAuditEntry(Base):
    """Append-only and hash-chained like records' audit_log: every look at a child's clocks and
    every change a person makes to one (services/alerts/audit.py)."""

    __tablename__ = "alerts_audit"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_user: Mapped[int] = mapped_column(Integer)
    actor_username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    person: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
