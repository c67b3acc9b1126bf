"""The alerts engine on the shipped rule sets: events in, clocks out, exactly as SPEC §4 counts;
replays and duplicates never make a second clock; chains of reviews and visits; stops."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ics.alerts.v1 import alerts_pb2 as pb
from services.alerts import engine, rules
from services.alerts.models import Base, Clock
from services.alerts.service import level

CURRENT = rules.load("england-current")
ICS_2006 = rules.load("england-2006")
CHILD = "people/7"


class Feed:
    def __init__(self, rule_set: rules.RuleSet):
        self.rule_set = rule_set
        db = create_engine("sqlite://")
        Base.metadata.create_all(db)
        self.session = Session(db)
        self.sequence = itertools.count(1)

    def send(self, type_: str, subject: str, on: str, person: str = CHILD, **payload) -> engine.FeedEvent:
        event = engine.FeedEvent(next(self.sequence), type_, subject, person, payload, date.fromisoformat(on))
        assert engine.apply_event(self.session, self.rule_set, event)
        self.session.flush()
        return event

    def clocks(self, rule: str | None = None) -> list[Clock]:
        query = select(Clock).order_by(Clock.id)
        if rule:
            query = query.where(Clock.rule == rule)
        return list(self.session.scalars(query))

    def states(self, rule: str) -> list[tuple]:
        return [(c.round, pb.ClockState.Name(c.state)[12:], c.start_date.isoformat(), c.due_date.isoformat(),
                 c.ended_date.isoformat() if c.ended_date else "") for c in self.clocks(rule)]


@pytest.fixture
def feed():
    return Feed(CURRENT)


def referred(feed: Feed, received: str = "2026-12-14", decision: str = "REFERRAL_DECISION_ASSESSMENT"):
    feed.send("referral.created", "referrals/1", received, referral="referrals/1", received_date=received,
              team="teams/1", person_display_name="Test Child", assignee="")
    feed.send("referral.decided", "referrals/1", received, referral="referrals/1", decided_date=received,
              decision=decision, received_date=received, episode="episodes/1", team="teams/1")


def test_single_assessment_is_counted_from_the_referral_and_met_on_authorisation(feed):
    referred(feed)
    assert feed.states("referral_decision") == [(1, "MET", "2026-12-14", "2026-12-15", "2026-12-14")]
    assert feed.states("single_assessment") == [(1, "OPEN", "2026-12-14", "2027-02-18", "")]
    [clock] = feed.clocks("single_assessment")
    assert (clock.subject, clock.rule_set_version, clock.counting, clock.team) == (
        "episodes/1", 3, "45 working days", "teams/1")
    assert "gov.uk snapshot" in clock.calendar
    feed.send("document.ended", "documents/3", "2027-02-19", template_id="single-assessment", state="completed",
              ended_date="2027-02-19", episode="episodes/1",
              statutory={"cin.AssessmentAuthorisationDate": "2027-02-18"})
    assert feed.states("single_assessment") == [(1, "MET", "2026-12-14", "2027-02-18", "2027-02-18")]


def test_an_assessment_migrated_from_a_past_return_meets_the_clock_on_its_authorisation(feed):
    """ics admin import cin: an authorised assessment from last year's census is not overdue today."""
    referred(feed)
    feed.send("document.ended", "documents/4", "2027-03-01", template_id="record-from-a-past-return",
              state="completed", ended_date="2027-03-01", episode="episodes/1", statutory={})
    assert feed.states("single_assessment")[0][1] == "OPEN"  # no authorisation in it: still open
    feed.send("document.ended", "documents/5", "2027-03-01", template_id="record-from-a-past-return",
              state="completed", ended_date="2027-03-01", episode="episodes/1",
              statutory={"cin.AssessmentAuthorisationDate": "2027-01-20"})
    assert feed.states("single_assessment") == [(1, "MET", "2026-12-14", "2027-02-18", "2027-01-20")]


def test_a_replayed_or_duplicate_event_changes_nothing(feed):
    referred(feed)
    before = feed.states("single_assessment")
    replay = engine.FeedEvent(2, "referral.decided", "referrals/1", CHILD,
                              {"decision": "REFERRAL_DECISION_ASSESSMENT", "received_date": "2026-12-14",
                               "episode": "episodes/1"}, date(2026, 12, 14))
    assert not engine.apply_event(feed.session, CURRENT, replay)
    # Even past the cursor, a second start for running work does not start a second clock.
    feed.send("referral.decided", "referrals/2", "2026-12-20", decision="REFERRAL_DECISION_ASSESSMENT",
              received_date="2026-12-20", episode="episodes/1")
    assert feed.states("single_assessment") == before


