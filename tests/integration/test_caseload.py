"""Caseloads, the cases waiting for a worker, a worker's own unfinished documents, and families in
search results: the lists My work, the team leader's view and the search screen are built on."""

from __future__ import annotations

import uuid

import pytest

from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import a, call, referred_child


def names(entries) -> list[str]:
    return [e.person.name for e in entries]


def test_a_case_waits_unallocated_then_is_on_the_workers_caseload(client_factory):
    duty, leader, worker = client_factory("duty"), client_factory("leader"), client_factory("worker")
    child = referred_child(duty, "Wren", received="2026-11-02").person

    waiting = {e.person.name: e for e in leader.caseload(unallocated=True)}
    assert child.name in waiting
    assert waiting[child.name].episode_opened_date == "2026-11-02"
    assert not waiting[child.name].allocation.name
    assert child.name not in names(worker.caseload())

    leader.allocate(child.name, worker.session.user.name, "Wes Worker", "Assessment needed")
    assert child.name not in names(leader.caseload(unallocated=True))
    [entry] = [e for e in worker.caseload() if e.person.name == child.name]
    assert entry.allocation.worker_display_name == "Wes Worker" and entry.allocation.reason == "Assessment needed"
    assert entry.open_documents == 0

    document = call(worker, "CreateDocument", pb.CreateDocumentRequest(
        person=child.name, template_id="contact-record", answers={"reason": a("Home visit")}))
    [entry] = [e for e in worker.caseload() if e.person.name == child.name]
    assert entry.open_documents == 1
    # The leader sees the worker's caseload; the list is sorted by family name.
    theirs = leader.caseload(worker=worker.session.user.name)
    assert child.name in names(theirs)
    assert [e.person.family_name for e in theirs] == sorted(e.person.family_name for e in theirs)

    mine = worker.my_documents()
    assert document.name in [d.name for d in mine]
    assert all(d.author.user_name == worker.session.user.name for d in mine)
    assert document.name not in [d.name for d in leader.my_documents()]


def test_only_leaders_see_other_caseloads_and_waiting_cases(client_factory):
    duty, worker = client_factory("duty"), client_factory("worker")
    for ask in (lambda: duty.caseload(worker=worker.session.user.name), lambda: worker.caseload(unallocated=True)):
        with pytest.raises(ServiceError) as exc:
            ask()
        assert exc.value.code == "PERMISSION_DENIED" and "team leaders" in exc.value.message
    assert duty.caseload() == []  # duty holds no cases of their own
    with pytest.raises(ServiceError) as exc:
        call(duty, "ListCaseload", pb.ListCaseloadRequest(worker="users/x"))
    assert exc.value.code == "INVALID_ARGUMENT"


def test_a_restricted_waiting_case_is_hidden_from_a_leader_without_a_grant(client_factory):
    duty, leader = client_factory("duty"), client_factory("leader")
    child = referred_child(duty, "Sable").person
    manager = client_factory("manager")
    current = call(manager, "GetPerson", pb.GetPersonRequest(name=child.name))
    call(manager, "SetRecordAccess", pb.SetRecordAccessRequest(
        person=child.name, access_level=pb.ACCESS_LEVEL_RESTRICTED, reason="Staff member's relative", etag=current.etag))
    assert child.name not in names(leader.caseload(unallocated=True))
    assert child.name in names(manager.caseload(unallocated=True))


def test_search_results_name_the_family_both_ways_and_only_people_you_may_find(client_factory):
    duty = client_factory("duty")
    family = f"Fam{uuid.uuid4().hex[:6]}"
    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Ivy", family_name=family, date_of_birth="2016-06-06", sex=pb.SEX_FEMALE)))
    mother = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Rose", family_name=family, date_of_birth="1990-02-04", sex=pb.SEX_FEMALE)))
    call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=mother.name, type_code="mother", lives_with_child=True)))

    found = {m.person.name: list(m.family) for m in duty.search_people(f"Ivy {family}")}
    assert found[child.name] == [f"Mother: Rose {family}, born 4 Feb 1990, lives with them"]
    found = {m.person.name: list(m.family) for m in duty.search_people(f"Rose {family}")}
    assert found[mother.name] == [f"Mother of Ivy {family}, born 6 Jun 2016, lives with them"]

    # A worker in another team cannot find the mother, so she is not named to them either.
    worker = client_factory("worker")
    leader = client_factory("leader")
    leader.allocate(child.name, worker.session.user.name, "Wes Worker", "Family support")
    found = {m.person.name: list(m.family) for m in worker.search_people(f"Ivy {family}")}
    assert found[child.name] == []
