"""Working days as SPEC §4 counts them, so every part of ICS agrees on a due date."""

from __future__ import annotations

import json
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.alerts import rules
from services.alerts.calendar import CalendarError, WorkingCalendar
from services.common.dates import add_months

ENGLAND = WorkingCalendar("england")


@pytest.mark.parametrize("start, n, due", [
    (date(2026, 11, 28), 1, date(2026, 11, 30)),   # Saturday referral: Monday
    (date(2026, 12, 24), 1, date(2026, 12, 29)),   # Christmas Day and the Boxing Day substitute
    (date(2026, 12, 14), 45, date(2027, 2, 18)),   # single assessment
    (date(2026, 12, 21), 15, date(2027, 1, 14)),   # initial CP conference
    (date(2026, 11, 27), 1, date(2026, 11, 30)),   # Friday: Monday
    (date(2026, 11, 26), 1, date(2026, 11, 27)),
])
def test_spec_examples(start, n, due):
    assert ENGLAND.add_working_days(start, n) == due


def test_council_closure_days_are_not_working_days():
    closed = WorkingCalendar("england", frozenset({date(2026, 11, 30)}))
    assert closed.add_working_days(date(2026, 11, 27), 1) == date(2026, 12, 1)


def test_wales_has_its_own_calendar():
    wales = WorkingCalendar("wales")
    assert wales.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert wales.name != ENGLAND.name


@pytest.mark.parametrize("start, months, due", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),
    (date(2026, 5, 15), 6, date(2026, 11, 15)),
    (date(2026, 10, 31), 14, date(2027, 12, 31)),
])
def test_months_land_on_the_same_day_or_the_months_last(start, months, due):
    assert add_months(start, months) == due


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@settings(max_examples=200, deadline=None)
@given(days, st.integers(min_value=1, max_value=60))
def test_due_is_a_working_day_exactly_n_working_days_later(start, n):
    due = ENGLAND.add_working_days(start, n)
    assert ENGLAND.is_working_day(due)
    assert due > start
    assert ENGLAND.working_days_between(start, due) == n
    assert ENGLAND.working_days_between(due, start) == -n


@settings(max_examples=100, deadline=None)
@given(days, st.integers(min_value=1, max_value=30))
def test_more_days_never_due_sooner(start, n):
    assert ENGLAND.add_working_days(start, n + 1) > ENGLAND.add_working_days(start, n)
    assert ENGLAND.add_working_days(start + timedelta(days=1), n) >= ENGLAND.add_working_days(start, n)


def test_the_gov_uk_snapshot_agrees_with_the_holidays_rules_where_both_speak():
    snapshot = ENGLAND.snapshot
    assert {2024, 2025, 2026, 2027} <= snapshot.years
    rules_days = holidays.country_holidays("GB", subdiv="ENG", years=sorted(snapshot.years))
    # gov.uk lists the days off; the package also names a holiday that falls on a weekend.
    assert snapshot.days == {d for d in rules_days if d.weekday() < 5}


def test_the_snapshot_wins_for_the_years_it_covers(tmp_path):
    # A one-off bank holiday proclaimed after the package was released (as the 2022 state funeral
    # and the 2023 coronation were): a council drops in gov.uk's newer file and it counts at once.
    events = [{"title": t, "date": d, "notes": "", "bunting": True}
              for t, d in (("Christmas Day", "2026-12-25"), ("Boxing Day", "2026-12-28"),
                           ("A proclaimed holiday", "2026-12-01"))]
    newer = tmp_path / "bank-holidays.json"
    newer.write_text(json.dumps({"england-and-wales": {"division": "england-and-wales", "events": events}}))
    council = WorkingCalendar("england", snapshot_file=str(newer))
    assert council.add_working_days(date(2026, 11, 30), 1) == date(2026, 12, 2)
    assert not council.is_working_day(date(2026, 12, 25))
    assert council.is_working_day(date(2026, 8, 31))      # the file lists 2026 only: it is the whole truth there
    assert not council.is_working_day(date(2031, 12, 25))  # beyond it, the holidays package's rules
    assert "bank-holidays.json" in council.name and "2026-2026" in council.name
    with pytest.raises(CalendarError, match="cannot read the bank holidays file"):
        WorkingCalendar("england", snapshot_file=str(tmp_path / "missing.json")).is_working_day(date(2026, 1, 1))
    (tmp_path / "page.json").write_text('{"scotland": {"events": []}}')
    with pytest.raises(CalendarError, match="not a gov.uk bank-holidays.json"):
        WorkingCalendar("england", snapshot_file=str(tmp_path / "page.json")).is_working_day(date(2026, 1, 1))


RULE = """
name = "test"
version = 3
nation = "england"
[rules.review]
title = "Review"
unit = "working_days"
amount = 20
subject = "person"
then = [{ unit = "months", amount = 3 }, { unit = "months", amount = 6 }]
start = [{ event = "care.started", date = "start_date" }]
repeat = [{ event = "document.ended", date = "statutory.ssda903.REVIEW|ended_date", where = { template_id = "looked-after-review", state = "completed" } }]
stop = [{ event = "care.ended" }]
"""


