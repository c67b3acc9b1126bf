"""One register of carers with equality data; placements use the SSDA903 codes the council's
templates offer, start and end explicitly, and never overlap."""

from __future__ import annotations

import uuid

import pytest

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

    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Liv", family_name=f"Placed{uuid.uuid4().hex[:6]}", date_of_birth="2012-12-12", sex=pb.SEX_FEMALE)))
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
    ended = call(duty, "EndPlacement", pb.EndPlacementRequest(name=first.name, end_date="2026-10-01", end_reason="CARPL"))
    assert ended.end_date == "2026-10-01" and ended.end_reason == "CARPL"
    second = call(duty, "StartPlacement", pb.StartPlacementRequest(placement=pb.Placement(
        child=child.name, carer=carer.name, start_date="2026-10-01", placement_type="U3", provider="PR1")))
    history = call(duty, "ListPlacements", pb.ListPlacementsRequest(child=child.name)).placements
    assert [p.name for p in history] == [second.name, first.name] and history[0].postcode == "ZZ5 5ZZ"
