"""The audit of every read and write of a child's record: append-only and hash-chained, so
`ics admin audit-verify` can prove no row was changed, removed or inserted afterwards."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.common.audit_chain import AuditChain
from services.common.auth import Principal
from services.records.models import AuditEntry
from services.records.outbox import serialise_writers

CHAIN = AuditChain(AuditEntry, ("actor_user", "actor_username", "action", "subject", "person_ids", "detail"),
                   "audit row")


def record(
    session: Session,
    principal: Principal,
    action: str,
    subject: str,
    person_ids: list[int] | tuple[int, ...] = (),
    detail: str = "",
) -> None:
    serialise_writers(session)
    CHAIN.append(session, actor_user=principal.user_id, actor_username=principal.username, action=action,
                 subject=subject, person_ids=",".join(str(p) for p in person_ids), detail=detail)


def verify(session: Session) -> tuple[int, str | None]:
    return CHAIN.verify(session)
