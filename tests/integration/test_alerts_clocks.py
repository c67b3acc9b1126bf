"""The alerts service as the team's memory of every statutory clock, on running services: clocks
follow the case through records events, go to the allocated worker, pause and extend with a
reason the team leader sees, are pushed without polling, are counted honestly for timeliness,
and are shown only to people who may see the child."""

from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import date, timedelta

import grpc
import pytest

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as pb
from services.alerts.calendar import WorkingCalendar
from services.common.dates import today_london
from services.records.generate import plausible_answers
from services.records.template_library import TemplateLibrary
from tests.helpers import call, wait_for
from tui.core.errors import ServiceError

ENGLAND = WorkingCalendar()
SINGLE = "single_assessment"


def alerts(client, method: str, request):
    return call(client, method, request, service="alerts")


def clock_of(client, person: str, rule: str, state: int = apb.CLOCK_STATE_OPEN) -> apb.Clock | None:
    found = alerts(client, "ListPersonClocks", apb.ListPersonClocksRequest(person=person, include_ended=True)).clocks
    return next((c for c in found if c.rule == rule and c.state == state), None)


def referred_and_allocated(duty, leader, worker, received: str, allocate_first: bool = False) -> str:
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Clock", family_name=f"Child{uuid.uuid4().hex[:8]}",
                             date_of_birth="2015-05-05", sex=pb.SEX_FEMALE),
        received_date=received, source=pb.CONTACT_SOURCE_SCHOOL, reason="School worried",
        confirmed_not_duplicate=True))

    def decide():
        call(duty, "DecideReferral", pb.DecideReferralRequest(
            name=reply.referral.name, decision=pb.REFERRAL_DECISION_ASSESSMENT, reason="Assess",
            decided_date=received))

    def allocate():
        call(leader, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
            person=reply.person.name, worker=worker.session.user.name, worker_display_name="Wes Worker",
            team="teams/2", reason="Assessment")))

    for step in ((allocate, decide) if allocate_first else (decide, allocate)):
        step()
    return reply.person.name


@pytest.fixture(scope="module")
def team(sessions):
    return {name: sessions(name) for name in ("duty", "duty2", "leader", "worker", "worker2", "manager")}


def test_a_clock_follows_the_case_to_the_allocated_worker_and_is_met(team):
    duty, leader, worker = team["duty"], team["leader"], team["worker"]
    received = (today_london() - timedelta(days=20)).isoformat()
    child = referred_and_allocated(duty, leader, worker, received)
    clock = wait_for(lambda: (c := clock_of(worker, child, SINGLE)) and c.assignee and c)
    due = ENGLAND.add_working_days(date.fromisoformat(received), 45)
    assert (clock.due_date, clock.assignee, clock.team) == (due.isoformat(), worker.session.user.name, "teams/2")
    assert (clock.counting, clock.rule_set, clock.rule_set_version) == ("45 working days", "england-current", 3)
    assert "gov.uk snapshot" in clock.calendar and clock.start_event == "referral.decided"
    assert clock.name in {c.name for c in alerts(worker, "ListMyAlerts", apb.ListMyAlertsRequest()).clocks}

    library = TemplateLibrary.load()
    answers = plausible_answers(library.get("single-assessment"), {"decision": "cin_plan"}, today_london(),
                                random.Random(1))
    doc = call(worker, "CreateDocument", pb.CreateDocumentRequest(person=child, template_id="single-assessment",
                                                                  answers=answers))
    call(worker, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag, state=pb.DOCUMENT_STATE_COMPLETED))
    met = wait_for(lambda: clock_of(worker, child, SINGLE, apb.CLOCK_STATE_MET))
    assert met.ended_by_event == "document.ended" and met.ended_date <= met.due_date


def test_a_child_the_caller_may_not_see_has_no_clocks_for_them(team):
    duty, leader, worker = team["duty"], team["leader"], team["worker"]
    child = referred_and_allocated(duty, leader, worker, today_london().isoformat())
    wait_for(lambda: clock_of(worker, child, SINGLE))
    with pytest.raises(ServiceError) as exc:  # another team's worker: exactly as if no such child
        alerts(team["worker2"], "ListPersonClocks", apb.ListPersonClocksRequest(person=child))
    assert exc.value.code == "NOT_FOUND"
    clock = clock_of(worker, child, SINGLE)
    with pytest.raises(ServiceError) as exc:
        alerts(team["worker2"], "PauseClock", apb.ChangeClockRequest(name=clock.name, etag=clock.etag, reason="x"))
    assert exc.value.code == "NOT_FOUND"


