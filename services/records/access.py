"""Who may see and change which children: every query that returns a child goes through
`visible_people`, so access is decided in the query and never by filtering afterwards.

A decision has three parts:
- the caller's permission for the action and its scope (identity's role table, carried in the
  principal: services/identity/roles.py), e.g. child.read at scope "team";
- the caller's relationship to the child: allocated to them, held by their team (the team that
  recorded the child, or one with a referral for them), or none;
- the record's access level: open records are reached by scope; restricted and sealed ones
  (a staff member's own child, adoption) only by an explicit, unexpired grant to the caller
  (services/records/grants.py), which a break-glass also gives, for restricted records only.

A child the caller may not see answers NOT_FOUND exactly like a child that does not exist.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import aliased

from services.common.auth import Principal
from services.common.errors import PermissionDenied
from services.records.models import Allocation, Person, RecordGrant, Referral

OPEN, RESTRICTED, SEALED = "open", "restricted", "sealed"
LEVELS = (OPEN, RESTRICTED, SEALED)

READ, WRITE, FIND = "child.read", "child.write", "child.find"
# Templates a reviewing officer writes with review.write (they have no child.write): those of
# these kinds, whose ids the records service notes from its template library when it starts.
REVIEW_KINDS = frozenset({"review"})
review_template_ids: set[str] = set()

_held = aliased(Referral)
_allocated = aliased(Allocation)
_grant = aliased(RecordGrant)


def allocated_to(user_id: int) -> ColumnElement[bool]:
    return exists(select(_allocated.id).where(and_(
        _allocated.person_id == Person.id, _allocated.worker_user == user_id,
        _allocated.end_date.is_(None))).correlate(Person))


def held_by(team_ids: tuple[int, ...]) -> ColumnElement[bool]:
    return or_(
        Person.team_id.in_(team_ids),
        # An alias, so the sub-query never correlates with a Referral in the outer query.
        exists(select(_held.id).where(and_(_held.person_id == Person.id, _held.team_id.in_(team_ids)))
               .correlate(Person)),
    )


# Break-glass opens a record to read and record on it; managing its access still needs a grant.
BREAK_GLASS_OPENS = frozenset({FIND, READ, WRITE, "review.write"})
# An explicit grant opens a record for these; anything else (restricting it, granting it to
# others, allocating, deciding, reviewing access) also needs the caller's scope to reach the
# child, so a leader granted another team's restricted record reads it but cannot unseal it.
GRANT_OPENS = BREAK_GLASS_OPENS | {"document.approve"}


def live(grant=RecordGrant) -> ColumnElement[bool]:
    """A grant in force now: not revoked and not expired. `grant` may be an alias."""
    return and_(grant.revoked_at.is_(None),
                or_(grant.expires_at.is_(None), grant.expires_at > datetime.now(timezone.utc)))


def granted_to(user_id: int, action: str = READ) -> ColumnElement[bool]:
    kinds = ("grant", "break_glass") if action in BREAK_GLASS_OPENS else ("grant",)
    return exists(select(_grant.id).where(and_(
        _grant.person_id == Person.id, _grant.user_id == user_id, _grant.kind.in_(kinds), live(_grant)))
        .correlate(Person))


def _reach(principal: Principal, scope: str) -> ColumnElement[bool]:
    """Which open records a scope reaches, for this caller."""
    if scope == "any":
        return true()
    if scope == "team":
        return or_(held_by(principal.team_ids), allocated_to(principal.user_id))
    if scope == "allocated":
        return allocated_to(principal.user_id)
    return false()  # "granted": only through grants


def visible_people(principal: Principal, action: str = READ) -> ColumnElement[bool]:
    scope = principal.scope(action)
    if scope is None or scope == "on_behalf":  # on_behalf with no worker named reaches nobody
        return false()
    reach = _reach(principal, scope)
    granted = granted_to(principal.user_id, action)
    # A record merged into another is reached through the one it was merged into.
    return and_(Person.merged_into_id.is_(None),
                or_(and_(Person.access_level == OPEN, reach),
                    granted if action in GRANT_OPENS else and_(granted, reach)))


def may(principal: Principal, action: str) -> bool:
    scope = principal.scope(action)
    return scope is not None and scope != "on_behalf"


def require(principal: Principal, action: str, doing: str) -> None:
    """Refuses (PERMISSION_DENIED) a caller whose role cannot do `action` on any child at all.
    Which children they may do it to is decided by `visible_people` in the query."""
    scope = principal.scope(action)
    if scope == "on_behalf":
        raise PermissionDenied(f"Business support can {doing} only on a worker's behalf: choose the worker "
                               "you are entering this for first.")
    if scope is None:
        raise PermissionDenied(f"Your role does not allow you to {doing}.")


def require_read(principal: Principal, doing: str) -> None:
    require(principal, READ, doing)


def require_write(principal: Principal, doing: str) -> None:
    require(principal, WRITE, doing)


def note_review_templates(library) -> None:
    review_template_ids.clear()
    review_template_ids.update(t.name for t in library.latest() if t.kind in REVIEW_KINDS)


def writes_reviews_only(principal: Principal) -> bool:
    """A reviewing officer: may write the reviews they chair, and no other record."""
    return not may(principal, WRITE) and may(principal, "review.write")


def write_action(principal: Principal) -> str:
    return "review.write" if writes_reviews_only(principal) else WRITE


def require_service(principal: Principal) -> None:
    if not may(principal, "events.read"):
        raise PermissionDenied("Only ICS services can read the event stream.")
