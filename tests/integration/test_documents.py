"""Documents from the exemplar templates over real gRPC: answer statuses, explicit ends,
optimistic concurrency, one piece of work per child per day, and the frozen snapshot."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from datetime import date

import pytest
from google.protobuf import field_mask_pb2

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.records.generate import plausible_answers
from services.records.template_library import TemplateLibrary
from tui.core.errors import ServiceError
from tests.helpers import a, call

ANSWERED, NOT_KNOWN = cpb.ANSWER_STATUS_ANSWERED, cpb.ANSWER_STATUS_NOT_KNOWN


@pytest.fixture
def child(client_factory):
    duty = client_factory("duty")
    person = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Doc", family_name=f"Umentson{uuid.uuid4().hex[:6]}", date_of_birth="2015-05-05",
        sex=pb.SEX_MALE, postcode="ZZ1 1AA")))
    return duty, person


def new_contact_record(duty, person, **answers) -> pb.Document:
    return call(duty, "CreateDocument", pb.CreateDocumentRequest(person=person.name, template_id="contact-record",
                                                                 answers=answers))


def test_templates_are_served_with_their_versions(client_factory):
    duty = client_factory("duty")
    listed = call(duty, "ListTemplates", pb.ListTemplatesRequest()).templates
    contact = next(t for t in listed if t.template_id == "contact-record")
    assert contact.title == "Contact Record" and contact.version >= 1
    definition = json.loads(contact.definition_json)
    assert definition["sections"][0]["questions"][0]["id"] == "given_name"
    with pytest.raises(ServiceError) as exc:
        call(duty, "GetTemplate", pb.GetTemplateRequest(template_id="no-such-form"))
    assert exc.value.code == "NOT_FOUND"


def test_no_worker_writes_a_record_from_a_past_return(child, client_factory):
    """It says exactly what a migrated return said: only `ics admin import` writes one, and the
    front ends never offer it."""
    duty, person = child
    with pytest.raises(ServiceError) as exc:
        call(duty, "CreateDocument", pb.CreateDocumentRequest(
            person=person.name, template_id="record-from-a-past-return",
            answers={"return_name": a("CIN census 2025-26"), "module": a("assessment")}))
    assert exc.value.code == "PERMISSION_DENIED" and "ics admin import" in exc.value.message
    assert "record-from-a-past-return" not in {t.template_id for t in client_factory("duty").templates()}
    assert not call(duty, "ListDocuments", pb.ListDocumentsRequest(person=person.name)).documents


def test_answers_keep_their_status_and_a_blank_is_never_not_known(child):
    duty, person = child
    doc = new_contact_record(duty, person, reason=a("Neighbour worried"),
                             expected_date_of_birth=cpb.Answer(status=cpb.ANSWER_STATUS_NOT_APPLICABLE))
    assert doc.state == pb.DOCUMENT_STATE_IN_PROGRESS and doc.template_version >= 1
    assert doc.answers["reason"].value == "Neighbour worried"
    assert doc.answers["expected_date_of_birth"].status == cpb.ANSWER_STATUS_NOT_APPLICABLE
    assert "source" not in doc.answers  # not asked yet: absent, not "not known"


def test_bad_answers_are_refused_field_by_field_and_change_nothing(child):
    duty, person = child
    doc = new_contact_record(duty, person)
    with pytest.raises(ServiceError) as exc:
        call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=doc.name, etag=doc.etag, answers={
            "source": a("99"), "contact_date": a("yesterday"), "shoe_size": a("4"),
            "reason": cpb.Answer(status=ANSWERED)}))
    assert set(exc.value.violations) == {"answers.source", "answers.contact_date", "answers.shoe_size",
                                         "answers.reason"}
    again = call(duty, "GetDocument", pb.GetDocumentRequest(name=doc.name))
    assert again.etag == doc.etag and dict(again.answers) == dict(doc.answers)


def test_two_workers_never_overwrite_each_other(child, client_factory):
    duty, person = child
    doc = new_contact_record(duty, person)
    other = client_factory("duty2")
    call(other, "UpdateDocument", pb.UpdateDocumentRequest(name=doc.name, etag=doc.etag, answers={"reason": a("A")}))
    with pytest.raises(ServiceError) as exc:
        call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=doc.name, etag=doc.etag, answers={"reason": a("B")}))
    assert exc.value.code == "ABORTED" and "Reload" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=doc.name, answers={"reason": a("B")}))
    assert exc.value.code == "INVALID_ARGUMENT"
    assert call(duty, "GetDocument", pb.GetDocumentRequest(name=doc.name)).answers["reason"].value == "A"


def test_same_work_for_the_same_child_on_the_same_day_is_one_record(child):
    duty, person = child
    request_id = str(uuid.uuid4())
    first = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=person.name, template_id="contact-record",
                                                                  request_id=request_id))
    retried = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=person.name, template_id="contact-record",
                                                                    request_id=request_id))
    assert retried.name == first.name
    with pytest.raises(ServiceError) as exc:
        new_contact_record(duty, person)
    assert exc.value.code == "ALREADY_EXISTS" and exc.value.existing == first.name


def test_completing_freezes_exactly_what_was_true(child):
    duty, person = child
    doc = new_contact_record(duty, person, reason=a("School worried about bruising"))
    with pytest.raises(ServiceError) as exc:
        call(duty, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag, state=pb.DOCUMENT_STATE_COMPLETED))
    assert exc.value.code == "INVALID_ARGUMENT"
    assert {"answers.date_of_birth", "answers.sex", "answers.contact_date", "answers.outcome"} <= set(exc.value.violations)

    doc = call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=doc.name, etag=doc.etag, answers={
        "date_of_birth": a("2015-05-05"), "sex": a("M"), "contact_date": a("2026-11-02"), "outcome": a("referral"),
        "source": a("2A")}))
    done = call(duty, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag,
                                                           state=pb.DOCUMENT_STATE_COMPLETED))
    assert done.state == pb.DOCUMENT_STATE_COMPLETED
    assert hashlib.sha256(done.snapshot_json.encode()).hexdigest() == done.snapshot_sha256
    frozen = json.loads(done.snapshot_json)
    assert frozen["child"]["postcode"] == "ZZ1 1AA" and frozen["template"]["version"] == done.template_version
    assert "advice_given" not in {q["id"] for s in frozen["sections"] for q in s["questions"]}  # pathway not taken

    # The child moves; the completed record still says what was true when it was completed (L7741).
    call(duty, "UpdatePerson", pb.UpdatePersonRequest(person=pb.Person(name=person.name, postcode="ZZ9 9ZZ",
                                                                     etag=person.etag),
                                                      update_mask=field_mask_pb2.FieldMask(paths=["postcode"])))
    later = call(duty, "GetDocument", pb.GetDocumentRequest(name=doc.name))
    assert later.snapshot_json == done.snapshot_json and json.loads(later.snapshot_json)["child"]["postcode"] == "ZZ1 1AA"
    with pytest.raises(ServiceError) as exc:
        call(duty, "UpdateDocument", pb.UpdateDocumentRequest(name=doc.name, etag=later.etag, answers={"reason": a("x")}))
    assert exc.value.code == "FAILED_PRECONDITION" and "completed" in exc.value.message


def test_nothing_stays_open_without_an_explicit_end(child):
    duty, person = child
    doc = new_contact_record(duty, person)
    with pytest.raises(ServiceError) as exc:
        call(duty, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag, state=pb.DOCUMENT_STATE_CANCELLED))
    assert exc.value.code == "INVALID_ARGUMENT" and "why" in exc.value.message
    cancelled = call(duty, "EndDocument", pb.EndDocumentRequest(
        name=doc.name, etag=doc.etag, state=pb.DOCUMENT_STATE_CANCELLED, reason="Recorded against the wrong child"))
    assert cancelled.state == pb.DOCUMENT_STATE_CANCELLED and cancelled.end_reason
    with pytest.raises(ServiceError) as exc:
        call(duty, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=cancelled.etag,
                                                       state=pb.DOCUMENT_STATE_COMPLETED))
    assert exc.value.code == "FAILED_PRECONDITION"
    # A cancelled one does not block starting the work again the same day.
    assert new_contact_record(duty, person).state == pb.DOCUMENT_STATE_IN_PROGRESS


def test_a_worker_outside_the_team_cannot_read_the_document(child, client_factory):
    duty, person = child
    doc = new_contact_record(duty, person)
    with pytest.raises(ServiceError) as exc:
        call(client_factory("worker"), "GetDocument", pb.GetDocumentRequest(name=doc.name))
    assert exc.value.code == "NOT_FOUND"


def test_completed_records_take_appendments_and_new_versions_not_edits(child):
    duty, person = child
    doc = new_contact_record(duty, person, date_of_birth=a("2015-05-05"), sex=a("M"), contact_date=a("2026-11-02"),
                             reason=a("School worried"), outcome=a("referral"))
    done = call(duty, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag,
                                                           state=pb.DOCUMENT_STATE_COMPLETED))
    with pytest.raises(ServiceError) as exc:
        call(duty, "AppendToDocument", pb.AppendToDocumentRequest(name=done.name, text=" "))
    assert exc.value.code == "INVALID_ARGUMENT"
    appended = call(duty, "AppendToDocument", pb.AppendToDocumentRequest(
        name=done.name, text="The school later said the bruise was from football."))
    assert [n.text for n in appended.appendments] == ["The school later said the bruise was from football."]
    assert appended.snapshot_json == done.snapshot_json  # the record as completed is untouched

    version = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=person.name, template_id="contact-record", supersedes=done.name,
        answers={"reason": a("School worried; bruise explained")}))
    assert version.supersedes == done.name and version.state == pb.DOCUMENT_STATE_IN_PROGRESS
    assert version.answers["outcome"].value == "referral"  # carried from the version it replaces
    assert version.answers["reason"].value == "School worried; bruise explained"
    with pytest.raises(ServiceError) as exc:
        call(duty, "CreateDocument", pb.CreateDocumentRequest(person=person.name, template_id="contact-record",
                                                              supersedes=version.name))
    assert exc.value.code == "FAILED_PRECONDITION"
    # A third version, once the second is complete: the first is history, not a twin of it.
    second = call(duty, "EndDocument", pb.EndDocumentRequest(name=version.name, etag=version.etag,
                                                             state=pb.DOCUMENT_STATE_COMPLETED))
    third = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=person.name, template_id="contact-record", supersedes=second.name,
        answers={"reason": a("School worried; bruise explained by the GP")}))
    assert third.supersedes == second.name and third.answers["outcome"].value == "referral"


def test_a_childs_list_of_documents_is_light_and_one_document_is_whole(child):
    duty, person = child
    doc = new_contact_record(duty, person, reason=a("Neighbour worried"), date_of_birth=a("2015-01-01"),
                             sex=a("F"), contact_date=a("2026-11-20"), outcome=a("referral"))
    done = call(duty, "EndDocument", pb.EndDocumentRequest(name=doc.name, etag=doc.etag,
                                                           state=pb.DOCUMENT_STATE_COMPLETED))
    [listed] = [d for d in call(duty, "ListDocuments", pb.ListDocumentsRequest(person=person.name)).documents
                if d.name == done.name]
    assert not listed.answers and not listed.snapshot_json  # the record opens fast on a thin client
    assert (listed.snapshot_sha256, listed.etag, listed.state) == (done.snapshot_sha256, done.etag, done.state)
    assert [s.role for s in listed.signatures] == ["social_worker"]
    [whole] = [d for d in call(duty, "ListDocuments", pb.ListDocumentsRequest(
        person=person.name, view=pb.DOCUMENT_VIEW_FULL)).documents if d.name == done.name]
    assert whole == call(duty, "GetDocument", pb.GetDocumentRequest(name=done.name)) == done


def test_a_finalised_assessment_never_shows_a_school_the_child_joined_later(child, client_factory):
    """L7741: a finalised 2004 assessment showed a school the child joined in 2005."""
    duty, person = child
    school = field_mask_pb2.FieldMask(paths=["school"])
    person = call(duty, "UpdatePerson", pb.UpdatePersonRequest(
        person=pb.Person(name=person.name, school="Hillside Primary", etag=person.etag), update_mask=school))
    leader = client_factory("leader")
    answers = plausible_answers(TemplateLibrary.load().get("single-assessment"), {"decision": "nfa"},
                                date(2024, 9, 2), random.Random(3))
    doc = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=person.name, template_id="single-assessment", start_date="2024-09-02", answers=answers))
    submitted = call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag))
    final = call(leader, "ApproveDocument", pb.ReviewDocumentRequest(name=doc.name, etag=submitted.etag))
    assert json.loads(final.snapshot_json)["child"]["school"] == "Hillside Primary"

    moved = call(duty, "UpdatePerson", pb.UpdatePersonRequest(
        person=pb.Person(name=person.name, school="Ridge Academy", etag=person.etag), update_mask=school))
    assert moved.school == "Ridge Academy"
    later = call(duty, "GetDocument", pb.GetDocumentRequest(name=doc.name))
    assert later.snapshot_json == final.snapshot_json and "Ridge Academy" not in later.snapshot_json
