"""Every shipped rule's due dates, worked out by hand from the published bank holidays (not by the
library that counts them), on the English and the Welsh calendar: Christmas and New Year, Easter,
substitute days, the one-off holidays of 2022-09-19 (the State Funeral) and 2023-05-08 (the
Coronation), and starts on weekends. Working days never count the start day (SPEC §4); months land
on the same day or the month's last; weeks count calendar days."""

from __future__ import annotations

from datetime import date

import pytest

from services.alerts import rules

D = date.fromisoformat
# (rule set, rule, start, round, first start of the chain, due), each checked against a calendar.
CASES = [
    # Referral decision: 1 working day.
    ("england-current", "referral_decision", "2026-11-28", 1, None, "2026-11-30"),  # Saturday -> Monday
    ("england-current", "referral_decision", "2026-12-24", 1, None, "2026-12-29"),  # Christmas, Boxing Day moved
    ("england-current", "referral_decision", "2022-09-16", 1, None, "2022-09-20"),  # the State Funeral
    ("england-current", "referral_decision", "2023-05-05", 1, None, "2023-05-09"),  # the Coronation
    ("england-current", "referral_decision", "2025-04-17", 1, None, "2025-04-22"),  # Good Friday, Easter Monday
    ("england-current", "referral_decision", "2022-12-23", 1, None, "2022-12-28"),  # Christmas moved to the 27th
    ("england-current", "referral_decision", "2023-01-01", 1, None, "2023-01-03"),  # Sunday; New Year moved
    # Single assessment: 45 working days from the referral.
    ("england-current", "single_assessment", "2026-12-14", 1, None, "2027-02-18"),
    ("england-current", "single_assessment", "2025-03-31", 1, None, "2025-06-06"),  # Easter, two May holidays
    # ICS 2006: initial assessment 7 working days; core assessment 35 working days from its start.
    ("england-2006", "initial_assessment", "2026-12-24", 1, None, "2027-01-07"),
    ("england-2006", "initial_assessment", "2023-04-08", 1, None, "2023-04-19"),   # Easter Saturday
    ("england-2006", "core_assessment", "2022-08-22", 1, None, "2022-10-12"),      # August and the State Funeral
    # Initial child protection conference: 15 working days from the strategy discussion.
    ("england-current", "initial_cp_conference", "2026-12-21", 1, None, "2027-01-14"),
    ("england-current", "initial_cp_conference", "2023-04-28", 1, None, "2023-05-23"),  # two May holidays
    # Child protection reviews: 3 months after the conference, then 6 months after each review.
    ("england-current", "cp_review", "2026-11-30", 1, None, "2027-02-28"),        # no 30 February: its last day
    ("england-current", "cp_review", "2027-02-20", 2, "2026-11-30", "2027-08-20"),
    ("england-current", "cp_review", "2027-08-31", 1, None, "2027-11-30"),
    ("england-current", "cp_review", "2028-08-31", 3, "2027-08-31", "2029-02-28"),
    # Looked-after reviews: 20 working days, then 3 months, then every 6 months.
    ("england-current", "looked_after_review", "2026-12-07", 1, None, "2027-01-07"),
    ("england-current", "looked_after_review", "2027-01-05", 2, "2026-12-07", "2027-04-05"),
    ("england-current", "looked_after_review", "2027-04-01", 3, "2026-12-07", "2027-10-01"),
    ("england-current", "looked_after_review", "2027-10-01", 4, "2026-12-07", "2028-04-01"),
    # Statutory visits: a week after placement, every 6 weeks in its first year, then 3 months.
    ("england-current", "statutory_visit", "2026-12-26", 1, None, "2027-01-02"),   # calendar days, holidays too
    ("england-current", "statutory_visit", "2027-01-02", 2, "2026-12-26", "2027-02-13"),
    ("england-current", "statutory_visit", "2027-01-04", 9, "2026-01-05", "2027-02-15"),  # 364 days in: 6 weeks
    ("england-current", "statutory_visit", "2027-01-05", 9, "2026-01-05", "2027-04-05"),  # a year in: 3 months
    # Work open with no end: 40 working days.
    ("england-current", "open_work", "2024-12-02", 1, None, "2025-01-30"),
    # An emergency access is reviewed within 2 working days: Friday before a bank holiday Monday.
    ("england-current", "break_glass_review", "2026-08-28", 1, None, "2026-09-02"),
]


@pytest.mark.parametrize("nation_set", ["england", "wales"])
@pytest.mark.parametrize("rule_set_name, rule, start, round_number, chain_start, due", CASES)
def test_due_dates_worked_out_by_hand(nation_set, rule_set_name, rule, start, round_number, chain_start, due):
    # Wales counts with its own calendar and rule set; today its bank holidays are England's.
    name = "wales" if nation_set == "wales" and rule_set_name == "england-current" else rule_set_name
    rule_set = rules.load(name)
    if nation_set == "wales" and name != "wales":
        rule_set = rules.RuleSet(rule_set.name, rule_set.version, rule_set.title,
                                 type(rule_set.calendar)("wales"), rule_set.rules)
    assert rule_set.calendar.nation == nation_set
    counted = rule_set.rules[rule].due(D(start), rule_set.calendar, round_number, D(chain_start or start))
    assert counted == D(due)


def test_every_shipped_rule_has_a_hand_worked_case():
    covered = {(name, rule) for name, rule, *_ in CASES}
    for name in rules.shipped():
        for rule in rules.load(name).rules:
            assert (name, rule) in covered or ("england-current", rule) in covered, (name, rule)
