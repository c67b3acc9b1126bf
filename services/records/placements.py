"""One register of carers, with the equality data the report asked managers to see (L7660), and
the placements children have with them. Placement codes are the ones the council's Placement
Information Record template offers for the SSDA903 items, so the two can never disagree.

A placement is made within a looked-after period (`care.py`) open on its start date, except with
a private foster carer: a privately fostered child is not looked after. Placements never overlap,
and every change to a placement or a carer needs the etag of the version the worker read."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import iso, past_date_or_today
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.common.etags import require_etag
from services.common.names import make_name, parse_name
from services.records import access, audit, outbox, people
from services.records.models import CarePeriod, Carer, Person, Placement
from services.records.template_library import TemplateLibrary

CARER_KINDS = ("foster_carer", "kinship_carer", "private_foster_carer", "adopter", "childrens_home",
               "supported_lodgings")
PRIVATE_FOSTERING = "private_foster_carer"
CARER_CHARACTERISTICS = ("ethnicity", "religion", "first_language", "disability")
CARER_UPDATABLE = ("display_name", "postcode", "urn", "active", "characteristics")
CODES_FROM = "placement-information-record"


def codes(library: TemplateLibrary, item: str) -> set[str]:
    template = library.get(CODES_FROM)
    return {value for q in template.questions() if ("ssda903", item) in q.statutory for value, _ in q.choices}


def _locked(session: Session, model, ident: int):
    """The row, locked until the transaction ends on PostgreSQL (SQLite writers already queue)."""
    if session.get_bind().dialect.name == "postgresql":
        return session.get(model, ident, with_for_update=True)
    return session.get(model, ident)


def carer_to_proto(row: Carer) -> pb.Carer:
    msg = pb.Carer(name=make_name("carers", row.id), kind=row.kind, display_name=row.display_name,
                   postcode=row.postcode, urn=row.urn, active=row.active, etag=str(row.version))
    for key, answer in json.loads(row.characteristics_json).items():
        msg.characteristics[key].CopyFrom(cpb.Answer(**answer))
    return msg


def _characteristics_json(answers) -> str:
    return json.dumps({k: {"value": a.value.strip(), "status": a.status or cpb.ANSWER_STATUS_NOT_YET_ASKED,
                           "reason": a.reason.strip()} for k, a in sorted(answers.items())})


def _require_register_role(principal: Principal) -> None:
    if not access.may(principal, "carers.manage"):
        raise PermissionDenied("Only team leaders, managers and administrators keep the carers register.")


def create_carer(session: Session, principal: Principal, wanted: pb.Carer) -> pb.Carer:
    _require_register_role(principal)
    violations = people.characteristic_violations(wanted.characteristics, "carer.characteristics",
                                                  CARER_CHARACTERISTICS)
    if wanted.kind not in CARER_KINDS:
        violations["carer.kind"] = f"one of {', '.join(CARER_KINDS)}"
    if not wanted.display_name.strip():
        violations["carer.display_name"] = "required"
    people.raise_if_invalid(violations, "The carer")
    row = Carer(kind=wanted.kind, display_name=wanted.display_name.strip(), postcode=wanted.postcode.strip().upper(),
                urn=wanted.urn.strip(), active=True, created_at=datetime.now(timezone.utc),
                characteristics_json=_characteristics_json(wanted.characteristics))
    session.add(row)
    session.flush()
    name = make_name("carers", row.id)
    outbox.append(session, principal, "carer.created", name, None, {"carer": name, "kind": row.kind})
    audit.record(session, principal, "create", name, [])
    return carer_to_proto(row)


def update_carer(session: Session, principal: Principal, wanted: pb.Carer, paths: list[str]) -> pb.Carer:
    _require_register_role(principal)
    unknown = [p for p in paths if p not in CARER_UPDATABLE]
    if not paths or unknown:
        raise InvalidArgument(f"update_mask must name fields from: {', '.join(CARER_UPDATABLE)}.",
                              {"update_mask": f"cannot update {', '.join(unknown) or 'nothing'}"})
    row = _locked(session, Carer, parse_name(wanted.name, "carers", "carer.name"))
    if row is None:
        raise NotFound(f"No carer {wanted.name} is on the register.")
    require_etag(wanted.etag, row.version, f"Someone changed {row.display_name}'s entry in the register since you "
                                            "opened it. Reload it to see their change, then make yours again.")
    violations: dict[str, str] = {}
    if "characteristics" in paths:
        violations.update(people.characteristic_violations(wanted.characteristics, "carer.characteristics",
                                                           CARER_CHARACTERISTICS))
    if "display_name" in paths and not wanted.display_name.strip():
        violations["carer.display_name"] = "required"
    people.raise_if_invalid(violations, "The change to the carer")
    if "display_name" in paths:
        row.display_name = wanted.display_name.strip()
    if "postcode" in paths:
        row.postcode = wanted.postcode.strip().upper()
    if "urn" in paths:
        row.urn = wanted.urn.strip()
    if "active" in paths:
        row.active = wanted.active
    if "characteristics" in paths:
        row.characteristics_json = _characteristics_json(wanted.characteristics)
    row.version += 1
    name = make_name("carers", row.id)
    fields = sorted(set(paths))
    outbox.append(session, principal, "carer.updated", name, None, {"carer": name, "fields": fields})
    audit.record(session, principal, "update", name, [], detail=",".join(fields))
    return carer_to_proto(row)


def list_carers(session: Session, principal: Principal, kind: str) -> list[pb.Carer]:
    if not access.may(principal, "carers.manage"):
        access.require_read(principal, "see the carers register")
    query = select(Carer).order_by(Carer.display_name)
    if kind:
        query = query.where(Carer.kind == kind)
    return [carer_to_proto(c) for c in session.scalars(query)]


def to_proto(row: Placement, carer: Carer) -> pb.Placement:
    return pb.Placement(name=make_name("placements", row.id), child=make_name("people", row.child_id),
                        carer=make_name("carers", carer.id), carer_display_name=carer.display_name,
                        start_date=iso(row.start_date), end_date=iso(row.end_date), placement_type=row.placement_type,
                        provider=row.provider, end_reason=row.end_reason, postcode=carer.postcode,
                        etag=str(row.version), care_period=make_name("care-periods", row.care_period_id))


def _care_period_for(session: Session, child, begins: date) -> CarePeriod:
    """The looked-after period open on `begins`, or a plain reason why the child cannot be placed."""
    open_period = session.scalar(select(CarePeriod).where(CarePeriod.child_id == child.id,
                                                          CarePeriod.end_date.is_(None)))
    if open_period is None:
        raise FailedPrecondition(
            f"{people.display_name(child)} is not looked after, so cannot be placed. Record that they started to "
            "be looked after (their legal status and category of need) first; a privately fostered child is "
            "placed with a private foster carer instead.")
    if begins < open_period.start_date:
        raise InvalidArgument(
            f"{people.display_name(child)} was not looked after on {iso(begins)}: their looked-after period "
            f"(care-periods/{open_period.id}) started on {iso(open_period.start_date)}.",
            {"placement.start_date": f"before the looked-after period started ({iso(open_period.start_date)})"})
    return open_period


def start(session: Session, principal: Principal, library: TemplateLibrary, wanted: pb.Placement) -> pb.Placement:
    access.require_write(principal, "place children")
    violations: dict[str, str] = {}
    begins = past_date_or_today(wanted.start_date, "placement.start_date", "start date", violations)
    if wanted.placement_type not in codes(library, "PLACE"):
        violations["placement.placement_type"] = "not an SSDA903 placement type code (PLACE) this council uses"
    if wanted.provider not in codes(library, "PLACE_PROVIDER"):
        violations["placement.provider"] = "not an SSDA903 provider code (PLACE_PROVIDER)"
    people.raise_if_invalid(violations, "The placement")
    # Locked, so two workers placing the same child at once queue instead of both succeeding.
    child = people.get_visible(session, principal, parse_name(wanted.child, "people", "placement.child"),
                               for_update=True)
    carer = session.get(Carer, parse_name(wanted.carer, "carers", "placement.carer"))
    if carer is None or not carer.active:
        raise NotFound(f"No active carer {wanted.carer} is on the register.")
    current = session.scalar(select(Placement).where(Placement.child_id == child.id, Placement.end_date.is_(None)))
    if current is not None:
        raise FailedPrecondition(f"{people.display_name(child)} is still placed (placements/{current.id}); end that "
                                 "placement, with its reason, before starting the next.")
    last_end = session.scalar(select(Placement).where(Placement.child_id == child.id, Placement.end_date > begins)
                              .order_by(Placement.end_date.desc()).limit(1))
    if last_end is not None:
        raise InvalidArgument(f"Placements never overlap: placements/{last_end.id} ended on {iso(last_end.end_date)}, "
                              f"after {iso(begins)}.",
                              {"placement.start_date": f"before the last placement ended ({iso(last_end.end_date)})"})
    if carer.kind == PRIVATE_FOSTERING:
        period_id = None
        in_care = session.scalar(select(CarePeriod.id).where(CarePeriod.child_id == child.id,
                                                             CarePeriod.end_date.is_(None)))
        if in_care is not None:
            raise FailedPrecondition(f"{people.display_name(child)} is looked after (care-periods/{in_care}), so "
                                     "cannot be privately fostered; place them with an approved carer instead.")
    else:
        period_id = _care_period_for(session, child, begins).id
    row = Placement(child_id=child.id, carer_id=carer.id, start_date=begins, placement_type=wanted.placement_type,
                    provider=wanted.provider, created_at=datetime.now(timezone.utc), version=1,
                    care_period_id=period_id)
    session.add(row)
    _touch_period(session, period_id)
    session.flush()
    name = make_name("placements", row.id)
    outbox.append(session, principal, "placement.started", name, child.id,
                  {"placement": name, "child": make_name("people", child.id), "start_date": iso(begins),
                   "person_display_name": people.display_name(child), "placement_type": row.placement_type,
                   "care_period": make_name("care-periods", period_id), "carer_display_name": carer.display_name})
    audit.record(session, principal, "place", name, [child.id])
    return to_proto(row, carer)


def _touch_period(session: Session, period_id: int | None) -> None:
    """A looked-after period shows its placements, so its etag changes when they do."""
    period = session.get(CarePeriod, period_id) if period_id is not None else None
    if period is not None:
        period.version += 1


def close(session: Session, principal: Principal, row: Placement, ends: date, reason: str) -> None:
    """Ends a placement (checked by the caller) and says so in the outbox: EndPlacement and EndCare.
    The caller moves the looked-after period's etag on."""
    row.end_date, row.end_reason = ends, reason
    row.version += 1
    name = make_name("placements", row.id)
    outbox.append(session, principal, "placement.ended", name, row.child_id,
                  {"placement": name, "end_date": iso(ends), "reason": row.end_reason})
    audit.record(session, principal, "end", name, [row.child_id])


