"""Caseloads: the children allocated to a worker now, and the children of a team with open work
and nobody allocated (what a team leader allocates next). Both are lists of children, so both
are narrowed by the caller's access like every other list of children."""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import iso
from services.common.errors import PermissionDenied
from services.common.names import parse_name
from services.records import access, allocations, audit, people
from services.records.models import Allocation, Document, Episode, Person

ALLOCATE = "case.allocate"
LIVE_DOCUMENT_STATES = (pb.DOCUMENT_STATE_IN_PROGRESS, pb.DOCUMENT_STATE_SUBMITTED)


def list_for(session: Session, principal: Principal, request: pb.ListCaseloadRequest,
             offset: int, limit: int) -> list[pb.CaseloadEntry]:
    worker_id = parse_name(request.worker, "users", "worker") if request.worker else principal.user_id
    if request.unallocated or worker_id != principal.user_id:
        if not access.may(principal, ALLOCATE):
            raise PermissionDenied("Only team leaders and managers see other workers' caseloads and "
                                   "the cases waiting for a worker.")
        action = ALLOCATE
    else:
        access.require_read(principal, "see your caseload")
        action = access.READ
    current = and_(Allocation.person_id == Person.id, Allocation.end_date.is_(None))
    open_episode = exists(select(Episode.id).where(Episode.person_id == Person.id,
                                                   Episode.state == pb.EPISODE_STATE_OPEN))
    if request.unallocated:
        query = (select(Person, Allocation).outerjoin(Allocation, current)
                 .where(Allocation.id.is_(None), open_episode, access.held_by(principal.team_ids)))
    else:
        query = select(Person, Allocation).join(Allocation, current).where(Allocation.worker_user == worker_id)
    rows = session.execute(query.where(access.visible_people(principal, action))
                           .order_by(Person.family_key, Person.given_key, Person.id)
                           .offset(offset).limit(limit)).all()
    ids = [person.id for person, _ in rows]
    if not ids:
        return []
    opened = dict(session.execute(select(Episode.person_id, func.max(Episode.opened_date))
                                  .where(Episode.person_id.in_(ids), Episode.state == pb.EPISODE_STATE_OPEN)
                                  .group_by(Episode.person_id)).all())
    live = dict(session.execute(select(Document.person_id, func.count(Document.id))
                                .where(Document.person_id.in_(ids), Document.state.in_(LIVE_DOCUMENT_STATES))
                                .group_by(Document.person_id)).all())
    audit.record(session, principal, "list", "unallocated cases" if request.unallocated else
                 f"users/{worker_id}/caseload", ids)
    return [pb.CaseloadEntry(person=people.to_proto(person),
                             allocation=allocations.to_proto(allocation) if allocation else None,
                             episode_opened_date=iso(opened.get(person.id)),
                             open_documents=live.get(person.id, 0))
            for person, allocation in rows]
