"""alerts' own audit: every look at a child's clocks and every pause, resumption or extension a
person makes, append-only and hash-chained like records' (services/records/audit.py), so
`ics admin audit-verify` proves no row was changed, removed or inserted afterwards."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.alerts.models import AlertsAuditEntry
from services.common.audit_chain import AuditChain
from services.common.auth import Principal

_APPEND_LOCK_KEY = 7_110_201  # records 7_110_001, identity 7_110_101: they may share one database
CHAIN = AuditChain(AlertsAuditEntry, ("actor_user", "actor_username", "action", "subject", "person", "detail"),
                   "alerts audit row")


def record(session: Session, actor: Principal, action: str, subject: str, person: str = "", detail: str = "") -> None:
    user_id, username, _ = actor.at_keyboard
    CHAIN.append_serialised(session, _APPEND_LOCK_KEY, actor_user=user_id, actor_username=username,
                            action=action, subject=subject, person=person, detail=detail)


def verify(session: Session) -> tuple[int, str | None]:
    return CHAIN.verify(session)
