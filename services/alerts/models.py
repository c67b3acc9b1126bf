"""alerts' tables: clocks and how far the records event stream has been read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.common.db import new_base

Base = new_base()
BigId = BigInteger().with_variant(Integer, "sqlite")


class Clock(Base):
    __tablename__ = "clocks"
    # One clock per rule per subject: replaying an event can never start a second one.
    __table_args__ = (
        UniqueConstraint("rule", "subject", name="uq_clocks_rule_subject"),
        Index("ix_clocks_team_state", "team", "state"),
        Index("ix_clocks_assignee_state", "assignee", "state"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rule_set: Mapped[str] = mapped_column(String(60))
    rule: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(100))
    person: Mapped[str] = mapped_column(String(100), default="")
    person_display_name: Mapped[str] = mapped_column(String(300), default="")
    team: Mapped[str] = mapped_column(String(100), default="")
    assignee: Mapped[str] = mapped_column(String(100), default="")
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    state: Mapped[int] = mapped_column(Integer)
    ended_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    calendar: Mapped[str] = mapped_column(String(100))
    started_by_event: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FeedCursor(Base):
    __tablename__ = "feed_cursors"
    feed: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
