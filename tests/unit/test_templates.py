"""The exemplars are data: every shipped template loads, is complete, and feeds the returns."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from services.records.template_library import DOMAINS, TemplateError, TemplateLibrary

LIBRARY = TemplateLibrary.load()
TEMPLATES = LIBRARY.latest()


def test_templates_load():
    assert TEMPLATES and len(LIBRARY) >= len(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_each_template_has_a_small_mandatory_set_and_family_wording(template):
    assert 1 <= len(template.mandatory) <= 8, "only the few identifying fields may be mandatory"
    assert template.family_title["en"] and template.family_title["cy"]
    assert all(q.family_label["cy"] for q in template.questions())
    if template.kind == "assessment":
        assert set(DOMAINS) <= template.domains


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.name)
def test_short_version_keeps_the_mandatory_questions(template):
    everything = {q.id for _, qs in template.visible({}, short=False) for q in qs}
    short = {q.id for _, qs in template.visible({}, short=True) for q in qs}
    assert short <= everything
    unconditional = {q for q in template.mandatory if not template.question(q).show_if}
    assert unconditional <= short


def test_pathways_show_sections_only_when_they_apply():
    contact = LIBRARY.get("contact-record")
    hidden = {q.id for _, qs in contact.visible({"outcome": "referral"}) for q in qs}
    shown = {q.id for _, qs in contact.visible({"outcome": "advice"}) for q in qs}
    assert "advice_given" not in hidden and "advice_given" in shown


def test_a_council_edit_with_a_mistake_is_refused_plainly(tmp_path):
    root = Path(str(Path(__file__).resolve().parents[2] / "services" / "records" / "templates"))
    shutil.copytree(root / "contact-record", tmp_path / "contact-record")
    broken = (tmp_path / "contact-record" / "v1.yaml").read_text().replace("type: date", "type: datetime", 1)
    (tmp_path / "contact-record" / "v2.yaml").write_text(broken.replace("version: 1", "version: 2"))
    with pytest.raises(TemplateError, match=r"v2.yaml: question date_of_birth: type 'datetime'"):
        TemplateLibrary.load(tmp_path)


def test_a_reworded_question_is_a_new_version_beside_the_old(tmp_path):
    root = Path(__file__).resolve().parents[2] / "services" / "records" / "templates"
    shutil.copytree(root / "contact-record", tmp_path / "contact-record")
    text = (tmp_path / "contact-record" / "v1.yaml").read_text()
    (tmp_path / "contact-record" / "v2.yaml").write_text(
        text.replace("version: 1", "version: 2").replace("label: Date of contact", "label: Date we were contacted"))
    library = TemplateLibrary.load(tmp_path)
    assert library.get("contact-record", 1).question("contact_date").label == "Date of contact"
    assert library.get("contact-record").question("contact_date").label == "Date we were contacted"
