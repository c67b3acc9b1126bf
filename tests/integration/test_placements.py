"""One register of carers with equality data; placements use the SSDA903 codes the council's
templates offer, start and end explicitly, and never overlap."""

from __future__ import annotations

import uuid

import pytest
from google.protobuf import field_mask_pb2

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import call


def test_carers_register_and_a_childs_placements(client_factory):
    duty, leader = client_factory("duty"), client_factory("leader")
    with pytest.raises(ServiceError) as exc:
        call(duty, "CreateCarer", pb.CreateCarerRequest(carer=pb.Carer(kind="foster_carer", display_name="X")))
    assert exc.value.code == "PERMISSION_DENIED"
    carer = call(leader, "CreateCarer", pb.CreateCarerRequest(carer=pb.Carer(
        kind="foster_carer", display_name=f"Gwen and Huw Carer {uuid.uuid4().hex[:4]}", postcode="zz5 5zz",
        characteristics={"ethnicity": cpb.Answer(value="WBRI", status=cpb.ANSWER_STATUS_ANSWERED),
                         "religion": cpb.Answer(status=cpb.ANSWER_STATUS_DECLINED)})))
    assert carer.characteristics["religion"].status == cpb.ANSWER_STATUS_DECLINED
    assert carer.name in {c.name for c in call(duty, "ListCarers", pb.ListCarersRequest(kind="foster_carer")).carers}

    # A child is placed within a looked-after period, which starts within an episode of need.
    contact = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Liv", family_name=f"Placed{uuid.uuid4().hex[:6]}", date_of_birth="2012-12-12",
                             sex=pb.SEX_FEMALE),
        received_date="2026-07-20", source=pb.CONTACT_SOURCE_SCHOOL, reason="Disclosed she cannot go home",
        confirmed_not_duplicate=True))
    leader.decide_referral(contact.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Needs an assessment")
    child = contact.person
    period = call(duty, "StartCare", pb.StartCareRequest(child=child.name, start_date="2026-08-01", legal_status="V2",
                                                         category_of_need="N4"))
    with pytest.raises(ServiceError) as exc:
        call(duty, "StartPlacement", pb.StartPlacementRequest(placement=pb.Placement(
            child=child.name, carer=carer.name, placement_type="Q9", provider="PR9")))
    assert {"placement.placement_type", "placement.provider"} <= set(exc.value.violations)
    first = call(duty, "StartPlacement", pb.StartPlacementRequest(placement=pb.Placement(
        child=child.name, carer=carer.name, start_date="2026-08-01", placement_type="U1", provider="PR1")))
    with pytest.raises(ServiceError) as exc:
        call(duty, "StartPlacement", pb.StartPlacementRequest(placement=pb.Placement(
            child=child.name, carer=carer.name, start_date="2026-09-01", placement_type="U1", provider="PR1")))
    assert exc.value.code == "FAILED_PRECONDITION" and "still placed" in exc.value.message
    assert first.care_period == period.name and first.etag == "1"
    with pytest.raises(ServiceError) as exc:
        call(duty, "EndPlacement", pb.EndPlacementRequest(name=first.name, end_date="2026-10-01", end_reason="CARPL"))
    assert exc.value.code == "INVALID_ARGUMENT" and "etag" in exc.value.violations
    with pytest.raises(ServiceError) as exc:
        call(duty, "EndPlacement", pb.EndPlacementRequest(name=first.name, end_date="2026-10-01", end_reason="CARPL",
                                                          etag="7"))
    assert exc.value.code == "ABORTED"
    with pytest.raises(ServiceError) as exc:
        call(duty, "EndPlacement", pb.EndPlacementRequest(name=first.name, end_date="2026-07-31", end_reason="CARPL",
                                                          etag=first.etag))
    assert exc.value.code == "INVALID_ARGUMENT" and "2026-08-01" in exc.value.message
    ended = call(duty, "EndPlacement", pb.EndPlacementRequest(name=first.name, end_date="2026-10-01", end_reason="CARPL",
                                                              etag=first.etag))
    assert ended.end_date == "2026-10-01" and ended.end_reason == "CARPL" and ended.etag == "2"
    with pytest.raises(ServiceError) as exc:
        call(duty, "EndPlacement", pb.EndPlacementRequest(name=first.name, end_date="2026-10-02", end_reason="CARPL",
                                                          etag=ended.etag))
    assert exc.value.code == "FAILED_PRECONDITION" and "already ended" in exc.value.message
    with pytest.raises(ServiceError) as exc:  # placements never overlap
        call(duty, "StartPlacement", pb.StartPlacementRequest(placement=pb.Placement(
            child=child.name, carer=carer.name, start_date="2026-09-30", placement_type="U3", provider="PR1")))
    assert exc.value.code == "INVALID_ARGUMENT" and "2026-10-01" in exc.value.message
    second = call(duty, "StartPlacement", pb.StartPlacementRequest(placement=pb.Placement(
        child=child.name, carer=carer.name, start_date="2026-10-01", placement_type="U3", provider="PR1")))
    history = call(duty, "ListPlacements", pb.ListPlacementsRequest(child=child.name)).placements
    assert [p.name for p in history] == [second.name, first.name] and history[0].postcode == "ZZ5 5ZZ"


def test_updating_a_carer_needs_the_register_role_the_etag_and_known_fields(client_factory):
    duty, leader = client_factory("duty"), client_factory("leader")
    carer = call(leader, "CreateCarer", pb.CreateCarerRequest(carer=pb.Carer(
        kind="childrens_home", display_name=f"Oak House {uuid.uuid4().hex[:4]}", postcode="ZZ6 6ZZ", urn="SC100001")))
    assert carer.etag == "1"

    def update(who, paths, **fields):
        wanted = pb.Carer(name=carer.name, **fields)
        return call(who, "UpdateCarer", pb.UpdateCarerRequest(carer=wanted, update_mask=field_mask_pb2.FieldMask(
            paths=paths)))

    def register():
        return next(c for c in call(leader, "ListCarers", pb.ListCarersRequest(kind="childrens_home")).carers
                    if c.name == carer.name)

    refusals = (
        (duty, ["postcode"], {"postcode": "ZZ7 7ZZ", "etag": "1"}, "PERMISSION_DENIED"),
        (leader, ["postcode"], {"postcode": "ZZ7 7ZZ"}, "INVALID_ARGUMENT"),
        (leader, ["postcode"], {"postcode": "ZZ7 7ZZ", "etag": "9"}, "ABORTED"),
        (leader, ["kind"], {"kind": "adopter", "etag": "1"}, "INVALID_ARGUMENT"),
        (leader, [], {"etag": "1"}, "INVALID_ARGUMENT"),
        (leader, ["display_name"], {"display_name": " ", "etag": "1"}, "INVALID_ARGUMENT"),
        (leader, ["characteristics"], {"etag": "1", "characteristics": {"shoe_size": cpb.Answer(value="9")}},
         "INVALID_ARGUMENT"),
    )
    for who, paths, fields, code in refusals:
        with pytest.raises(ServiceError) as exc:
            update(who, paths, **fields)
        assert exc.value.code == code, (paths, exc.value.message)
        assert register() == carer, "a refused update still changed the carer"

    changed = update(leader, ["postcode", "urn", "characteristics"], postcode="zz7 7zz", urn="SC100002", etag="1",
                     display_name="ignored, not in the mask",
                     characteristics={"religion": cpb.Answer(status=cpb.ANSWER_STATUS_DECLINED)})
    assert (changed.postcode, changed.urn, changed.display_name, changed.etag) == (
        "ZZ7 7ZZ", "SC100002", carer.display_name, "2")
    assert changed.characteristics["religion"].status == cpb.ANSWER_STATUS_DECLINED
    closed = update(leader, ["active"], active=False, etag=changed.etag)
    assert not closed.active and closed.etag == "3" and register() == closed