def test_recurring_rules_count_each_round_from_the_last():
    rule_set = rules.parse(RULE)
    review = rule_set.rules["review"]
    first = date(2026, 1, 5)
    assert review.due(first, ENGLAND) == ENGLAND.add_working_days(first, 20)
    assert review.due(date(2026, 2, 1), ENGLAND, 2, first) == date(2026, 5, 1)
    assert review.due(date(2026, 5, 1), ENGLAND, 3, first) == date(2026, 11, 1)
    assert review.due(date(2026, 11, 1), ENGLAND, 7, first) == date(2027, 5, 1)  # the last interval repeats
    assert review.describe() == "within 20 working days, then every 3 months, then every 6 months"
    assert rule_set.label == "test v3"


def test_visits_become_three_monthly_after_the_first_year():
    visit = rules.load("england-current").rules["statutory_visit"]
    placed = date(2026, 1, 5)
    assert visit.due(placed, ENGLAND) == date(2026, 1, 12)
    assert visit.due(date(2026, 6, 1), ENGLAND, 4, placed) == date(2026, 7, 13)
    assert visit.due(date(2027, 1, 10), ENGLAND, 9, placed) == date(2027, 4, 10)


def test_matchers_read_nested_payloads_fall_back_and_filter():
    rule_set = rules.parse(RULE)
    [(kind, _rule, matcher)] = rule_set.for_event("document.ended")
    held = {"template_id": "looked-after-review", "state": "completed", "ended_date": "2026-03-09",
            "statutory": {"ssda903.REVIEW": "2026-03-02"}}
    assert kind == "repeat" and matcher.matches("document.ended", held)
    assert matcher.date_in(held, date(2000, 1, 1)) == date(2026, 3, 2)
    assert matcher.date_in({**held, "statutory": {}}, date(2000, 1, 1)) == date(2026, 3, 9)
    assert not matcher.matches("document.ended", {**held, "state": "cancelled"})
    any_value = rules.Matcher("x", where=(("care_period", (rules.ANY,)),))
    assert any_value.matches("x", {"care_period": "care-periods/1"}) and not any_value.matches("x", {"care_period": ""})


def test_shipped_rule_sets_have_the_spec_clocks():
    current, ics2006, wales = (rules.load(n) for n in ("england-current", "england-2006", "wales"))
    common = {"referral_decision", "initial_cp_conference", "cp_review", "looked_after_review", "statutory_visit",
              "open_work", "break_glass_review"}
    assert set(current.rules) == common | {"single_assessment"}
    assert set(ics2006.rules) == common | {"initial_assessment", "core_assessment"}
    assert set(wales.rules) == set(current.rules) and wales.calendar.nation == "wales"
    assert current.rules["single_assessment"].describe() == "within 45 working days"
    assert all(r.to == "worker" for k, r in current.rules.items() if k != "break_glass_review")
    assert current.rules["break_glass_review"].to == "leaders"
    assert ics2006.rules["initial_assessment"].describe() == "within 7 working days"
    assert ics2006.rules["core_assessment"].describe() == "within 35 working days"
    assert current.rules["initial_cp_conference"].describe() == "within 15 working days"
    assert current.rules["cp_review"].describe() == "within 3 months, then every 6 months"
    assert current.rules["looked_after_review"].describe() == (
        "within 20 working days, then every 3 months, then every 6 months")
    assert current.rules["statutory_visit"].describe() == (
        "within 1 week, then every 6 weeks; after 365 days, every 3 months")


@pytest.mark.parametrize("text, fault", [
    ('name="x"\nversion=1\nnation="mars"\n', "nation"),
    ('name="x"\nnation="england"\n', "version"),
    ('name="x"\nversion=1\nnation="england"\n[rules.a]\ntitle="a"\nunit="fortnights"\namount=1\n'
     'start=[{event="e"}]\n', "unit"),
    ('name="x"\nversion=1\nnation="england"\n[rules.a]\ntitle="a"\nunit="weeks"\namount=1\n'
     'start=[{event="e"}]\nthen=[{unit="weeks", amount=2}]\n', "repeat"),
    ('name="x"\nversion=1\nnation="england"\n[rules.a]\ntitle="a"\nunit="weeks"\namount=1\n'
     'start=[{event="e"}]\nends_on="b"\n', "unknown keys"),
    ('name="x"\nversion=1\nnation="england"\n[rules.a]\ntitle="a"\nunit="weeks"\namount=1\n', "start"),
    ("name = ", "not valid TOML"),
])
def test_bad_rule_sets_are_explained(text, fault):
    with pytest.raises(rules.RuleSetError, match=fault):
        rules.parse(text)


def test_a_councils_own_rule_set_wins_and_unknown_names_are_listed(tmp_path):
    (tmp_path / "england-current.toml").write_text(RULE.replace('name = "test"', 'name = "england-current"'))
    assert set(rules.load("england-current", folder=tmp_path).rules) == {"review"}
    with pytest.raises(rules.RuleSetError, match="no rule set called 'mars'; known: england-2006"):
        rules.load("mars")


def test_every_shipped_event_says_which_date_it_counts_from():
    """Otherwise a clock would start or end on the day the event was recorded, not the day it happened."""
    for name in rules.shipped():
        for rule in rules.load(name).rules.values():
            for kind in rules.MATCHER_KINDS:
                for matcher in getattr(rule, kind):
                    assert matcher.date, (name, rule.key, kind, matcher.event)