def end(session: Session, principal: Principal, library: TemplateLibrary, request: pb.EndPlacementRequest) -> pb.Placement:
    access.require_write(principal, "end placements")
    violations: dict[str, str] = {}
    ends = past_date_or_today(request.end_date, "end_date", "end date", violations)
    if request.end_reason not in codes(library, "REASON_PLACE_CHANGE"):
        violations["end_reason"] = "not an SSDA903 reason for a placement change (REASON_PLACE_CHANGE)"
    if not request.etag:
        violations["etag"] = "required: the etag of the placement you read, so no one's change is overwritten"
    people.raise_if_invalid(violations, "Ending the placement")
    row = session.scalar(select(Placement).join(Person, Person.id == Placement.child_id)
                         .where(Placement.id == parse_name(request.name, "placements"))
                         .where(access.visible_people(principal, access.WRITE)))
    if row is None:  # absent and not yours answer alike
        raise NotFound(f"No placement {request.name} is known to you.")
    # The child is locked, as placements.start and care.py do, so one child's changes queue.
    people.get_visible(session, principal, row.child_id, for_update=True)
    session.refresh(row)
    if row.end_date is not None:
        raise FailedPrecondition(f"This placement already ended on {iso(row.end_date)} ({row.end_reason}).")
    require_etag(request.etag, row.version, "Someone changed this placement since you opened it. Reload it to see "
                                             "their change, then make yours again.")
    if ends < row.start_date:
        raise InvalidArgument(f"A placement cannot end before it started ({iso(row.start_date)}).",
                              {"end_date": f"before the start ({iso(row.start_date)})"})
    close(session, principal, row, ends, request.end_reason)
    _touch_period(session, row.care_period_id)
    return to_proto(row, session.get(Carer, row.carer_id))


def list_for(session: Session, principal: Principal, child_name: str) -> list[pb.Placement]:
    access.require_read(principal, "read placements")
    child = people.get_visible(session, principal, parse_name(child_name, "people", "child"))
    rows = session.execute(select(Placement, Carer).join(Carer, Carer.id == Placement.carer_id)
                           .where(Placement.child_id == child.id)
                           .order_by(Placement.start_date.desc(), Placement.id.desc())).all()
    audit.record(session, principal, "read", f"people/{child.id}/placements", [child.id])
    return [to_proto(p, c) for p, c in rows]
