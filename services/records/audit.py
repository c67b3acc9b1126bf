"""The audit of every read and write of a child's record: append-only and hash-chained, so
`ics admin audit verify` can prove no row was changed, removed or inserted afterwards."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.auth import Principal
from services.records.models import AuditEntry
from services.records.outbox import serialise_writers

GENESIS = "0" * 64


def _digest(prev_hash: str, fields: dict) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _utc_naive(at: datetime) -> datetime:
    # SQLite returns naive UTC; PostgreSQL returns aware times in the session's zone.
    return at if at.tzinfo is None else at.astimezone(timezone.utc).replace(tzinfo=None)


def _fields(entry: AuditEntry) -> dict:
    return {
        "at": _utc_naive(entry.at).isoformat(timespec="microseconds"),
        "actor_user": entry.actor_user,
        "actor_username": entry.actor_username,
        "action": entry.action,
        "subject": entry.subject,
        "person_ids": entry.person_ids,
        "detail": entry.detail,
    }


def record(
    session: Session,
    principal: Principal,
    action: str,
    subject: str,
    person_ids: list[int] | tuple[int, ...] = (),
    detail: str = "",
) -> None:
    serialise_writers(session)
    head = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    entry = AuditEntry(
        at=datetime.now(timezone.utc),
        actor_user=principal.user_id,
        actor_username=principal.username,
        action=action,
        subject=subject,
        person_ids=",".join(str(p) for p in person_ids),
        detail=detail,
        prev_hash=head,
    )
    entry.hash = _digest(head, _fields(entry))
    session.add(entry)
    session.flush()


def verify(session: Session) -> tuple[int, str | None]:
    """Returns (rows checked, description of the first break or None)."""
    prev = GENESIS
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        count += 1
        if entry.prev_hash != prev:
            return count, f"audit row {entry.id} does not follow row before it (a row was removed or inserted)"
        if _digest(prev, _fields(entry)) != entry.hash:
            return count, f"audit row {entry.id} was altered after it was written"
        prev = entry.hash
    return count, None