def test_work_that_ends_without_a_verdict_stops_and_a_re_referral_starts_again(feed):
    referred(feed, "2026-03-02")
    feed.send("episode.closed", "episodes/1", "2026-03-20", episode="episodes/1", closed_date="2026-03-20",
              reason="RC8")
    [stopped] = feed.clocks("single_assessment")
    assert (pb.ClockState.Name(stopped.state), stopped.end_reason) == ("CLOCK_STATE_STOPPED", "RC8")
    feed.send("referral.decided", "referrals/5", "2026-09-01", decision="REFERRAL_DECISION_STRATEGY_DISCUSSION",
              received_date="2026-09-01", episode="episodes/2")
    assert [(c.subject, c.state) for c in feed.clocks("single_assessment")] == [
        ("episodes/1", pb.CLOCK_STATE_STOPPED), ("episodes/2", pb.CLOCK_STATE_OPEN)]


def test_child_protection_from_strategy_discussion_to_reviews_and_the_plan_ending(feed):
    referred(feed, "2026-12-18", "REFERRAL_DECISION_STRATEGY_DISCUSSION")
    feed.send("document.ended", "documents/4", "2026-12-21", template_id="strategy-discussion", state="completed",
              episode="episodes/1", statutory={"cin.S47ActualStartDate": "2026-12-21"})
    assert feed.states("initial_cp_conference") == [(1, "OPEN", "2026-12-21", "2027-01-14", "")]
    feed.send("document.ended", "documents/5", "2027-01-13", template_id="initial-child-protection-conference-report",
              state="completed", episode="episodes/1",
              statutory={"cin.DateOfInitialCPC": "2027-01-13", "cin.CPPstartDate": "2027-01-13"})
    assert feed.states("initial_cp_conference") == [(1, "MET", "2026-12-21", "2027-01-14", "2027-01-13")]
    assert feed.states("cp_review") == [(1, "OPEN", "2027-01-13", "2027-04-13", "")]
    review = dict(template_id="child-protection-review", state="completed", episode="episodes/1")
    feed.send("document.ended", "documents/6", "2027-04-20", **review, statutory={"cin.CPPreviewDate": "2027-04-20"})
    feed.send("document.ended", "documents/7", "2027-09-01", **review,
              statutory={"cin.CPPreviewDate": "2027-09-01", "cin.CPPendDate": "2027-09-01"})
    assert feed.states("cp_review") == [
        (1, "MISSED", "2027-01-13", "2027-04-13", "2027-04-20"),   # a week late
        (2, "MET", "2027-04-20", "2027-10-20", "2027-09-01"),
        (3, "STOPPED", "2027-09-01", "2028-03-01", "2027-09-01"),  # the plan ended at that review
    ]


def test_an_s47_with_no_conference_needed_stops_the_conference_clock(feed):
    feed.send("document.ended", "documents/4", "2026-12-21", template_id="strategy-discussion", state="completed",
              episode="episodes/1", statutory={"cin.S47ActualStartDate": "2026-12-21"})
    feed.send("document.ended", "documents/8", "2026-12-30", template_id="outcome-of-s47-enquiries",
              state="completed", episode="episodes/1", answers={"icpc_not_required": "yes"})
    assert [s[1] for s in feed.states("initial_cp_conference")] == ["STOPPED"]


def test_looked_after_reviews_and_visits_follow_care_and_placements(feed):
    feed.send("care.started", "care-periods/1", "2026-01-05", start_date="2026-01-05", care_period="care-periods/1")
    assert feed.states("looked_after_review") == [(1, "OPEN", "2026-01-05", "2026-02-02", "")]
    lac_review = dict(template_id="looked-after-review", state="completed")
    feed.send("document.ended", "documents/9", "2026-01-30", **lac_review, statutory={"ssda903.REVIEW": "2026-01-30"})
    feed.send("document.ended", "documents/10", "2026-04-28", **lac_review, statutory={"ssda903.REVIEW": "2026-04-28"})
    assert feed.states("looked_after_review")[1:] == [(2, "MET", "2026-01-30", "2026-04-30", "2026-04-28"),
                                                      (3, "OPEN", "2026-04-28", "2026-10-28", "")]
    feed.send("placement.started", "placements/1", "2026-01-05", start_date="2026-01-05",
              care_period="care-periods/1")
    visit = dict(template_id="case-note", state="completed")
    feed.send("document.ended", "documents/11", "2026-01-09", **visit,
              answers={"note_type": "statutory_visit", "note_date": "2026-01-09"})
    feed.send("document.ended", "documents/12", "2026-01-20", **visit, answers={"note_type": "office"})
    feed.send("placement.started", "placements/2", "2026-02-10", start_date="2026-02-10",
              care_period="care-periods/1")
    assert feed.states("statutory_visit") == [
        (1, "MET", "2026-01-05", "2026-01-12", "2026-01-09"),
        (2, "STOPPED", "2026-01-09", "2026-02-20", "2026-02-10"),  # a new placement: a visit within a week
        (1, "OPEN", "2026-02-10", "2026-02-17", ""),
    ]
    feed.send("care.ended", "care-periods/1", "2026-03-01", end_date="2026-03-01")
    assert {c.state for c in feed.clocks() if c.rule in ("statutory_visit", "looked_after_review")} == {
        pb.CLOCK_STATE_MET, pb.CLOCK_STATE_STOPPED}


