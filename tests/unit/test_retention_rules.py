"""The shipped retention schedule, worked by hand: which rule a child's record falls under and
the day it may first be reviewed for disposal."""

from __future__ import annotations

from datetime import date

import pytest

from services.records.retention import Schedule, _Facts, keep_until, rule_for

SCHEDULE = Schedule.load()


@pytest.mark.parametrize("facts, rule, born, until", [
    (_Facts(), "other", date(2000, 5, 1), date(2025, 5, 1)),                                   # 25th birthday
    (_Facts(last_closed=date(2022, 1, 10)), "other", date(2000, 5, 1), date(2028, 1, 10)),    # 6 years after closing
    (_Facts(looked_after=True), "looked-after", date(2000, 2, 29), date(2075, 2, 28)),       # 75th; no 29 Feb 2075
    (_Facts(looked_after=True, placement_types={"A4"}), "adoption", date(2000, 1, 1), date(2100, 1, 1)),
    (_Facts(legal_statuses={"E1"}, last_closed=date(2005, 6, 1)), "adoption", date(2000, 1, 1), date(2105, 6, 1)),
    (_Facts(templates={"adoption-plan"}), "adoption", date(2010, 3, 3), date(2110, 3, 3)),
    (_Facts(templates={"child-protection-review"}, last_closed=date(2020, 1, 1)), "child-protection",
     date(2010, 3, 3), date(2036, 3, 3)),                                                      # 26th birthday later
    (_Facts(templates={"single-assessment"}), "other", date(2010, 3, 3), date(2035, 3, 3)),
])
def test_rule_and_keep_until_date(facts, rule, born, until):
    chosen = rule_for(SCHEDULE, facts)
    assert chosen.id == rule
    assert keep_until(chosen, born, facts) == until
