"""R-OUTCOMES: outcomes are changes for the child; actions change any day with history kept;
outcomes change only at reviews, which record progress the child's record shows over time."""

from __future__ import annotations

import uuid

import pytest

from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import call


@pytest.fixture
def child(client_factory):
    duty = client_factory("duty")
    person = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Ava", family_name=f"Plan{uuid.uuid4().hex[:6]}", date_of_birth="2014-06-06", sex=pb.SEX_FEMALE)))
    return duty, person


def school_outcome() -> pb.NewOutcome:
    return pb.NewOutcome(text="Ava goes to school every day and arrives on time", actions=[
        pb.PlanAction(who="Mum", what="Walk Ava to school each morning", by_when="2026-12-18"),
        pb.PlanAction(who="School", what="Ring Mum by 9:30 if Ava is not in", by_when="2026-12-01")])


def test_activities_and_ongoing_are_not_outcomes(child):
    duty, person = child
    with pytest.raises(ServiceError) as exc:
        call(duty, "CreatePlan", pb.CreatePlanRequest(person=person.name, kind="child_in_need", outcomes=[
            pb.NewOutcome(text="Ongoing", actions=[pb.PlanAction(who="SW", what="Visit", by_when="2026-12-01")]),
            pb.NewOutcome(text="Attend school", actions=[]),
        ]))
    violations = exc.value.violations
    assert "change for the child" in violations["outcomes[0].text"] and "outcomes[1].text" in violations
    assert "outcomes[1].actions" in violations


def test_a_living_plan_reviewed_over_time(child):
    duty, person = child
    plan = call(duty, "CreatePlan", pb.CreatePlanRequest(person=person.name, kind="child_in_need", start_date="2026-09-01",
                                                         outcomes=[school_outcome()]))
    outcome = plan.outcomes[0]
    action = outcome.actions[1]
    # Day-to-day change without re-creating the plan; the old version is kept.
    plan = call(duty, "UpdateAction", pb.UpdateActionRequest(plan=plan.name, action=pb.PlanAction(
        name=action.name, etag=action.etag, who="School attendance officer", what=action.what, by_when=action.by_when)))
    changed = next(a for a in plan.outcomes[0].actions if a.name == action.name)
    assert changed.who == "School attendance officer"
    assert [h.who for h in changed.history] == ["School", "School attendance officer"]
    with pytest.raises(ServiceError) as exc:
        call(duty, "UpdateAction", pb.UpdateActionRequest(plan=plan.name, action=pb.PlanAction(
            name=action.name, etag=action.etag, who="x", what="y", by_when="2026-12-01")))
    assert exc.value.code == "ABORTED"

    # A review must say how far every outcome has come.
    with pytest.raises(ServiceError) as exc:
        call(duty, "RecordReview", pb.RecordReviewRequest(plan=plan.name, etag=plan.etag, review_date="2026-10-01"))
    assert f"progress.{outcome.name}" in exc.value.violations
    plan = call(duty, "RecordReview", pb.RecordReviewRequest(
        plan=plan.name, etag=plan.etag, review_date="2026-10-01",
        progress=[pb.OutcomeReview(outcome=outcome.name, progress=pb.PROGRESS_PARTLY, note="Late twice a week")],
        new_outcomes=[pb.NewOutcome(text="Ava feels safe at home and says so", actions=[
            pb.PlanAction(who="Social worker", what="See Ava alone every visit", by_when="2026-11-30")])]))
    assert [o.text for o in plan.outcomes if o.current][-1] == "Ava feels safe at home and says so"
    safe = plan.outcomes[-1]
    plan = call(duty, "RecordReview", pb.RecordReviewRequest(
        plan=plan.name, etag=plan.etag, review_date="2026-11-20", retire_outcomes=[outcome.name],
        progress=[pb.OutcomeReview(outcome=outcome.name, progress=pb.PROGRESS_ACHIEVED),
                  pb.OutcomeReview(outcome=safe.name, progress=pb.PROGRESS_NOT_YET)]))
    assert not next(o for o in plan.outcomes if o.name == outcome.name).current
    assert plan.reviews == 2

    timeline = call(duty, "GetOutcomeProgress", pb.GetOutcomeProgressRequest(person=person.name)).entries
    assert [(e.review_date, e.outcome_text.split()[1], e.progress) for e in timeline] == [
        ("2026-10-01", "goes", pb.PROGRESS_PARTLY),
        ("2026-11-20", "goes", pb.PROGRESS_ACHIEVED),
        ("2026-11-20", "feels", pb.PROGRESS_NOT_YET)]


def test_a_plan_ends_with_a_reason_and_then_takes_no_more_changes(child):
    duty, person = child
    plan = call(duty, "CreatePlan", pb.CreatePlanRequest(person=person.name, kind="child_protection",
                                                         start_date="2026-09-01", outcomes=[school_outcome()]))
    with pytest.raises(ServiceError) as exc:
        call(duty, "EndPlan", pb.EndPlanRequest(name=plan.name, etag=plan.etag))
    assert exc.value.code == "INVALID_ARGUMENT" and "reason" in exc.value.violations
    with pytest.raises(ServiceError) as exc:
        call(duty, "EndPlan", pb.EndPlanRequest(name=plan.name, etag=plan.etag, reason="x", end_date="2026-08-01"))
    assert exc.value.code == "INVALID_ARGUMENT" and "2026-09-01" in exc.value.message
    ended = call(duty, "EndPlan", pb.EndPlanRequest(name=plan.name, etag=plan.etag, end_date="2026-11-20",
                                                    reason="Conference agreed Ava is no longer at risk"))
    assert (ended.end_date, ended.end_reason) == ("2026-11-20", "Conference agreed Ava is no longer at risk")
    action = ended.outcomes[0].actions[0]
    for attempt in (
            lambda: call(duty, "EndPlan", pb.EndPlanRequest(name=plan.name, etag=ended.etag, reason="again")),
            lambda: call(duty, "UpdateAction", pb.UpdateActionRequest(plan=plan.name, action=pb.PlanAction(
                name=action.name, etag=action.etag, who=action.who, what=action.what, by_when=action.by_when,
                done=True))),
            lambda: call(duty, "RecordReview", pb.RecordReviewRequest(plan=plan.name, etag=ended.etag, progress=[
                pb.OutcomeReview(outcome=ended.outcomes[0].name, progress=pb.PROGRESS_ACHIEVED)]))):
        with pytest.raises(ServiceError) as exc:
            attempt()
        assert exc.value.code == "FAILED_PRECONDITION" and "ended on 2026-11-20" in exc.value.message
    assert call(duty, "GetPlan", pb.GetPlanRequest(name=plan.name)) == ended
    story = call(duty, "GetChronology", pb.GetChronologyRequest(person=person.name, significant_only=True)).entries
    assert ("2026-11-20", "Child protection plan ended") in [(e.date, e.title) for e in story]