def test_private_fostering_starts_no_looked_after_visits(feed):
    feed.send("placement.started", "placements/3", "2026-01-05", start_date="2026-01-05", care_period="")
    assert feed.clocks("statutory_visit") == []


def test_allocation_gives_open_clocks_to_the_worker_and_activity_keeps_them_fresh(feed):
    referred(feed, "2026-03-02")
    [clock] = feed.clocks("single_assessment")
    assert clock.assignee == ""
    feed.send("allocation.started", "allocations/1", "2026-03-03", worker="users/4", team="teams/2")
    feed.session.refresh(clock)
    assert (clock.assignee, clock.team, clock.last_activity_date) == ("users/4", "teams/2", date(2026, 3, 3))
    # Due Thursday 2026-05-07 (45 working days, the May bank holiday not counted): due soon from two
    # working days before, overdue after it, stale once nothing is recorded for 10 working days.
    assert clock.due_date == date(2026, 5, 7)
    assert level(clock, CURRENT, date(2026, 5, 1)) == pb.ALERT_LEVEL_UNSPECIFIED
    assert level(clock, CURRENT, date(2026, 5, 5)) == pb.ALERT_LEVEL_DUE_SOON
    assert level(clock, CURRENT, date(2026, 5, 8)) == pb.ALERT_LEVEL_STALE
    feed.send("document.updated", "documents/3", "2026-05-08")
    feed.session.refresh(clock)
    assert level(clock, CURRENT, date(2026, 5, 8)) == pb.ALERT_LEVEL_OVERDUE


def test_a_pause_moves_the_due_date_by_the_working_days_it_stood():
    feed = Feed(CURRENT)
    referred(feed, "2026-03-02")
    [clock] = feed.clocks("single_assessment")
    clock.paused_since = date(2026, 3, 6)  # a Friday; resumed the Friday after: 5 working days
    assert engine.shifted_due(CURRENT, clock, date(2026, 3, 6), date(2026, 3, 13)) == \
        CURRENT.calendar.add_working_days(clock.due_date, 5)
    assert level(clock, CURRENT, date(2027, 1, 1)) == pb.ALERT_LEVEL_UNSPECIFIED  # paused: nobody is chased


def test_ics_2006_counts_initial_and_core_assessments():
    feed = Feed(ICS_2006)
    referred(feed, "2026-11-26")
    assert feed.states("initial_assessment") == [(1, "OPEN", "2026-11-26", "2026-12-07", "")]
    feed.send("document.created", "documents/2", "2026-12-01", template_id="core-assessment-5-to-10",
              start_date="2026-12-01", episode="episodes/1")
    feed.send("document.created", "documents/3", "2026-12-01", template_id="case-note", start_date="2026-12-01")
    assert feed.states("core_assessment") == [(1, "OPEN", "2026-12-01", "2027-01-22", "")]
    assert [c.subject for c in feed.clocks("open_work")] == ["documents/2", "documents/3"]
    feed.send("document.ended", "documents/2", "2027-01-25", template_id="core-assessment-5-to-10",
              state="completed", ended_date="2027-01-25")
    assert feed.states("core_assessment")[0][1] == "MISSED"


def test_ending_the_protection_plan_stops_its_reviews_and_closure_ends_the_allocation(feed):
    feed.send("allocation.started", "allocations/1", "2027-01-02", worker="users/4", team="teams/2")
    feed.send("document.ended", "documents/5", "2027-01-13", template_id="initial-child-protection-conference-report",
              state="completed", statutory={"cin.DateOfInitialCPC": "2027-01-13"})
    feed.send("plan.ended", "plans/2", "2027-03-01", kind="child_in_need", end_date="2027-03-01")
    assert [s[1] for s in feed.states("cp_review")] == ["OPEN"]  # another kind of plan: no effect
    feed.send("plan.ended", "plans/1", "2027-03-01", kind="child_protection", end_date="2027-03-01")
    assert [s[1] for s in feed.states("cp_review")] == ["STOPPED"]
    feed.send("allocation.ended", "allocations/1", "2027-03-02", worker="users/4", reason="case closed")
    feed.send("referral.created", "referrals/8", "2027-06-01", received_date="2027-06-01", team="teams/1")
    assert feed.clocks("referral_decision")[0].assignee == ""  # back with the team, not the old worker
