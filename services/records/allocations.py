"""Allocation history (R-ONE-TRUTH): who held a child's case, from when to when. Documents read
"appointed social worker" from here, as it was on the day, never from a field typed again."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import iso, past_date_or_today
from services.common.errors import InvalidArgument, PermissionDenied
from services.common.names import make_name, parse_name
from services.records import access, audit, grants, outbox, people
from services.records.models import Allocation



def to_proto(row: Allocation) -> pb.Allocation:
    msg = pb.Allocation(
        name=make_name("allocations", row.id), person=make_name("people", row.person_id),
        worker=make_name("users", row.worker_user), worker_display_name=row.worker_name,
        team=make_name("teams", row.team_id), start_date=iso(row.start_date), end_date=iso(row.end_date),
        reason=row.reason,
    )
    msg.allocated_by.user_name = make_name("users", row.allocated_by_user)
    msg.allocated_by.display_name = row.allocated_by_name
    return msg


def on(session: Session, person_id: int, day: date) -> Allocation | None:
    """The allocation that held on `day` (start inclusive, end exclusive)."""
    return session.scalar(select(Allocation).where(
        Allocation.person_id == person_id, Allocation.start_date <= day,
        or_(Allocation.end_date.is_(None), Allocation.end_date > day),
    ).order_by(Allocation.start_date.desc(), Allocation.id.desc()).limit(1))


def allocate(session: Session, principal: Principal, wanted: pb.Allocation) -> pb.Allocation:
    if not access.may(principal, "case.allocate"):
        raise PermissionDenied("Only team leaders and managers allocate cases.")
    violations: dict[str, str] = {}
    start = past_date_or_today(wanted.start_date, "allocation.start_date", "start date", violations)
    if not wanted.worker_display_name.strip():
        violations["allocation.worker_display_name"] = "required: the worker's name as documents show it"
    people.raise_if_invalid(violations, "The allocation")
    worker_id = parse_name(wanted.worker, "users", "allocation.worker")
    team_id = parse_name(wanted.team or principal.primary_team, "teams", "allocation.team")
    if team_id not in principal.team_ids and principal.scope("case.allocate") != "any":
        raise PermissionDenied("You can allocate to your own teams only.")
    person = people.get_visible(session, principal, parse_name(wanted.person, "people", "allocation.person"),
                                action="case.allocate")
    current = session.scalar(select(Allocation).where(Allocation.person_id == person.id, Allocation.end_date.is_(None)))
    if current is not None:
        if start < current.start_date:
            raise InvalidArgument(f"The case has been allocated to {current.worker_name} since {iso(current.start_date)}; "
                                  "a new allocation cannot start before that.", {"allocation.start_date": "too early"})
        current.end_date = start
    row = Allocation(person_id=person.id, worker_user=worker_id, worker_name=wanted.worker_display_name.strip(),
                     team_id=team_id, start_date=start, end_date=None, reason=wanted.reason.strip(),
                     allocated_by_user=principal.user_id, allocated_by_name=principal.display_name,
                     created_at=datetime.now(timezone.utc))
    session.add(row)
    session.flush()
    # A case allocated on a restricted record comes with sight of it, or the worker could not open it.
    grants.keep_sight(session, principal, person, worker_id, f"allocated the case by {principal.display_name}")
    name = make_name("allocations", row.id)
    outbox.append(session, principal, "allocation.started", name, person.id,
                  {"allocation": name, "person": make_name("people", person.id), "worker": make_name("users", worker_id),
                   "team": make_name("teams", team_id), "start_date": iso(start),
                   "previous_worker": make_name("users", current.worker_user) if current else ""})
    audit.record(session, principal, "allocate", name, [person.id])
    return to_proto(row)


def end_current(session: Session, principal: Principal, person_id: int, on: date, reason: str) -> None:
    """The case closed: whoever held it holds it no more (it leaves their caseload), and the
    history still says who held it until when."""
    current = session.scalar(select(Allocation).where(Allocation.person_id == person_id, Allocation.end_date.is_(None)))
    if current is None:
        return
    current.end_date = max(on, current.start_date)
    name = make_name("allocations", current.id)
    outbox.append(session, principal, "allocation.ended", name, person_id,
                  {"allocation": name, "person": make_name("people", person_id),
                   "worker": make_name("users", current.worker_user), "end_date": iso(current.end_date),
                   "reason": reason})


def history(session: Session, principal: Principal, person_name: str) -> list[pb.Allocation]:
    access.require_read(principal, "read allocations")
    person = people.get_visible(session, principal, parse_name(person_name, "people", "person"))
    rows = session.scalars(select(Allocation).where(Allocation.person_id == person.id)
                           .order_by(Allocation.start_date.desc(), Allocation.id.desc()))
    audit.record(session, principal, "read", f"people/{person.id}/allocations", [person.id])
    return [to_proto(r) for r in rows]
