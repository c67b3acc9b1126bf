"""Allocation history is the one source of "appointed social worker" (R-ONE-TRUTH, L7753), and
allocation is what lets a worker in another team see the child."""

from __future__ import annotations

import json
import uuid

import pytest

from ics.records.v1 import records_pb2 as pb
from tui.core.errors import ServiceError
from tests.helpers import a, call


def test_allocating_a_worker_gives_access_and_names_them_on_documents(client_factory):
    duty, leader, worker = client_factory("duty"), client_factory("leader"), client_factory("worker")
    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Al", family_name=f"Located{uuid.uuid4().hex[:6]}", date_of_birth="2012-02-02", sex=pb.SEX_MALE)))
    with pytest.raises(ServiceError):
        worker.get_person(child.name)  # another team's child: not visible yet

    with pytest.raises(ServiceError) as exc:
        call(duty, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
            person=child.name, worker=worker.session.user.name, worker_display_name="Wes Worker", team="teams/1")))
    assert exc.value.code == "PERMISSION_DENIED"

    first = call(leader, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
        person=child.name, worker=worker.session.user.name, worker_display_name="Wes Worker", team="teams/2",
        start_date="2026-11-02", reason="Assessment needed")))
    assert first.end_date == ""
    assert worker.get_person(child.name).name == child.name  # allocation brings access

    doc = call(worker, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="contact-record",
        answers={"date_of_birth": a("2012-02-02"), "sex": a("M"), "contact_date": a("2026-11-02"),
                 "reason": a("School concern"), "outcome": a("referral")}))
    done = call(worker, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag,
                                                             state=pb.DOCUMENT_STATE_COMPLETED))
    assert json.loads(done.snapshot_json)["appointed_social_worker"] == "Wes Worker"

    call(leader, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
        person=child.name, worker=duty.session.user.name, worker_display_name="Dana Duty", team="teams/1")))
    history = call(leader, "ListAllocations", pb.ListAllocationsRequest(person=child.name)).allocations
    assert [h.worker_display_name for h in history] == ["Dana Duty", "Wes Worker"]
    assert history[1].end_date == history[0].start_date
    # The completed document still names who held the case when it was completed.
    again = call(leader, "GetDocument", pb.GetDocumentRequest(name=done.name))
    assert json.loads(again.snapshot_json)["appointed_social_worker"] == "Wes Worker"
    with pytest.raises(ServiceError) as exc:
        call(leader, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
            person=child.name, worker=worker.session.user.name, worker_display_name="Wes Worker",
            start_date="2026-01-01")))
    assert exc.value.code == "INVALID_ARGUMENT" and "cannot start before" in exc.value.message


def test_closing_the_case_ends_the_allocation(client_factory):
    duty, leader, worker = client_factory("duty"), client_factory("leader"), client_factory("worker")
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Cy", family_name=f"Closed{uuid.uuid4().hex[:6]}",
                             date_of_birth="2013-03-03", sex=pb.SEX_MALE),
        received_date="2026-10-01", source=pb.CONTACT_SOURCE_SCHOOL, reason="School concern",
        confirmed_not_duplicate=True))
    duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Assess")
    call(leader, "AllocateWorker", pb.AllocateWorkerRequest(allocation=pb.Allocation(
        person=reply.person.name, worker=worker.session.user.name, worker_display_name="Wes Worker", team="teams/2",
        start_date="2026-10-02")))
    closure = call(worker, "CreateDocument", pb.CreateDocumentRequest(
        person=reply.person.name, template_id="closure-record", start_date="2026-11-02",
        answers={"closure_date": a("2026-11-02"), "reason_for_closure": a("RC8")}))
    call(worker, "EndDocument", pb.EndDocumentRequest(name=closure.name, etag=closure.etag,
                                                      state=pb.DOCUMENT_STATE_COMPLETED))
    [held] = call(leader, "ListAllocations", pb.ListAllocationsRequest(person=reply.person.name)).allocations
    assert (held.worker_display_name, held.start_date, held.end_date) == ("Wes Worker", "2026-10-02", "2026-11-02")
