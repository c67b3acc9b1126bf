"""A team leader in the line mode: work waiting for approval, read it, return it with comments,
approve the resubmitted version, and overdue work by worker."""

from __future__ import annotations

import uuid

from ics.records.v1 import records_pb2 as pb
from tests.helpers import a, call
from tests.line.test_line_mode import answers, drive


def submitted_assessment(duty) -> tuple[pb.Person, pb.Document]:
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Sky", family_name=f"Approved{uuid.uuid4().hex[:4]}",
                             date_of_birth="2014-04-04", sex=pb.SEX_FEMALE),
        source=pb.CONTACT_SOURCE_HEALTH, reason="Health visitor worried", confirmed_not_duplicate=True))
    duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Assess")
    document = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=reply.person.name, template_id="single-assessment",
        answers={"assessment_start_date": a("2026-11-20"), "reason": a("Health visitor worried"),
                 "decision": a("cin_plan")}))
    return reply.person, call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=document.name, etag=document.etag))


def test_leader_reads_returns_and_approves_work(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    person, document = submitted_assessment(duty)
    text = drive(stack, ["login", "leader", "demo", "team", "read 1", "return 1", "", "return 1",
                         "Please add the child's own views", "quit"], tmp_path)
    blocks = answers(text)
    listed = blocks[2]
    assert listed[0] == "1 piece of work waiting for approval."
    assert listed[1].startswith(f"1. Single Assessment for {person.display_name}, by Dana Duty")
    assert "Overdue work:" in listed
    read = blocks[3]
    assert "Reason for the assessment: Health visitor worried." in read and "Decision: Child in need plan." in read
    assert "Returning work needs a comment; nothing was changed." in " ".join(blocks[4])
    assert "Returned the Single Assessment to Dana Duty with your comments." in " ".join(blocks[5])
    returned = call(duty, "GetDocument", pb.GetDocumentRequest(name=document.name))
    assert (returned.state, returned.return_comments) == (pb.DOCUMENT_STATE_IN_PROGRESS,
                                                          "Please add the child's own views")

    call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=document.name, etag=returned.etag))
    text = drive(stack, ["login", "leader", "demo", "team", "approve 1", "team", "quit"], tmp_path)
    blocks = answers(text)
    assert "Approved: the Single Assessment is completed." in " ".join(blocks[3])
    assert blocks[4][0] == "0 pieces of work waiting for approval."
    assert call(duty, "GetDocument", pb.GetDocumentRequest(name=document.name)).state == pb.DOCUMENT_STATE_COMPLETED

    refused = drive(stack, ["login", "worker", "demo", "team", "quit"], tmp_path)
    assert "Only team leaders and managers" in " ".join(answers(refused)[2])
