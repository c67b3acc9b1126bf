"""The shipped exemplars are complete: every statutory item a question must feed is fed, every ICS
exemplar is present under its exact title, and the age-banded exemplars cover childhood without gaps."""

from __future__ import annotations

import pytest

from services.records.statutory import question_items
from services.records.template_library import TemplateLibrary

LATEST = TemplateLibrary.load().latest()

BANDS = ("pre-birth to 12 months", "1 to 2 years", "3 to 4 years", "5 to 10 years", "11 to 15 years", "16 years and over")

EXEMPLAR_TITLES = {
    "Contact Record",
    "Referral and Information Record",
    "Initial Assessment",
    *(f"Core Assessment ({band})" for band in BANDS),
    "Single Assessment",
    "Strategy Discussion",
    "Outcome of s47 Enquiries",
    "Initial Child Protection Conference Report",
    "Child or Young Person's Plan",
    "Care Plan",
    "Pathway Plan",
    "Adoption Plan",
    "Placement Information Record",
    *(f"Assessment and Progress Record ({band})" for band in BANDS),
    "Child in Need Review",
    "Child Protection Review",
    "Looked After Review",
    "Closure Record",
    "Case Note",
    "Supervision Record",
}

# ICS's own templates beside the exemplars: the record a migrated return's items are kept in.
ICS_OWN_TITLES = {"Record from a Past Statutory Return"}

# Age bands are half-open month ranges [from_months, to_months); an unborn child belongs to the band
# that starts at 0 months, and the last band must reach the 18th birthday (216 months).
EIGHTEENTH_BIRTHDAY = 216


def test_every_statutory_question_item_is_fed_by_a_latest_template():
    fed = {feed for template in LATEST for question in template.questions() for feed in question.statutory}
    missing = sorted(question_items() - fed)
    assert not missing, "statutory items no question feeds: " + ", ".join(f"{r}/{i}" for r, i in missing)


def test_the_latest_templates_are_exactly_the_ics_exemplars():
    titles = [template.title for template in LATEST]
    assert len(titles) == len(set(titles)), "two templates share a title"
    assert len(EXEMPLAR_TITLES) == 30
    expected = EXEMPLAR_TITLES | ICS_OWN_TITLES
    assert set(titles) == expected, (
        f"missing: {sorted(expected - set(titles))}; unexpected: {sorted(set(titles) - expected)}")


@pytest.mark.parametrize("family", ["Core Assessment", "Assessment and Progress Record"])
def test_age_bands_cover_childhood_without_gaps_or_overlaps(family):
    banded = sorted((t for t in LATEST if t.title.startswith(family + " (")), key=lambda t: t.age_band or (0, 0))
    assert [t.title for t in banded] == [f"{family} ({band})" for band in BANDS]
    assert all(t.age_band and t.age_band[0] < t.age_band[1] for t in banded), "every band needs from < to"
    assert banded[0].age_band[0] == 0, "the first band must start at 0 months (pre-birth)"
    for earlier, later in zip(banded, banded[1:]):
        assert earlier.age_band[1] == later.age_band[0], f"gap or overlap between {earlier.title} and {later.title}"
    assert banded[-1].age_band[1] >= EIGHTEENTH_BIRTHDAY


@pytest.mark.parametrize("template", LATEST, ids=lambda t: t.name)
def test_pathways_name_answers_the_question_can_have(template):
    """A show_if on a yes/no or choice question must name a value a worker can actually give."""
    conditions = [s.show_if for s in template.sections if s.show_if]
    conditions += [q.show_if for q in template.questions() if q.show_if]
    for condition in conditions:
        if condition.answered is not None:
            continue
        asked = template.question(condition.question)
        wanted = set(condition.among) if condition.among else {condition.equals}
        if asked.type == "yes_no":
            assert wanted <= {"yes", "no"}, f"{condition.question}: yes/no answers are 'yes' or 'no', not {wanted}"
        elif asked.type in ("choice", "multi_choice"):
            assert wanted <= {v for v, _ in asked.choices}, f"{condition.question}: {wanted} is not among its choices"
