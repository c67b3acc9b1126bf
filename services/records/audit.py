"""The audit of every read and write of a child's record: append-only and hash-chained, so
`ics admin audit-verify` can prove no row was changed, removed or inserted afterwards."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from services.common.audit_chain import AuditChain
from services.common.auth import Principal
from services.records import access
from services.records.models import AuditEntry, AuditPerson, RecordGrant
from services.records.outbox import serialise_writers

CHAIN = AuditChain(AuditEntry, ("actor_user", "actor_username", "action", "subject", "person_ids", "detail"),
                   "audit row", later_fields=("on_behalf_user", "on_behalf_username", "on_behalf_name", "reason",
                                               "actor_name"))


def record(
    session: Session,
    principal: Principal,
    action: str,
    subject: str,
    person_ids: list[int] | tuple[int, ...] = (),
    detail: str = "",
    reason: str = "",
) -> None:
    """Who is at the keyboard is the actor; when business support types for a worker, the worker
    is on_behalf. A read or change reached through break-glass carries the break-glass reason."""
    serialise_writers(session)
    person_ids = sorted(set(person_ids))
    if not reason and person_ids:
        reason = _break_glass_reason(session, principal.user_id, person_ids)
    actor_user, actor_username, actor_name = principal.at_keyboard
    on_behalf = ((principal.user_id, principal.username, principal.display_name) if principal.entered_by
                 else (0, "", ""))
    entry = CHAIN.append(session, actor_user=actor_user, actor_username=actor_username, actor_name=actor_name,
                         action=action,
                         subject=subject, person_ids=",".join(str(p) for p in person_ids), detail=detail,
                         on_behalf_user=on_behalf[0], on_behalf_username=on_behalf[1], on_behalf_name=on_behalf[2],
                         reason=reason)
    if person_ids:
        session.execute(insert(AuditPerson), [{"audit_id": entry.id, "person_id": p} for p in person_ids])


def _break_glass_reason(session: Session, user_id: int, person_ids: list[int]) -> str:
    """The reason of a live break-glass grant the caller holds on one of these children, if any:
    one indexed lookup, and only grants are read (most calls find none)."""
    for start in range(0, len(person_ids), 1000):  # bounded IN lists: a report may name thousands
        reason = session.scalar(select(RecordGrant.reason).where(
            RecordGrant.user_id == user_id, RecordGrant.person_id.in_(person_ids[start:start + 1000]),
            RecordGrant.kind == "break_glass", access.live()).limit(1))
        if reason:
            return reason
    return ""


def verify(session: Session) -> tuple[int, str | None]:
    return CHAIN.verify(session)
