"""An append-only, hash-chained audit table: each row's hash covers the row before it, so a row
changed, removed or inserted afterwards is found by walking the chain. records keeps one of every
read and write of a child's record; identity one of every change to who a user is and what they
may do. The caller serialises appends (one writer at a time), so the chain never forks."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

GENESIS = "0" * 64


def _utc_naive(at: datetime) -> datetime:
    # SQLite returns naive UTC; PostgreSQL returns aware times in the session's zone.
    return at if at.tzinfo is None else at.astimezone(timezone.utc).replace(tzinfo=None)


class AuditChain:
    def __init__(self, model, fields: tuple[str, ...], label: str, later_fields: tuple[str, ...] = ()):
        self.model = model
        self.fields = fields  # besides `at`, what each row's hash covers
        # Columns added after rows were already chained: covered whenever they hold a value, so
        # rows written before they existed still verify.
        self.later_fields = later_fields
        self.label = label    # how a break is reported: "audit row 7", "identity audit row 2"

    def _digest(self, prev_hash: str, entry) -> str:
        values = {"at": _utc_naive(entry.at).isoformat(timespec="microseconds"),
                  **{name: getattr(entry, name) for name in self.fields},
                  **{name: value for name in self.later_fields if (value := getattr(entry, name))}}
        body = json.dumps(values, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256((prev_hash + body).encode()).hexdigest()

    def append(self, session: Session, **values):
        head = session.scalar(select(self.model.hash).order_by(self.model.id.desc()).limit(1)) or GENESIS
        entry = self.model(at=datetime.now(timezone.utc), prev_hash=head, **values)
        entry.hash = self._digest(head, entry)
        session.add(entry)
        session.flush()
        return entry

    def append_serialised(self, session: Session, lock_key: int, **values):
        """Appends with concurrent writers queued: on PostgreSQL a transaction-scoped advisory lock
        (each service its own key, so services sharing one database do not wait on each other);
        SQLite's writers are already one at a time (BEGIN IMMEDIATE)."""
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key})
        return self.append(session, **values)

    def verify(self, session: Session) -> tuple[int, str | None]:
        """Returns (rows checked, a description of the first break or None)."""
        prev = GENESIS
        count = 0
        for entry in session.scalars(select(self.model).order_by(self.model.id)).yield_per(1000):
            count += 1
            if entry.prev_hash != prev:
                return count, f"{self.label} {entry.id} does not follow the row before it (a row was removed or inserted)"
            if self._digest(prev, entry) != entry.hash:
                return count, f"{self.label} {entry.id} was altered after it was written"
            prev = entry.hash
        return count, None
