"""Front ends rebuild a template from GetTemplate's definition_json and walk its pathways with the
same code the records service checks answers with: every shipped template must come back equal."""

from __future__ import annotations

import json

import pytest

from services.records.documents import template_to_proto
from services.records.template_library import TemplateLibrary, from_definition

LIBRARY = TemplateLibrary.load()


@pytest.mark.parametrize("template", LIBRARY.latest(), ids=lambda t: t.name)
def test_definition_json_round_trips(template):
    rebuilt = from_definition(json.loads(template_to_proto(template).definition_json))
    assert rebuilt == template
    assert [q.id for _, qs in rebuilt.visible({}) for q in qs] == [q.id for _, qs in template.visible({}) for q in qs]
