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


def update(client, rel: pb.Relationship, *paths: str) -> pb.Relationship:
    from google.protobuf import field_mask_pb2

    return call(client, "UpdateRelationship", pb.UpdateRelationshipRequest(
        relationship=rel, update_mask=field_mask_pb2.FieldMask(paths=list(paths))))


def refused(client, rel: pb.Relationship, *paths: str) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        update(client, rel, *paths)
    return exc.value


def listed(client, child: pb.Person, needs_review_only: bool = False) -> list[pb.Relationship]:
    return list(call(client, "ListRelationships", pb.ListRelationshipsRequest(
        child=child.name, needs_review_only=needs_review_only)).relationships)


def test_a_worker_ends_a_relationship_and_a_stale_change_is_refused(client_factory):
    worker, leader = client_factory("worker"), client_factory("leader")
    child = person(worker, "Kid", "2015-05-05")
    partner = person(worker, "Pat", "1985-02-02", pb.SEX_MALE)
    rel = call(worker, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=partner.name, type_code="mothers_partner", lives_with_child=True,
        start_date="2020-01-01")))
    [seen_by_leader] = listed(leader, child)
    assert seen_by_leader.etag == rel.etag

    ended = update(worker, pb.Relationship(name=rel.name, etag=rel.etag, end_date="2024-06-30",
                                           lives_with_child=False), "end_date", "lives_with_child")
    assert ended.end_date == "2024-06-30" and not ended.lives_with_child and ended.etag != rel.etag
    assert ended.type_code == "mothers_partner" and ended.start_date == "2020-01-01"

    # The team leader still holds the version they opened: their change is refused and changes nothing.
    stale = refused(leader, pb.Relationship(name=rel.name, etag=seen_by_leader.etag, type_code="family_friend",
                                            end_date=""), "type_code", "end_date")
    assert stale.code == "ABORTED" and "Reload" in stale.message and "etag" not in stale.message.lower()
    assert listed(worker, child) == [ended]

    # Without an etag, with nothing or something unchangeable in the mask, or ending before it began.
    no_etag = refused(worker, pb.Relationship(name=rel.name, lives_with_child=True), "lives_with_child")
    assert no_etag.code == "INVALID_ARGUMENT" and "relationship.etag" in no_etag.violations
    empty = refused(worker, pb.Relationship(name=rel.name, etag=ended.etag))
    assert empty.code == "INVALID_ARGUMENT" and "update_mask" in empty.violations
    other = refused(worker, pb.Relationship(name=rel.name, etag=ended.etag, other=child.name), "other")
    assert other.code == "INVALID_ARGUMENT" and "other" in other.violations["update_mask"]
    early = refused(worker, pb.Relationship(name=rel.name, etag=ended.etag, end_date="2019-12-31"), "end_date")
    assert early.code == "INVALID_ARGUMENT" and "relationship.end_date" in early.violations
    bad_type = refused(worker, pb.Relationship(name=rel.name, etag=ended.etag, type_code="great_aunt_x"),
                       "type_code")
    assert bad_type.code == "INVALID_ARGUMENT" and "relationship.type_code" in bad_type.violations
    assert listed(worker, child) == [ended]


def test_a_relationship_of_a_child_you_cannot_see_is_not_found_like_a_missing_one(client_factory):
    worker = client_factory("worker")
    child = person(worker, "Kid", "2014-04-04")
    partner = person(worker, "Pat", "1980-01-01", pb.SEX_MALE)
    rel = call(worker, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=partner.name, type_code="mothers_partner")))
    other_team = refused(client_factory("worker2"), pb.Relationship(name=rel.name, etag=rel.etag,
                                                                     lives_with_child=True), "lives_with_child")
    missing = refused(client_factory("worker2"), pb.Relationship(name="relationships/987654321", etag="1",
                                                                  lives_with_child=True), "lives_with_child")
    assert other_team.code == missing.code == "NOT_FOUND"
    assert other_team.message.replace(rel.name, "X") == missing.message.replace("relationships/987654321", "X")
    admin = refused(client_factory("admin"), pb.Relationship(name=rel.name, etag=rel.etag), "lives_with_child")
    assert admin.code == "PERMISSION_DENIED"
    assert listed(worker, child) == [rel]


def test_correcting_not_known_yet_clears_it_from_review(client_factory):
    duty = client_factory("duty")
    child = person(duty, "Kid", "2019-09-09")
    partner = person(duty, "Pat", "1991-01-01", pb.SEX_MALE)
    unknown = call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=partner.name, type_code="unknown", lives_with_child=True)))
    assert [r.name for r in listed(duty, child, needs_review_only=True)] == [unknown.name]

    corrected = update(duty, pb.Relationship(name=unknown.name, etag=unknown.etag, type_code="mothers_partner"),
                       "type_code")
    assert (corrected.type_code, corrected.label, corrected.needs_review) == ("mothers_partner", "Mother's partner",
                                                                              False)
    assert corrected.lives_with_child and corrected.other_display_name == unknown.other_display_name
    assert listed(duty, child, needs_review_only=True) == []
    assert listed(duty, child) == [corrected]

    # A second "not known yet" for the same person cannot become a second open "mother's partner".
    again = call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=partner.name, type_code="unknown")))
    clash = refused(duty, pb.Relationship(name=again.name, etag=again.etag, type_code="mothers_partner"),
                    "type_code")
    assert clash.code == "ALREADY_EXISTS" and clash.existing == corrected.name
    assert "mother's partner" in clash.message
    assert [r.name for r in listed(duty, child, needs_review_only=True)] == [again.name]
