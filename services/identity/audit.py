"""identity's own audit: every password change, reset and change to who a user is or what they
may do. Append-only and hash-chained like records' audit_log (services/records/audit.py), so
`ics admin audit-verify` proves no row was changed, removed or inserted afterwards. Details name
what changed, never a password or a token."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.common.audit_chain import AuditChain
from services.common.auth import Principal
from services.identity.roles import ROLES
from services.identity.models import IdentityAuditEntry

_APPEND_LOCK_KEY = 7_110_101  # records uses 7_110_001; the two may share one PostgreSQL database

# ics admin on the server itself has no login: its changes are recorded under this name.
CONSOLE = Principal(user_name="users/0", username="ics admin (console)", display_name="ics admin (console)",
                    roles=frozenset({"admin"}),
                    permissions=tuple(f"{a}:{s}" for a, s in sorted(ROLES["admin"].permissions.items())))
CHAIN = AuditChain(IdentityAuditEntry, ("actor_user", "actor_username", "action", "subject", "detail"),
                   "identity audit row")


def record(session: Session, actor: Principal, action: str, subject: str, detail: str = "") -> None:
    CHAIN.append_serialised(session, _APPEND_LOCK_KEY, actor_user=actor.user_id, actor_username=actor.username,
                            action=action, subject=subject, detail=detail)


def verify(session: Session) -> tuple[int, str | None]:
    return CHAIN.verify(session)
