"""Time spent on a record, taken from the worker's own saves so nobody types a timesheet (SPEC §6,
the report's time study, L226).

Every save of a document (creating it, and each change to its answers) adds the time since the
same person's previous save of that document, when that was at most SITTING ago: one sitting at
the editor. A longer gap starts a new sitting and adds nothing for the gap, because we cannot
know whether the worker was writing, on a visit or at lunch. So the figure is time in ICS's
editor between saves: a lower bound on the time a record takes, never an estimate of it.

The person is whoever is at the keyboard: business support typing a worker's notes is support's
time, not the worker's.

Rows are kept per document, person and London day (not one running total per document and
person) so a report can say how many hours fell in a period: the gap before a save counts on the
day of that save, and a sitting that runs past midnight carries on into the next day's row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.auth import Principal
from services.common.dates import as_utc, today_london
from services.records.models import Document, EditingTime

SITTING = timedelta(minutes=15)
# Set only by history written at the console (the generator): a context variable, so a service
# thread saving a worker's document at the same time still reads the real clock.
_history: ContextVar[datetime | None] = ContextVar("editing_time_history", default=None)


def now() -> datetime:
    """The clock saves are timed by; tests replace it rather than sleep."""
    return _history.get() or datetime.now(timezone.utc)


@contextmanager
def saved_at(at: datetime) -> Iterator[None]:
    """Saves made inside count as made at `at`: the generator writes years of history in
    seconds, and its editing time belongs on the history's days, not today."""
    token = _history.set(at)
    try:
        yield
    finally:
        _history.reset(token)


def record_save(session: Session, principal: Principal, document: Document) -> None:
    """Counts one save of `document` by whoever is at the keyboard, now."""
    record_saves(session, principal, document, [now()])


def record_saves(session: Session, principal: Principal, document: Document, times: list[datetime]) -> None:
    """Counts saves of `document` made at `times` (in order) by whoever is at the keyboard: the
    service saves one at a time; the generator gives a record's history of saves in one go."""
    user_id, _, user_name = principal.at_keyboard
    if user_id == 0 or not times:
        return  # the server's console (an import of past returns): nobody was at an editor
    previous = session.scalar(select(EditingTime.last_saved_at)
                              .where(EditingTime.document_id == document.id, EditingTime.user_id == user_id)
                              .order_by(EditingTime.last_saved_at.desc()).limit(1))
    previous = as_utc(previous) if previous is not None else None
    rows: dict = {}
    for at in times:
        gap = at - previous if previous is not None else None
        # A clock stepped backwards (gap below zero) starts a sitting of its own, adding nothing.
        same_sitting = gap is not None and timedelta(0) <= gap <= SITTING
        day = today_london(at)
        row = rows.get(day) or session.get(EditingTime, (document.id, user_id, day))
        if row is None:
            row = EditingTime(document_id=document.id, user_id=user_id, day=day, user_name=user_name,
                              seconds=0, saves=0, sittings=0, last_saved_at=at)
            session.add(row)
        rows[day] = row
        row.user_name = user_name
        row.seconds += round(gap.total_seconds()) if same_sitting else 0
        row.saves += 1
        row.sittings += 0 if same_sitting else 1
        row.last_saved_at = max(at, as_utc(row.last_saved_at))
        previous = at
