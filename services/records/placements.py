"""One register of carers, with the equality data the report asked managers to see (L7660), and
the placements children have with them. Placement codes are the ones the council's Placement
Information Record template offers for the SSDA903 items, so the two can never disagree."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import iso, past_date_or_today
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.common.names import make_name, parse_name
from services.records import access, audit, outbox, people
from services.records.models import Carer, Placement
from services.records.template_library import TemplateLibrary

CARER_KINDS = ("foster_carer", "kinship_carer", "private_foster_carer", "adopter", "childrens_home",
               "supported_lodgings")
CARER_CHARACTERISTICS = ("ethnicity", "religion", "first_language", "disability")
REGISTER_ROLES = ("leader", "manager", "admin")
CODES_FROM = "placement-information-record"


def codes(library: TemplateLibrary, item: str) -> set[str]:
    template = library.get(CODES_FROM)
    return {value for q in template.questions() if ("ssda903", item) in q.statutory for value, _ in q.choices}


def carer_to_proto(row: Carer) -> pb.Carer:
    msg = pb.Carer(name=make_name("carers", row.id), kind=row.kind, display_name=row.display_name,
                   postcode=row.postcode, urn=row.urn, active=row.active)
    for key, answer in json.loads(row.characteristics_json).items():
        msg.characteristics[key].CopyFrom(cpb.Answer(**answer))
    return msg


def create_carer(session: Session, principal: Principal, wanted: pb.Carer) -> pb.Carer:
    if not principal.has_any_role(*REGISTER_ROLES):
        raise PermissionDenied("Only team leaders, managers and administrators keep the carers register.")
    violations = people.characteristic_violations(wanted.characteristics, "carer.characteristics",
                                                  CARER_CHARACTERISTICS)
    if wanted.kind not in CARER_KINDS:
        violations["carer.kind"] = f"one of {', '.join(CARER_KINDS)}"
    if not wanted.display_name.strip():
        violations["carer.display_name"] = "required"
    people.raise_if_invalid(violations, "The carer")
    row = Carer(kind=wanted.kind, display_name=wanted.display_name.strip(), postcode=wanted.postcode.strip().upper(),
                urn=wanted.urn.strip(), active=True, created_at=datetime.now(timezone.utc),
                characteristics_json=json.dumps({
                    k: {"value": a.value.strip(), "status": a.status or cpb.ANSWER_STATUS_NOT_YET_ASKED,
                        "reason": a.reason.strip()} for k, a in sorted(wanted.characteristics.items())}))
    session.add(row)
    session.flush()
    return carer_to_proto(row)


def list_carers(session: Session, principal: Principal, kind: str) -> list[pb.Carer]:
    if not principal.has_any_role("admin"):
        access.require_casework(principal, "see the carers register")
    query = select(Carer).order_by(Carer.display_name)
    if kind:
        query = query.where(Carer.kind == kind)
    return [carer_to_proto(c) for c in session.scalars(query)]


def to_proto(row: Placement, carer: Carer) -> pb.Placement:
    return pb.Placement(name=make_name("placements", row.id), child=make_name("people", row.child_id),
                        carer=make_name("carers", carer.id), carer_display_name=carer.display_name,
                        start_date=iso(row.start_date), end_date=iso(row.end_date), placement_type=row.placement_type,
                        provider=row.provider, end_reason=row.end_reason, postcode=carer.postcode)


def start(session: Session, principal: Principal, library: TemplateLibrary, wanted: pb.Placement) -> pb.Placement:
    access.require_casework(principal, "place children")
    violations: dict[str, str] = {}
    begins = past_date_or_today(wanted.start_date, "placement.start_date", "start date", violations)
    if wanted.placement_type not in codes(library, "PLACE"):
        violations["placement.placement_type"] = "not an SSDA903 placement type code (PLACE) this council uses"
    if wanted.provider not in codes(library, "PLACE_PROVIDER"):
        violations["placement.provider"] = "not an SSDA903 provider code (PLACE_PROVIDER)"
    people.raise_if_invalid(violations, "The placement")
    child = people.get_visible(session, principal, parse_name(wanted.child, "people", "placement.child"))
    carer = session.get(Carer, parse_name(wanted.carer, "carers", "placement.carer"))
    if carer is None or not carer.active:
        raise NotFound(f"No active carer {wanted.carer} is on the register.")
    current = session.scalar(select(Placement).where(Placement.child_id == child.id, Placement.end_date.is_(None)))
    if current is not None:
        raise FailedPrecondition(f"{people.display_name(child)} is still placed (placements/{current.id}); end that "
                                 "placement, with its reason, before starting the next.")
    row = Placement(child_id=child.id, carer_id=carer.id, start_date=begins, placement_type=wanted.placement_type,
                    provider=wanted.provider, created_at=datetime.now(timezone.utc))
    session.add(row)
    session.flush()
    name = make_name("placements", row.id)
    outbox.append(session, principal, "placement.started", name, child.id,
                  {"placement": name, "child": make_name("people", child.id), "start_date": iso(begins),
                   "person_display_name": people.display_name(child), "placement_type": row.placement_type})
    audit.record(session, principal, "place", name, [child.id])
    return to_proto(row, carer)


def end(session: Session, principal: Principal, library: TemplateLibrary, request: pb.EndPlacementRequest) -> pb.Placement:
    access.require_casework(principal, "end placements")
    violations: dict[str, str] = {}
    ends = past_date_or_today(request.end_date, "end_date", "end date", violations)
    if request.end_reason not in codes(library, "REASON_PLACE_CHANGE"):
        violations["end_reason"] = "not an SSDA903 reason for a placement change (REASON_PLACE_CHANGE)"
    people.raise_if_invalid(violations, "Ending the placement")
    row = session.get(Placement, parse_name(request.name, "placements"))
    if row is None:
        raise NotFound(f"No placement {request.name} is known to you.")
    people.get_visible(session, principal, row.child_id)
    if row.end_date is not None:
        raise FailedPrecondition(f"This placement already ended on {iso(row.end_date)}.")
    if ends < row.start_date:
        raise InvalidArgument("A placement cannot end before it started.", {"end_date": "before the start"})
    row.end_date, row.end_reason = ends, request.end_reason
    name = make_name("placements", row.id)
    outbox.append(session, principal, "placement.ended", name, row.child_id,
                  {"placement": name, "end_date": iso(ends), "reason": row.end_reason})
    audit.record(session, principal, "end", name, [row.child_id])
    return to_proto(row, session.get(Carer, row.carer_id))


def list_for(session: Session, principal: Principal, child_name: str) -> list[pb.Placement]:
    access.require_casework(principal, "read placements")
    child = people.get_visible(session, principal, parse_name(child_name, "people", "child"))
    rows = session.execute(select(Placement, Carer).join(Carer, Carer.id == Placement.carer_id)
                           .where(Placement.child_id == child.id).order_by(Placement.start_date.desc())).all()
    audit.record(session, principal, "read", f"people/{child.id}/placements", [child.id])
    return [to_proto(p, c) for p, c in rows]
