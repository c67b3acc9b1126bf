"""Who may see which children: every query that returns people goes through `visible_people`.

The rules are simple today and live only here, so later rules (allocation, restricted records
with explicit grants, break-glass) change one predicate rather than every query:
- the front door (duty, team leaders, managers) can find any child who is not restricted, so a
  duty worker can tell at once whether a child is already known;
- a social worker sees the children their team holds or has a referral for, and the children
  allocated to them (whichever team they are in);
- restricted children are seen only by the team that holds them;
- everyone else (administrators of users, service accounts) sees no child at all.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import aliased

from services.common.auth import Principal
from services.common.errors import PermissionDenied
from services.records.models import Allocation, Person, Referral

FRONT_DOOR_ROLES = ("duty", "leader", "manager")
CASEWORK_ROLES = ("duty", "worker", "leader", "manager")
DECISION_ROLES = ("duty", "leader", "manager")
_held = aliased(Referral)
_allocated = aliased(Allocation)


def visible_people(principal: Principal) -> ColumnElement[bool]:
    teams = principal.team_ids
    held_by_my_team = or_(
        Person.team_id.in_(teams),
        # An alias, so the sub-query never correlates with a Referral in the outer query.
        exists(select(_held.id).where(and_(_held.person_id == Person.id, _held.team_id.in_(teams)))
               .correlate(Person)),
    )
    allocated_to_me = exists(select(_allocated.id).where(and_(
        _allocated.person_id == Person.id, _allocated.worker_user == principal.user_id,
        _allocated.end_date.is_(None))).correlate(Person))
    # A record merged into another is reached through the one it was merged into.
    if principal.has_any_role(*FRONT_DOOR_ROLES):
        return and_(Person.merged_into_id.is_(None), or_(Person.restricted.is_(False), held_by_my_team, allocated_to_me))
    if principal.has_any_role("worker"):
        return and_(Person.merged_into_id.is_(None), or_(held_by_my_team, allocated_to_me))
    return false()


def require_casework(principal: Principal, doing: str) -> None:
    if not principal.has_any_role(*CASEWORK_ROLES):
        raise PermissionDenied(f"Your role does not allow you to {doing}.")


def require_decider(principal: Principal) -> None:
    if not principal.has_any_role(*DECISION_ROLES):
        raise PermissionDenied(
            "Only duty workers, team leaders and managers can record a referral decision.")


def require_service(principal: Principal) -> None:
    if not principal.has_any_role("service"):
        raise PermissionDenied("Only ICS services can read the event stream.")