def test_pauses_and_extensions_keep_the_original_due_date_and_the_team_leader_sees_why(team):
    duty, leader, worker = team["duty"], team["leader"], team["worker"]
    child = referred_and_allocated(duty, leader, worker, today_london().isoformat())
    clock = wait_for(lambda: (c := clock_of(worker, child, SINGLE)) and c.assignee and c)
    first_due = clock.due_date

    with pytest.raises(ServiceError) as exc:
        alerts(worker, "PauseClock", apb.ChangeClockRequest(name=clock.name, etag=clock.etag))
    assert exc.value.code == "INVALID_ARGUMENT" and "reason" in exc.value.violations
    paused = alerts(worker, "PauseClock", apb.ChangeClockRequest(
        name=clock.name, etag=clock.etag, reason="Child in hospital; the family asked us to wait"))
    assert paused.paused and paused.level == apb.ALERT_LEVEL_UNSPECIFIED and not paused.overdue
    with pytest.raises(ServiceError) as exc:
        alerts(worker, "PauseClock", apb.ChangeClockRequest(name=clock.name, etag=paused.etag, reason="again"))
    assert exc.value.code == "FAILED_PRECONDITION" and "paused since" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        alerts(worker, "ResumeClock", apb.ChangeClockRequest(name=clock.name, etag=clock.etag))
    assert exc.value.code == "ABORTED"
    resumed = alerts(worker, "ResumeClock", apb.ChangeClockRequest(name=clock.name, etag=paused.etag))
    assert not resumed.paused and resumed.due_date == first_due  # resumed the same day: nothing lost

    later = (date.fromisoformat(first_due) + timedelta(days=14)).isoformat()
    with pytest.raises(ServiceError) as exc:
        alerts(worker, "ExtendClock", apb.ChangeClockRequest(name=clock.name, etag=resumed.etag, new_due_date=later))
    assert exc.value.code == "INVALID_ARGUMENT" and "reason" in exc.value.violations
    extended = alerts(worker, "ExtendClock", apb.ChangeClockRequest(
        name=clock.name, etag=resumed.etag, new_due_date=later, reason="Interpreter only available later"))
    assert (extended.due_date, extended.original_due_date) == (later, first_due)

    changes = alerts(leader, "ListClockChanges", apb.ListClockChangesRequest(team="teams/2")).changes
    ours = [c for c in changes if c.clock == clock.name]
    assert [(c.kind, c.reason, c.by) for c in ours] == [
        ("extend", "Interpreter only available later", "Wes Worker"), ("resume", "", "Wes Worker"),
        ("pause", "Child in hospital; the family asked us to wait", "Wes Worker")]
    with pytest.raises(ServiceError) as exc:  # a worker is not shown the team's changes
        alerts(worker, "ListClockChanges", apb.ListClockChangesRequest(team="teams/2"))
    assert exc.value.code == "PERMISSION_DENIED"


def test_overdue_work_escalates_to_the_team_leader_and_timeliness_counts_open_cases(team):
    duty, leader, worker = team["duty"], team["leader"], team["worker"]
    late = referred_and_allocated(duty, leader, worker, (today_london() - timedelta(days=120)).isoformat())
    clock = wait_for(lambda: (c := clock_of(worker, late, SINGLE)) and c.assignee and c)
    assert clock.overdue and clock.level == apb.ALERT_LEVEL_OVERDUE and clock.working_days_left < 0
    escalated = alerts(leader, "ListTeamClocks", apb.ListTeamClocksRequest(team="teams/2", escalated_only=True))
    assert clock.name in {c.name for c in escalated.clocks}
    counts = alerts(leader, "ListOverdue", apb.ListOverdueRequest(team="teams/2")).counts
    mine = next(c for c in counts if c.worker == worker.session.user.name and c.rule == SINGLE)
    assert mine.overdue >= 1
    with pytest.raises(ServiceError) as exc:
        alerts(worker, "ListOverdue", apb.ListOverdueRequest())
    assert exc.value.code == "PERMISSION_DENIED"

    whole_year = apb.GetTimelinessRequest(rule=SINGLE, from_date="2020-01-01", to_date="2030-12-31", team="teams/2")
    figures = alerts(leader, "GetTimeliness", whole_year)
    [total] = [r for r in figures.rows if r.worker == ""]
    counted = total.met + total.missed + total.open_overdue
    assert total.open_overdue >= 1 and counted > 0  # the open, late case is counted, not dropped
    assert total.share_met == pytest.approx(total.met / counted)
    assert sum(r.open_overdue for r in figures.rows if r.worker) == total.open_overdue
    assert figures.rule_set == "england-current v3"


def test_new_alerts_are_pushed_without_polling(team):
    duty, leader, worker = team["duty"], team["leader"], team["worker"]
    stream = worker.alerts.WatchMyAlerts(apb.WatchMyAlertsRequest(), timeout=30,
                                         metadata=(("authorization", f"Bearer {worker.session.token}"),))
    updates: list[apb.AlertUpdate] = []

    def read():
        try:
            updates.extend(stream)
        except grpc.RpcError:
            pass  # cancelled at the end of the test

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_for(lambda: updates)
        assert updates[0].initial
        child = referred_and_allocated(duty, leader, worker, today_london().isoformat())
        pushed = wait_for(lambda: next((c for u in updates[1:] for c in u.clocks if c.person == child), None), 20)
        assert pushed.rule == SINGLE and pushed.state == apb.CLOCK_STATE_OPEN
        # Reallocated to a colleague: the stream says so once, so the worker's list can drop it.
        duty2 = team["duty2"]
        call(leader, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
            person=child, worker=duty2.session.user.name, worker_display_name="Priya Patel", team="teams/1")))
        gone = wait_for(lambda: next((c for u in updates[1:] for c in u.clocks
                                      if c.name == pushed.name and c.assignee != worker.session.user.name), None), 20)
        assert gone.assignee == duty2.session.user.name
    finally:
        stream.cancel()
        reader.join(5)


def test_the_rule_set_explains_itself_and_due_dates_agree_everywhere(team):
    described = alerts(team["duty"], "GetRuleSet", apb.GetRuleSetRequest())
    assert (described.name, described.version) == ("england-current", 3)
    rules = {r.rule: r for r in described.rules}
    assert rules["looked_after_review"].counting == "within 20 working days, then every 3 months, then every 6 months"
    assert list(rules["statutory_visit"].starts_on) == ["placement.started"]
    assert list(rules[SINGLE].stopped_by) == ["document.ended", "episode.closed"]
    due = alerts(team["duty"], "ComputeDueDate", apb.ComputeDueDateRequest(
        rule_set="england-2006", rule="initial_assessment", start_date="2026-12-24"))
    assert due.due_date == "2027-01-07"  # 7 working days, Christmas and the substitute days left out
