"""identity's own audit: every password change, reset and change to who a user is or what they
may do. Append-only and hash-chained like records' audit_log (services/records/audit.py), so
`ics admin audit-verify` proves no row was changed, removed or inserted afterwards. Details name
what changed, never a password or a token."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.common.auth import Principal
from services.identity.models import IdentityAuditEntry

GENESIS = "0" * 64
_APPEND_LOCK_KEY = 7_110_101  # records uses 7_110_001; the two may share one PostgreSQL database

# ics admin on the server itself has no login: its changes are recorded under this name.
CONSOLE = Principal(user_name="users/0", username="ics admin (console)", display_name="ics admin (console)",
                    roles=frozenset({"admin"}))


def _digest(prev_hash: str, fields: dict) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _utc_naive(at: datetime) -> datetime:
    # SQLite returns naive UTC; PostgreSQL returns aware times in the session's zone.
    return at if at.tzinfo is None else at.astimezone(timezone.utc).replace(tzinfo=None)


def _fields(entry: IdentityAuditEntry) -> dict:
    return {
        "at": _utc_naive(entry.at).isoformat(timespec="microseconds"),
        "actor_user": entry.actor_user,
        "actor_username": entry.actor_username,
        "action": entry.action,
        "subject": entry.subject,
        "detail": entry.detail,
    }


def record(session: Session, actor: Principal, action: str, subject: str, detail: str = "") -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK_KEY})
    head = session.scalar(select(IdentityAuditEntry.hash).order_by(IdentityAuditEntry.id.desc()).limit(1)) or GENESIS
    entry = IdentityAuditEntry(
        at=datetime.now(timezone.utc),
        actor_user=actor.user_id,
        actor_username=actor.username,
        action=action,
        subject=subject,
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
    for entry in session.scalars(select(IdentityAuditEntry).order_by(IdentityAuditEntry.id)).yield_per(1000):
        count += 1
        if entry.prev_hash != prev:
            return count, f"identity audit row {entry.id} does not follow the row before it (a row was removed or inserted)"
        if _digest(prev, _fields(entry)) != entry.hash:
            return count, f"identity audit row {entry.id} was altered after it was written"
        prev = entry.hash
    return count, None
