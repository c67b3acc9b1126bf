"""The outbox: an event for every change, in the change's own transaction."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from services.common.auth import Principal
from services.records.models import OutboxEvent

# PostgreSQL hands out sequence numbers before commit, so two writers could commit 7 after 8 and
# a reader at 8 would never see 7. One transaction-scoped lock around appends keeps commit order
# equal to sequence order. SQLite writers are already serialised (BEGIN IMMEDIATE).
_APPEND_LOCK_KEY = 7_110_001


def serialise_writers(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _APPEND_LOCK_KEY})


def append(
    session: Session,
    principal: Principal,
    type_: str,
    subject: str,
    person_id: int | None,
    payload: dict,
) -> None:
    serialise_writers(session)
    session.add(OutboxEvent(
        type=type_,
        subject=subject,
        person_id=person_id,
        payload_json=json.dumps(payload, sort_keys=True),
        actor_user=principal.user_id,
        actor_username=principal.username,
        actor_name=principal.display_name,
        occurred_at=datetime.now(timezone.utc),
    ))


def read_after(session: Session, after: int, limit: int = 500) -> list[OutboxEvent]:
    return list(session.scalars(
        select(OutboxEvent).where(OutboxEvent.sequence > after).order_by(OutboxEvent.sequence).limit(limit)
    ))
