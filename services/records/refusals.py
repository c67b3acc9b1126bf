"""Keeping count of the duplicates the service refused (R-DUP), for the recording-quality report.

A refusal rolls its own transaction back, so the service writes the count in a second one,
afterwards (services/records/service.py). The row names the existing child the attempt matched,
found again here when the refusal could not name it to the caller (a record they cannot see).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.errors import AlreadyExists
from services.records import people
from services.records.models import Document, DuplicateRefusal, Person

CHILD, DOCUMENT = "child", "document"


def _number(name: str, collection: str) -> int | None:
    prefix = f"{collection}/"
    tail = name.removeprefix(prefix)
    return int(tail) if name.startswith(prefix) and tail.isdigit() else None


def _matched_child(session: Session, principal: Principal, person: pb.Person) -> int | None:
    """The same checks people.create refused on: a shared identifier, then name and birth date."""
    nhs, upn = person.nhs_number.replace(" ", ""), person.upn.strip().upper()
    clauses = ([Person.nhs_number == nhs] if nhs else []) + ([Person.upn == upn] if upn else [])
    if clauses:
        holder = session.scalar(select(Person.id).where(or_(*clauses), Person.merged_into_id.is_(None)).limit(1))
        if holder is not None:
            return holder
    dob, _ = people.validate(person)
    match = people.likely_duplicate(session, principal, person.given_name, person.family_name, dob) if dob else None
    return match.id if match else None


def record(session: Session, principal: Principal, kind: str, refused: AlreadyExists,
           person: pb.Person | None = None) -> None:
    """One refusal of a likely-duplicate child (kind CHILD, with the child asked for) or of a
    second document for the same work (kind DOCUMENT)."""
    if kind == DOCUMENT:
        twin = _number(refused.existing, "documents")
        person_id = session.scalar(select(Document.person_id).where(Document.id == twin)) if twin else None
    else:
        person_id = _number(refused.existing, "people")
        if person_id is None and person is not None:
            person_id = _matched_child(session, principal, person)
    if person_id is None:
        return  # nothing left to point at (disposed of meanwhile): not a count worth guessing
    session.add(DuplicateRefusal(at=datetime.now(timezone.utc), kind=kind, person_id=person_id,
                                 existing=refused.existing, user_id=principal.user_id,
                                 team_id=principal.team_ids[0] if principal.team_ids else None))
