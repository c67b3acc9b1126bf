"""Merging two records of one child, and undoing it (R-DUP): both audited, and the merge keeps a
list of every record it moved, so undoing puts each one back exactly where it was."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.common.names import make_name, parse_name
from services.records import access, audit, outbox, people
from services.records.models import (Allocation, ChronologyEntry, Contact, Document, Episode, Person, PersonMerge,
                                     Referral, Relationship)

# Every table that points at a person, and the column that does.
POINTERS = ((Contact, "person_id"), (Referral, "person_id"), (Document, "person_id"), (Episode, "person_id"),
            (Allocation, "person_id"), (ChronologyEntry, "person_id"), (Relationship, "child_id"),
            (Relationship, "other_id"))


def to_proto(row: PersonMerge, moved: int) -> pb.PersonMerge:
    return pb.PersonMerge(name=make_name("merges", row.id), keep=make_name("people", row.keep_id),
                          duplicate=make_name("people", row.duplicate_id), reason=row.reason, records_moved=moved,
                          undone=row.undone_at is not None)


def _refuse_merged(session: Session, principal: Principal, person_id: int) -> None:
    """A record already merged is reached only through the one it went into; say so, but only
    to someone who may see that one."""
    into = session.scalar(select(Person.merged_into_id).where(Person.id == person_id))
    if into is not None:
        kept = people.get_visible(session, principal, into)
        raise FailedPrecondition(f"people/{person_id} was already merged into {people.display_name(kept)} "
                                 f"(people/{kept.id}); undo that merge first if it was wrong.")


def merge(session: Session, principal: Principal, request: pb.MergePeopleRequest) -> pb.PersonMerge:
    if not access.may(principal, "child.merge"):
        raise PermissionDenied("Only team leaders and managers merge records.")
    if not request.reason.strip():
        raise InvalidArgument("Say why these are the same child.", {"reason": "required"})
    for field in ("keep", "duplicate"):
        _refuse_merged(session, principal, parse_name(getattr(request, field), "people", field))
    keep = people.get_visible(session, principal, parse_name(request.keep, "people", "keep"), for_update=True,
                              action="child.merge")
    duplicate = people.get_visible(session, principal, parse_name(request.duplicate, "people", "duplicate"),
                                   for_update=True, action="child.merge")
    if keep.id == duplicate.id:
        raise InvalidArgument("Choose two different records.", {"duplicate": "same as keep"})
    moved: dict[str, list[int]] = {}
    for model, column in POINTERS:
        field = getattr(model, column)
        ids = list(session.scalars(select(model.id).where(field == duplicate.id)))
        if ids:
            moved[f"{model.__tablename__}.{column}"] = ids
            session.execute(update(model).where(model.id.in_(ids)).values({column: keep.id}))
    duplicate.merged_into_id = keep.id
    duplicate.version += 1
    row = PersonMerge(keep_id=keep.id, duplicate_id=duplicate.id, reason=request.reason.strip(),
                      moved_json=json.dumps(moved), merged_by_user=principal.user_id,
                      merged_at=datetime.now(timezone.utc))
    session.add(row)
    session.flush()
    name = make_name("merges", row.id)
    count = sum(len(v) for v in moved.values())
    outbox.append(session, principal, "person.merged", name, keep.id,
                  {"merge": name, "keep": make_name("people", keep.id), "duplicate": make_name("people", duplicate.id),
                   "records_moved": count})
    audit.record(session, principal, "merge", name, [keep.id, duplicate.id], detail=request.reason.strip())
    return to_proto(row, count)


def undo(session: Session, principal: Principal, request: pb.UndoMergeRequest) -> pb.PersonMerge:
    if not access.may(principal, "child.merge"):
        raise PermissionDenied("Only team leaders and managers undo merges.")
    if not request.reason.strip():
        raise InvalidArgument("Say why the merge was wrong.", {"reason": "required"})
    row = session.get(PersonMerge, parse_name(request.name, "merges"))
    if row is None:
        raise NotFound(f"There is no merge {request.name}.")
    people.get_visible(session, principal, row.keep_id, for_update=True, action="child.merge")
    if row.undone_at is not None:
        raise FailedPrecondition("This merge was already undone.")
    moved = json.loads(row.moved_json)
    tables = {f"{model.__tablename__}.{column}": (model, column) for model, column in POINTERS}
    for key, ids in moved.items():
        model, column = tables[key]
        session.execute(update(model).where(model.id.in_(ids)).values({column: row.duplicate_id}))
    duplicate = session.get(Person, row.duplicate_id)
    duplicate.merged_into_id = None
    duplicate.version += 1
    row.undone_at, row.undone_by_user, row.undo_reason = datetime.now(timezone.utc), principal.user_id, request.reason
    name = make_name("merges", row.id)
    count = sum(len(v) for v in moved.values())
    outbox.append(session, principal, "person.unmerged", name, row.keep_id,
                  {"merge": name, "keep": make_name("people", row.keep_id),
                   "duplicate": make_name("people", row.duplicate_id), "records_moved": count})
    audit.record(session, principal, "unmerge", name, [row.keep_id, row.duplicate_id], detail=request.reason.strip())
    return to_proto(row, count)
