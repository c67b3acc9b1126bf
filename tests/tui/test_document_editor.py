"""Writing an assessment in the Textual front end, by keys through Pilot against the real
services: w on the child's record, choose the template, answers saved as each field is left, a
wrong date marked, F10 refused until the required answers are there, then submitted."""

from __future__ import annotations

import uuid

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from tests.helpers import a, call
from tests.tui.test_app_pilot import SIZE, log_in, screen_text, tab_to, type_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.child import ChildScreen, Chooser
from tui.app.screens.document import DocumentScreen
from tui.app.screens.my_work import MyWorkScreen


async def test_write_and_submit_an_assessment_by_keys(stack, duty):
    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Ash", family_name=f"Editor{uuid.uuid4().hex[:4]}", date_of_birth="2016-02-02",
                             sex=pb.SEX_MALE),
        source=pb.CONTACT_SOURCE_SCHOOL, reason="Worried", confirmed_not_duplicate=True))
    duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Assess")
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        app.push_screen(ChildScreen(reply.person.name))
        child = await wait_until(pilot, lambda: isinstance(app.screen, ChildScreen) and app.screen, what="record")
        await wait_until(pilot, lambda: child.record is not None, what="record loaded")
        await pilot.press("w")
        chooser = await wait_until(pilot, lambda: isinstance(app.screen, Chooser) and app.screen,
                                   what="template chooser")
        index = [label for _, label in chooser.options].index("Single Assessment")
        await pilot.press(*["down"] * index, "enter")
        editor = await wait_until(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen,
                                  what="document editor")
        await wait_until(pilot, lambda: editor.shown_ids, what="questions laid out")
        await type_text(pilot, "Lives with his grandmother")
        await tab_to(pilot, "in-key_case_summary")

        def saved(question: str):
            document = call(duty, "GetDocument", pb.GetDocumentRequest(name=editor.editor.document.name))
            return document.answers.get(question)
        answer = await wait_until(pilot, lambda: saved("pen_picture"), what="saved on leaving the field")
        assert answer.value == "Lives with his grandmother"
        await type_text(pilot, "not known")
        await tab_to(pilot, "in-assessment_start_date")
        await wait_until(pilot, lambda: (s := saved("key_case_summary")) and s.status == cpb.ANSWER_STATUS_NOT_KNOWN,
                         what="a status saved")
        await type_text(pilot, "20-11-2026")
        await pilot.press("tab")
        await wait_until(pilot, lambda: "expected a date as YYYY-MM-DD" in screen_text(app), what="bad date marked")
        assert app.focused.id == "in-assessment_start_date"  # back on the field at fault
        await pilot.press("f10")
        await wait_until(pilot, lambda: "Not saved" in screen_text(app) or "needed" in screen_text(app),
                         what="submit refused")
        assert isinstance(app.screen, DocumentScreen)
        # The decision is a choice; set it through the service so the required answers are there.
        current = call(duty, "GetDocument", pb.GetDocumentRequest(name=editor.editor.document.name))
        editor.editor.document = call(duty, "UpdateDocument", pb.UpdateDocumentRequest(
            name=current.name, etag=current.etag, answers={"decision": a("cin_plan"), "reason": a("Worried")}))
        await editor.lay_out()
        await tab_to(pilot, "in-assessment_start_date")
        date_box = app.screen.query_one("#in-assessment_start_date")
        date_box.value = "2026-11-20"
        assert app.screen.typed()["decision"] == "Child in need plan"  # the saved choice is shown
        await pilot.press("f10")
        await wait_until(pilot, lambda: isinstance(app.screen, ChildScreen), what="back on the record")
        await wait_until(pilot, lambda: "submitted to your team leader" in screen_text(app), what="said")
    document = call(duty, "GetDocument", pb.GetDocumentRequest(name=editor.editor.document.name))
    assert document.state == pb.DOCUMENT_STATE_SUBMITTED
    assert document.answers["assessment_start_date"].value == "2026-11-20"


async def test_several_choices_and_a_choice_not_known_by_keys(stack, duty):
    """A multi-choice question is a list to tick with Space; a single choice offers the answer
    statuses too, so "not known" is recorded as that, never left blank."""
    from tests.tui.test_app_pilot import choose

    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Fern", family_name=f"Choices{uuid.uuid4().hex[:4]}",
                             date_of_birth="2016-02-02", sex=pb.SEX_FEMALE),
        source=pb.CONTACT_SOURCE_SCHOOL, reason="Worried", confirmed_not_duplicate=True))
    document = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=reply.person.name,
                                                                     template_id="single-assessment"))
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        from tui.core.document_editor import DocumentEditor

        app.push_screen(DocumentScreen(DocumentEditor.open(app.client, document.name)))
        editor = await wait_until(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen, what="editor")
        await wait_until(pilot, lambda: editor.shown_ids, what="questions laid out")

        def saved(question: str):
            return call(duty, "GetDocument", pb.GetDocumentRequest(name=document.name)).answers.get(question)

        await tab_to(pilot, "in-factors", limit=80)
        await pilot.press("space", "down", "down", "space")
        await pilot.press("tab")
        answer = await wait_until(pilot, lambda: saved("factors"), what="the ticked factors saved")
        assert answer.value == "1A,1C" and answer.status == cpb.ANSWER_STATUS_ANSWERED
        await tab_to(pilot, "in-decision", limit=80)
        await choose(pilot, "in-decision", "Not known")
        await pilot.press("tab")
        answer = await wait_until(pilot, lambda: (s := saved("decision")) and s.status == cpb.ANSWER_STATUS_NOT_KNOWN
                                  and s, what="the decision recorded as not known")
        assert answer.value == ""
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="back")
    # Opened again, the form shows both as they were saved.
    reopened = DocumentScreen(DocumentEditor.open(duty, document.name))
    question = {q.id: q for q in reopened.editor.questions()}
    assert reopened.editor.shown(question["decision"]) == "not known"
    assert reopened.editor.shown(question["factors"]) == ("Alcohol misuse: concern about the child, Alcohol misuse: "
                                                          "concern about another person in the household")
