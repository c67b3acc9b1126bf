"""Writing and submitting an assessment in the line mode, one question at a time, as a screen-reader
user types it: statuses, choices by number, a pathway question appearing after the decision, a
wrong date asked again, stop and continue, and submitting to the team leader."""

from __future__ import annotations

import uuid

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.records.template_library import TemplateLibrary
from tests.helpers import call
from tests.line.test_line_mode import answers, assert_plain, drive


def test_an_assessment_written_question_by_question_and_submitted(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    family = f"Assessed{uuid.uuid4().hex[:4]}"
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Rowan", family_name=family, date_of_birth="2015-05-05", sex=pb.SEX_MALE),
        source=pb.CONTACT_SOURCE_SCHOOL, reason="Worried about neglect", confirmed_not_duplicate=True))
    duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Needs a single assessment")
    titles = [t.title for t in duty.templates()]  # as `write` numbers them
    number = titles.index("Single Assessment") + 1

    # Which questions come between the reason and the decision, worked out from the template itself.
    template = TemplateLibrary.load().get("single-assessment")
    order = [q.id for _, qs in template.visible({}) for q in qs]
    between = order.index("decision") - order.index("reason") - 1

    typed = ["login", "duty", "demo", f"find rowan {family}", "open 1", "write", f"write {number}",
             "Lives with mum and two sisters", "not known", "27/11/2026", "2026-11-20", "Concerns about neglect",
             "stop", "submit", "continue", *[""] * between, "maybe", "3", "", "Family support worker weekly", "stop",
             "submit", "quit"]
    text = drive(stack, typed, tmp_path)
    assert_plain(text)
    blocks = answers(text)
    said = "\n".join(line for block in blocks for line in block)
    assert "Question 1 of 46, Family pen picture:" in said
    assert "expected a date as YYYY-MM-DD. Nothing was saved for it; try again." in said
    assert "Stopped. Everything you answered is saved; type continue to carry on." in said
    assert "Choose by number or by name:" in said  # "maybe" is not a decision
    assert "Question 3 of 46, Date the assessment started, required, type a date as YYYY-MM-DD:" in said
    # The services question appears once a plan is chosen.
    assert "Question 43 of 47, Services to be provided or arranged, and by whom:" in said
    assert "Submitted the Single Assessment to your team leader for approval." in said

    documents = call(duty, "ListDocuments", pb.ListDocumentsRequest(person=reply.person.name,
                                                                    view=pb.DOCUMENT_VIEW_FULL)).documents
    [assessment] = [d for d in documents if d.template_id == "single-assessment"]
    assert assessment.state == pb.DOCUMENT_STATE_SUBMITTED
    assert assessment.answers["pen_picture"].value == "Lives with mum and two sisters"
    assert assessment.answers["key_case_summary"].status == cpb.ANSWER_STATUS_NOT_KNOWN
    assert assessment.answers["assessment_start_date"].value == "2026-11-20"
    assert (assessment.answers["decision"].value, assessment.answers["services"].value) == (
        "cin_plan", "Family support worker weekly")
