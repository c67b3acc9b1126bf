"""Working days as SPEC §4 counts them, so every part of ICS agrees on a due date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.alerts import rules
from services.alerts.calendar import WorkingCalendar
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


def test_shipped_rule_sets_load_and_bad_ones_are_explained():
    for name in ("england-current", "england-2006", "wales"):
        assert "referral_decision" in rules.load(name).rules
    with pytest.raises(rules.RuleSetError, match="no rule set called"):
        rules.load("mars")
    with pytest.raises(rules.RuleSetError, match="unit"):
        rules.parse('name="x"\nnation="england"\n[rules.a]\ntitle="a"\nstarts_on="a"\nstart_date_field="d"\n'
                    'ends_on="b"\nend_date_field="d"\nunit="fortnights"\namount=1\n')
