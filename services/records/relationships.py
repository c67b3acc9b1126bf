"""Relationships relative to each child (R-FAMILY): "mother's partner" exists, a council adds
its own types without code, and "not known yet" is listed for review rather than forgotten."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import checked_date, iso
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from services.common.etags import refuse_stale
from services.common.names import make_name, parse_name
from services.records import access, audit, outbox, people
from services.records.models import Person, Relationship, RelationshipType

# What a worker may change once a relationship is recorded; who it is between stays as recorded.
UPDATABLE = ("lives_with_child", "end_date", "type_code")


def type_to_proto(row: RelationshipType) -> pb.RelationshipType:
    return pb.RelationshipType(code=row.code, label=row.label, needs_review=row.needs_review)


def list_types(session: Session) -> list[pb.RelationshipType]:
    return [type_to_proto(t) for t in session.scalars(select(RelationshipType).order_by(RelationshipType.label))]


def create_type(session: Session, principal: Principal, wanted: pb.RelationshipType) -> pb.RelationshipType:
    if not access.may(principal, "reference.manage"):
        raise PermissionDenied("Only administrators and managers can add relationship types.")
    code = wanted.code.strip().lower()
    violations = {}
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,59}", code):
        violations["type.code"] = "lower-case letters, digits and _, starting with a letter"
    if not wanted.label.strip():
        violations["type.label"] = "required: how it reads on the child's record"
    people.raise_if_invalid(violations, "The relationship type")
    if session.get(RelationshipType, code) is not None:
        raise AlreadyExists(f"There is already a relationship type {code}.")
    row = RelationshipType(code=code, label=wanted.label.strip(), needs_review=wanted.needs_review)
    session.add(row)
    session.flush()
    return type_to_proto(row)


def to_proto(row: Relationship, kind: RelationshipType, other_name: str) -> pb.Relationship:
    return pb.Relationship(
        name=make_name("relationships", row.id), child=make_name("people", row.child_id),
        other=make_name("people", row.other_id), type_code=row.type_code, label=kind.label,
        lives_with_child=row.lives_with_child, needs_review=kind.needs_review, other_display_name=other_name,
        start_date=iso(row.start_date), end_date=iso(row.end_date), etag=str(row.version),
    )


def create(session: Session, principal: Principal, wanted: pb.Relationship) -> pb.Relationship:
    access.require_write(principal, "record relationships")
    violations: dict[str, str] = {}
    kind = session.get(RelationshipType, wanted.type_code)
    if kind is None:
        violations["relationship.type_code"] = "not a relationship type this council uses; see ListRelationshipTypes"
    start = checked_date(wanted.start_date, "relationship.start_date", "start date", violations)
    end = checked_date(wanted.end_date, "relationship.end_date", "end date", violations)
    if start and end and end < start:
        violations["relationship.end_date"] = "is before the start date"
    if wanted.child and wanted.child == wanted.other:
        violations["relationship.other"] = "must be someone other than the child"
    people.raise_if_invalid(violations, "The relationship")
    child = people.get_visible(session, principal, parse_name(wanted.child, "people", "relationship.child"),
                               action=access.WRITE)
    other = people.get_visible(session, principal, parse_name(wanted.other, "people", "relationship.other"))
    duplicate = session.scalar(select(Relationship.id).where(
        Relationship.child_id == child.id, Relationship.other_id == other.id,
        Relationship.type_code == kind.code, Relationship.end_date.is_(None)))
    if duplicate:
        raise AlreadyExists(f"{people.display_name(other)} is already recorded as {kind.label.lower()} of "
                            f"{people.display_name(child)}.", make_name("relationships", duplicate))
    row = Relationship(child_id=child.id, other_id=other.id, type_code=kind.code,
                       lives_with_child=wanted.lives_with_child, start_date=start, end_date=end, version=1,
                       created_by_user=principal.user_id, created_at=datetime.now(timezone.utc))
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise InvalidArgument("The relationship refers to a type or person that no longer exists.") from None
    name = make_name("relationships", row.id)
    outbox.append(session, principal, "relationship.created", name, child.id,
                  {"relationship": name, "child": make_name("people", child.id), "other": make_name("people", other.id),
                   "type_code": kind.code, "needs_review": kind.needs_review})
    audit.record(session, principal, "create", name, [child.id, other.id])
    return to_proto(row, kind, people.display_name(other))


def list_for(session: Session, principal: Principal, child_name: str, needs_review_only: bool) -> list[pb.Relationship]:
    access.require_read(principal, "read relationships")
    child = people.get_visible(session, principal, parse_name(child_name, "people", "child"))
    rows = session.execute(
        select(Relationship, RelationshipType).join(RelationshipType, RelationshipType.code == Relationship.type_code)
        .where(Relationship.child_id == child.id).order_by(Relationship.id)).all()
    found = []
    for row, kind in rows:
        if needs_review_only and not kind.needs_review:
            continue
        other = session.scalar(select(Person).where(Person.id == row.other_id).where(access.visible_people(principal)))
        found.append(to_proto(row, kind, people.display_name(other) if other else "someone whose record you cannot see"))
    audit.record(session, principal, "list", f"people/{child.id}/relationships", [child.id])
    return found


FAMILY_SHOWN = 6  # per search result: enough to tell two children apart, short enough to read


def families_of(session: Session, principal: Principal, person_ids: list[int]) -> dict[int, list[str]]:
    """Each person's current relationships as sentences for search results, in both directions
    ("Mother: Jo Smith, ..." on the child; "Mother of Amy Smith, ..." on the mother), those
    living together first. Only people the caller may find are named, or counted."""
    if not person_ids:
        return {}
    rows = session.execute(
        select(Relationship, RelationshipType.label).join(RelationshipType, RelationshipType.code == Relationship.type_code)
        .where(Relationship.end_date.is_(None))
        .where((Relationship.child_id.in_(person_ids)) | (Relationship.other_id.in_(person_ids)))
        .order_by(Relationship.lives_with_child.desc(), Relationship.id)).all()
    related = {r.child_id for r, _ in rows} | {r.other_id for r, _ in rows}
    findable = {p.id: p for p in session.scalars(
        select(Person).where(Person.id.in_(related)).where(access.visible_people(principal, access.FIND)))}
    wanted = set(person_ids)
    families: dict[int, list[str]] = {}
    for row, label in rows:
        living = ", lives with them" if row.lives_with_child else ""
        for person_id, other_id, sentence in (
                (row.child_id, row.other_id, "{label}: {name}"), (row.other_id, row.child_id, "{label} of {name}")):
            if person_id in wanted and other_id in findable and len(families.get(person_id, [])) < FAMILY_SHOWN:
                name = people.display_name(findable[other_id])
                families.setdefault(person_id, []).append(sentence.format(label=label, name=name) + living)
    return families


def _other_name(session: Session, principal: Principal, other_id: int) -> str:
    other = session.scalar(select(Person).where(Person.id == other_id).where(access.visible_people(principal)))
    return people.display_name(other) if other else "someone whose record you cannot see"


def _visible(session: Session, principal: Principal, relationship_id: int, action: str = access.READ) -> Relationship:
    """The relationship, if the caller can see its child; absent and not visible answer alike."""
    query = select(Relationship).where(Relationship.id == relationship_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.scalar(query)
    if row is not None:
        try:
            people.get_visible(session, principal, row.child_id, action=action)
        except NotFound:
            row = None
    if row is None:
        raise NotFound(f"No relationship relationships/{relationship_id} is known to you.")
    return row


def update(session: Session, principal: Principal, wanted: pb.Relationship, paths: list[str]) -> pb.Relationship:
    access.require_write(principal, "change relationships")
    unknown = [p for p in paths if p not in UPDATABLE]
    if not paths or unknown:
        raise InvalidArgument(
            f"update_mask must name what to change, from: {', '.join(UPDATABLE)}.",
            {"update_mask": f"cannot update {', '.join(unknown)}" if unknown else "required: name what to change"})
    if not wanted.etag:
        raise InvalidArgument("Send the etag of the version you are changing, so no one's change is overwritten.",
                              {"relationship.etag": "required"})
    row = _visible(session, principal, parse_name(wanted.name, "relationships", "relationship.name"), access.WRITE)
    refuse_stale(wanted.etag, row.version, "Someone else changed this relationship since you opened it. Reload it "
                 "to see their change, then make yours again.")
    violations: dict[str, str] = {}
    kind = session.get(RelationshipType, row.type_code)
    if "type_code" in paths:
        kind = session.get(RelationshipType, wanted.type_code)
        if kind is None:
            violations["relationship.type_code"] = "not a relationship type this council uses; see ListRelationshipTypes"
    end = row.end_date
    if "end_date" in paths:  # an empty end date means the relationship goes on
        end = checked_date(wanted.end_date, "relationship.end_date", "end date", violations)
        if end and row.start_date and end < row.start_date:
            violations["relationship.end_date"] = f"is before the start date ({iso(row.start_date)})"
    people.raise_if_invalid(violations, "The change to the relationship")
    if end is None:
        duplicate = session.scalar(select(Relationship.id).where(
            Relationship.child_id == row.child_id, Relationship.other_id == row.other_id,
            Relationship.type_code == kind.code, Relationship.end_date.is_(None), Relationship.id != row.id))
        if duplicate:
            raise AlreadyExists(f"{_other_name(session, principal, row.other_id)} is already recorded as "
                                f"{kind.label.lower()} of this child (relationships/{duplicate}).",
                                make_name("relationships", duplicate))
    if "lives_with_child" in paths:
        row.lives_with_child = wanted.lives_with_child
    row.type_code, row.end_date = kind.code, end
    row.version += 1
    session.flush()
    name = make_name("relationships", row.id)
    outbox.append(session, principal, "relationship.updated", name, row.child_id,
                  {"relationship": name, "child": make_name("people", row.child_id),
                   "other": make_name("people", row.other_id), "fields": sorted(paths), "type_code": kind.code,
                   "needs_review": kind.needs_review, "end_date": iso(end)})
    audit.record(session, principal, "update", name, [row.child_id, row.other_id], detail=",".join(sorted(paths)))
    return to_proto(row, kind, _other_name(session, principal, row.other_id))
