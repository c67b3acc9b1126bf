"""Relationships relative to each child; the council's own list of types (R-FAMILY, L7749)."""

from __future__ import annotations

import uuid

import pytest

from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import call


def person(client, given: str, dob: str, sex=pb.SEX_FEMALE, family: str = "") -> pb.Person:
    return call(client, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name=given, family_name=family or f"Rel{uuid.uuid4().hex[:8]}", date_of_birth=dob, sex=sex)))


def test_mothers_partner_can_be_recorded_and_unknown_is_flagged(client_factory):
    duty = client_factory("duty")
    child = person(duty, "Kid", "2016-01-01")
    partner = person(duty, "Pat", "1988-03-03", pb.SEX_MALE)
    stranger = person(duty, "Who", "1990-01-01", pb.SEX_UNKNOWN)
    rel = call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=partner.name, type_code="mothers_partner", lives_with_child=True)))
    assert rel.label == "Mother's partner" and rel.lives_with_child and not rel.needs_review
    call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=stranger.name, type_code="unknown")))
    listed = call(duty, "ListRelationships", pb.ListRelationshipsRequest(child=child.name)).relationships
    assert [r.type_code for r in listed] == ["mothers_partner", "unknown"]
    review = call(duty, "ListRelationships", pb.ListRelationshipsRequest(child=child.name, needs_review_only=True))
    assert [r.other for r in review.relationships] == [stranger.name]
    with pytest.raises(ServiceError) as exc:
        call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
            child=child.name, other=partner.name, type_code="mothers_partner")))
    assert exc.value.code == "ALREADY_EXISTS" and exc.value.existing == rel.name


def test_bad_relationships_are_refused_plainly(client_factory):
    duty = client_factory("duty")
    child = person(duty, "Kid", "2017-01-01")
    with pytest.raises(ServiceError) as exc:
        call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
            child=child.name, other=child.name, type_code="second_cousin_twice_removed",
            start_date="2020-01-01", end_date="2019-01-01")))
    assert {"relationship.type_code", "relationship.other", "relationship.end_date"} <= set(exc.value.violations)


def test_an_administrator_adds_a_type_without_code_and_workers_cannot(client_factory):
    code = f"godparent_{uuid.uuid4().hex[:6]}"
    with pytest.raises(ServiceError) as exc:
        call(client_factory("duty"), "CreateRelationshipType", pb.CreateRelationshipTypeRequest(
            type=pb.RelationshipType(code=code, label="Godparent")))
    assert exc.value.code == "PERMISSION_DENIED"
    made = call(client_factory("admin"), "CreateRelationshipType", pb.CreateRelationshipTypeRequest(
        type=pb.RelationshipType(code=code, label="Godparent")))
    assert made.code == code
    duty = client_factory("duty")
    assert code in {t.code for t in call(duty, "ListRelationshipTypes", pb.ListRelationshipTypesRequest()).types}
    child, godparent = person(duty, "Kid", "2018-01-01"), person(duty, "God", "1970-01-01")
    rel = call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=godparent.name, type_code=code)))
    assert rel.label == "Godparent"
