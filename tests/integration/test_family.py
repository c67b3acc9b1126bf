"""R-FAMILY: family sections are entered once and copied to brothers and sisters; each child's
own sections are never copied."""

from __future__ import annotations

import uuid

import pytest

from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import a, call


def test_family_answers_are_copied_to_siblings_and_the_childs_own_are_not(client_factory):
    duty = client_factory("duty")
    family = f"Sibs{uuid.uuid4().hex[:6]}"
    kids = [call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name=g, family_name=family, date_of_birth=d, sex=pb.SEX_FEMALE), confirmed_not_duplicate=True))
        for g, d in (("Ela", "2013-01-01"), ("Fay", "2016-01-01"), ("Gia", "2018-01-01"))]
    call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=kids[0].name, other=kids[1].name, type_code="sibling")))

    template = call(duty, "GetTemplate", pb.GetTemplateRequest(template_id="single-assessment"))
    import json

    definition = json.loads(template.definition_json)
    by_domain = {s["domain"]: s["questions"][0]["id"] for s in definition["sections"] if s["domain"]}
    family_q, own_q = by_domain["family_and_environmental_factors"], by_domain["child_developmental_needs"]
    source = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=kids[0].name, template_id="single-assessment",
        answers={"pen_picture": a("Three sisters living with their mother"), family_q: a("Overcrowded flat"),
                 own_q: a("Ela is doing well at school")}))

    [copy] = call(duty, "CopyDocumentToSiblings", pb.CopyDocumentToSiblingsRequest(
        name=source.name, siblings=[kids[1].name])).documents
    assert copy.person == kids[1].name and copy.template_version == source.template_version
    assert copy.answers["pen_picture"].value == "Three sisters living with their mother"
    assert copy.answers[family_q].value == "Overcrowded flat"
    assert own_q not in copy.answers

    with pytest.raises(ServiceError) as exc:  # Gia is not recorded as their sister yet
        call(duty, "CopyDocumentToSiblings", pb.CopyDocumentToSiblingsRequest(name=source.name, siblings=[kids[2].name]))
    assert exc.value.code == "FAILED_PRECONDITION" and "brother or sister" in exc.value.message
    with pytest.raises(ServiceError) as exc:  # and Fay already has hers
        call(duty, "CopyDocumentToSiblings", pb.CopyDocumentToSiblingsRequest(name=source.name, siblings=[kids[1].name]))
    assert exc.value.code == "ALREADY_EXISTS" and exc.value.existing == copy.name
