"""R-FAMILY and R-ONE-TRUTH: a household's family sections are entered once and shared live by
every child living there, each answer saying when and by whom it was recorded; completing a
child's document freezes what was true that day."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import a, call


NOTE_TYPE = "home_visit"


def child(client, given: str, family: str, born: str):
    return call(client, "CreatePerson", pb.CreatePersonRequest(confirmed_not_duplicate=True, person=pb.Person(
        given_name=given, family_name=family, date_of_birth=born, sex=pb.SEX_FEMALE)))


def assessment(client, person, **answers):
    return call(client, "CreateDocument", pb.CreateDocumentRequest(
        person=person.name, template_id="single-assessment",
        answers={"assessment_start_date": a("2026-11-02"), "reason": a("Concerns about home conditions"),
                 "decision": a("cin_plan"),
                 **{k: a(v) for k, v in answers.items()}}))


@pytest.fixture
def family(client_factory):
    duty = client_factory("duty")
    surname = f"Hearth{uuid.uuid4().hex[:6]}"
    kids = [child(duty, g, surname, born) for g, born in (("Ani", "2014-02-02"), ("Bryn", "2016-06-06"),
                                                         ("Cadi", "2019-09-09"))]
    home = call(duty, "CreateHousehold", pb.CreateHouseholdRequest(
        household=pb.Household(address="1 Synthetic Row, Testtown", postcode="zz1 1zz"),
        members=[k.name for k in kids], from_date="2020-01-01", request_id=str(uuid.uuid4())))
    return duty, kids, home


def test_family_sections_are_entered_once_and_shared_live_until_completion(family):
    duty, (ani, bryn, cadi), home = family
    assert home.postcode == "ZZ1 1ZZ" and [m.person for m in home.members] == [ani.name, bryn.name, cadi.name]
    home = call(duty, "UpdateHouseholdFacts", pb.UpdateHouseholdFactsRequest(
        name=home.name, etag=home.etag, facts={"pen_picture": a("Three children living with their mother.")}))
    ani_doc, bryn_doc = assessment(duty, ani), assessment(duty, bryn)
    shared = ani_doc.answers["pen_picture"]
    assert shared.value == "Three children living with their mother."
    assert (shared.shared_from, shared.recorded_by) == (home.name, "Dana Duty") and shared.recorded_date

    # Bryn's worker records housing once; Ani's open assessment shows it without retyping.
    call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=bryn_doc.name, etag=bryn_doc.etag, answers={
        "housing": a("Damp two-bedroom flat; landlord notified."), "health": a("Bryn's asthma is worse")}))
    ani_now = call(duty, "GetDocument", pb.GetDocumentRequest(name=ani_doc.name))
    assert ani_now.answers["housing"].value == "Damp two-bedroom flat; landlord notified."
    assert "health" not in ani_now.answers  # a child's own needs are never shared
    assert call(duty, "GetHousehold", pb.GetHouseholdRequest(name=home.name)).facts["housing"].shared_from == home.name

    done = call(duty, "EndDocument", pb.EndDocumentRequest(name=ani_now.name, etag=ani_now.etag,
                                                           state=pb.DOCUMENT_STATE_COMPLETED))
    assert "Damp two-bedroom flat" in done.snapshot_json
    home = call(duty, "GetHousehold", pb.GetHouseholdRequest(name=home.name))
    call(duty, "UpdateHouseholdFacts", pb.UpdateHouseholdFactsRequest(
        name=home.name, etag=home.etag, facts={"housing": a("Moved to a dry three-bedroom house.")}))
    # R-FREEZE: the completed assessment keeps what was true when it was completed...
    frozen = call(duty, "GetDocument", pb.GetDocumentRequest(name=done.name))
    assert frozen.answers["housing"].value == "Damp two-bedroom flat; landlord notified."
    assert frozen.snapshot_json == done.snapshot_json
    # ...while the open ones move on, saying when the answer was recorded.
    bryn_now = call(duty, "GetDocument", pb.GetDocumentRequest(name=bryn_doc.name))
    assert bryn_now.answers["housing"].value == "Moved to a dry three-bedroom house."
    assert bryn_now.answers["health"].value == "Bryn's asthma is worse"
    # A sibling who moved out stops sharing: her new work is her own.
    home = call(duty, "GetHousehold", pb.GetHouseholdRequest(name=home.name))
    call(duty, "LeaveHousehold", pb.LeaveHouseholdRequest(name=home.name, etag=home.etag, person=cadi.name,
                                                          to_date="2026-11-01"))
    story = call(duty, "GetChronology", pb.GetChronologyRequest(person=cadi.name, significant_only=True)).entries
    assert [(e.date, e.title) for e in story if "moved" in e.title or "household" in e.title] == [
        ("2020-01-01", "Living in a household recorded"), ("2026-11-01", f"{cadi.display_name} moved out")]
    cadi_doc = assessment(duty, cadi)
    assert "housing" not in cadi_doc.answers and "pen_picture" not in cadi_doc.answers
    assert [h.name for h in call(duty, "ListHouseholds", pb.ListHouseholdsRequest(person=cadi.name)).households] \
        == [home.name]


def test_refusals_change_nothing(family, client_factory):
    duty, (ani, bryn, cadi), home = family
    with pytest.raises(ServiceError) as exc:  # one home at a time
        call(duty, "CreateHousehold", pb.CreateHouseholdRequest(household=pb.Household(postcode="ZZ2 2ZZ"),
                                                                members=[ani.name]))
    assert exc.value.code == "FAILED_PRECONDITION" and "already lives in" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        call(duty, "JoinHousehold", pb.JoinHouseholdRequest(name=home.name, etag=home.etag, person=bryn.name))
    assert exc.value.code == "FAILED_PRECONDITION" and "this household" in exc.value.message
    with pytest.raises(ServiceError) as exc:  # a child's own developmental needs are not family facts
        call(duty, "UpdateHouseholdFacts", pb.UpdateHouseholdFactsRequest(
            name=home.name, etag=home.etag, facts={"health": a("x"), "housing": a("")}))
    assert set(exc.value.violations) == {"facts.health", "facts.housing"}
    with pytest.raises(ServiceError) as exc:
        call(duty, "UpdateHouseholdFacts", pb.UpdateHouseholdFactsRequest(
            name=home.name, etag="0", facts={"housing": a("Stale")}))
    assert exc.value.code == "ABORTED"
    with pytest.raises(ServiceError) as exc:
        call(duty, "LeaveHousehold", pb.LeaveHouseholdRequest(name=home.name, etag=home.etag, person=ani.name,
                                                              to_date="2019-01-01"))
    assert exc.value.code == "INVALID_ARGUMENT" and "moved in on 2020-01-01" in exc.value.message
    assert call(duty, "GetHousehold", pb.GetHouseholdRequest(name=home.name)) == home
    # Someone who may see none of its members is told it does not exist.
    with pytest.raises(ServiceError) as exc:
        call(client_factory("worker"), "GetHousehold", pb.GetHouseholdRequest(name=home.name))
    assert exc.value.code == "NOT_FOUND"


def test_answers_not_given_keep_their_status_when_shared(family):
    duty, (ani, _bryn, _cadi), home = family
    call(duty, "UpdateHouseholdFacts", pb.UpdateHouseholdFactsRequest(name=home.name, etag=home.etag, facts={
        "income": cpb.Answer(status=cpb.ANSWER_STATUS_DECLINED, reason="Mother preferred not to say")}))
    shared = assessment(duty, ani).answers["income"]
    assert (shared.status, shared.value, shared.reason) == (cpb.ANSWER_STATUS_DECLINED, "",
                                                            "Mother preferred not to say")


def test_every_document_carries_the_pen_picture_and_key_case_summary(family):
    import json

    duty, (_ani, bryn, _cadi), home = family
    call(duty, "UpdateHouseholdFacts", pb.UpdateHouseholdFactsRequest(
        name=home.name, etag=home.etag, facts={"pen_picture": a("Three children and their mother, new to the area.")}))
    first = assessment(duty, bryn, key_case_summary="Housing is the main worry; mother engaging well.")
    first = call(duty, "EndDocument", pb.EndDocumentRequest(name=first.name, etag=first.etag,
                                                            state=pb.DOCUMENT_STATE_COMPLETED))
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=bryn.name, template_id="case-note", answers={
        "note_date": a("2026-11-03"), "note_type": a(NOTE_TYPE)}))
    note = call(duty, "EndDocument", pb.EndDocumentRequest(name=note.name, etag=note.etag,
                                                           state=pb.DOCUMENT_STATE_COMPLETED))
    carried = json.loads(note.snapshot_json)["carried"]
    assert carried["pen_picture"]["value"] == "Three children and their mother, new to the area."
    assert carried["pen_picture"]["from"] == home.name and carried["pen_picture"]["recorded_date"]
    summary = carried["key_case_summary"]
    assert (summary["value"], summary["from"]) == ("Housing is the main worry; mother engaging well.", first.name)
    assert date.fromisoformat(summary["recorded_date"]) <= date.today() + timedelta(days=1)

    # The child's record shows the same two, saying where each came from.
    story = call(duty, "GetCaseStory", pb.GetCaseStoryRequest(person=bryn.name))
    assert story.pen_picture.value == "Three children and their mother, new to the area."
    assert story.pen_picture.source == home.name and story.pen_picture.said_where.startswith("shared by the household")
    assert story.key_case_summary.value == "Housing is the main worry; mother engaging well."
    assert story.key_case_summary.said_where.startswith(f"from the {first.title} completed ")
    fresh = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="New", family_name="Tothearea", date_of_birth="2019-01-01", sex=pb.SEX_MALE)))
    untold = call(duty, "GetCaseStory", pb.GetCaseStoryRequest(person=fresh.name))
    assert not untold.HasField("pen_picture") and not untold.HasField("key_case_summary")
