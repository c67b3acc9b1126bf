"""Copies for a court, a child protection conference or another agency (issue 7), against the real
services and read back out of the PDF with pypdf: who the copy was prepared for on its first page
and in the child's access report, the protective marking and handling warning at the head and
foot of every page, the child's date of birth and record numbers, every signature; the questions
nobody asked left out unless the complete copy is asked for; the family's copy marked as theirs
without the professionals' warning. Names in Polish print; names in a script the bundled font
cannot show (Arabic, Bengali, Chinese) are replaced by a line that says so, never dropped."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from tests.helpers import a, call
from tui.core.errors import ServiceError
from tui.core.pdf import as_pdf
from tui.core.printing import (LONDON, Audience, OutputError, OutputSettings, as_text, audience_for,
                               command_line_audience, outline_of, print_copy)

NOW = datetime(2026, 11, 27, 21, 5, tzinfo=LONDON)
WARNING = "Personal data about a child: do not copy or pass on without the council's agreement."
ANSWERS = {
    "assessment_start_date": a("2026-11-03"),
    "reason": a("School attendance has fallen to 60% this term and she has said she is often hungry."),
    "pen_picture": a("She lives with her mother and baby brother.\n\nShe loves drawing."),
    "key_case_summary": cpb.Answer(status=cpb.ANSWER_STATUS_NOT_KNOWN),
    "child_views": cpb.Answer(status=cpb.ANSWER_STATUS_DECLINED, reason="She did not want to talk that day"),
    "child_seen_alone": a("yes"),
    "decision": a("cin_plan"),
    "factors": a("1B,7A"),
}


def new_child(duty, given: str, family: str, council_child_id: str = "") -> pb.Person:
    return call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name=given, family_name=f"{family}{uuid.uuid4().hex[:4]}", date_of_birth="2017-09-09",
        sex=pb.SEX_FEMALE, council_child_id=council_child_id), confirmed_not_duplicate=True))


def completed(duty, leader, child: pb.Person, answers=ANSWERS) -> pb.Document:
    doc = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="single-assessment",
                                                                 answers=answers))
    doc = call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=doc.name, etag=doc.etag))
    return leader.approve(doc)


def read(data: bytes) -> tuple[list[str], str]:
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]
    return pages, " ".join(pages)


@pytest.fixture(scope="module")
def polish(sessions):
    """A Polish family: a completed Single Assessment signed by the worker and team leader on
    approval and by the mother in front of the worker; the council's own id recorded."""
    duty, leader = sessions("duty"), sessions("leader")
    child = new_child(duty, "Łucja", "Żółkiewska-Wójcik", council_child_id=f"NS{uuid.uuid4().hex[:6].upper()}")
    document = completed(duty, leader, child)
    call(duty, "SignDocument", pb.SignDocumentRequest(name=document.name, role="parent",
                                                      method="witnessed_in_person", signer_name="Zofia Wójcik"))
    return child, document


def test_a_copy_for_the_court_says_so_and_is_marked_on_every_page(polish, sessions):
    child, document = polish
    outline = outline_of(sessions("duty"), document.name, now=NOW, audience=audience_for("court"))
    assert outline.prepared_for == "the family court"
    pages, text = read(as_pdf(outline).data)
    assert "Prepared for: the family court" in pages[0]
    for page in pages:
        # Head and foot: the marking twice, the warning twice, whatever the page holds.
        assert page.count("OFFICIAL-SENSITIVE") == 2 and page.count(WARNING) == 2, page
    assert f"{child.given_name} {child.family_name}" in text  # Polish letters, as written
    assert "Date of birth: Sat 9 Sep 2017" in text
    assert f"Child's record: {child.name}" in text and f"Council's child id: {child.council_child_id}" in text
    block = text[text.index("Signatures"):]
    for signed in outline.signatures:
        assert f"{signed.role} {signed.signer}" in block and signed.when in block
    assert "Parent or carer Zofia Wójcik, signed in person, witnessed by Dana Duty" in block
    assert "Social worker Dana Duty" in block and "Team leader Lee Leader" in block
    # Large print carries the same on every page.
    large_pages, _ = read(as_pdf(outline, large_print=True).data)
    assert len(large_pages) > len(pages)
    assert all(page.count("OFFICIAL-SENSITIVE") == 2 and page.count(WARNING) == 2 for page in large_pages)


def test_questions_nobody_asked_are_left_out_unless_the_complete_copy_is_asked_for(polish, sessions):
    _, document = polish
    duty = sessions("duty")
    short = outline_of(duty, document.name, now=NOW, audience=audience_for("agency", "Northshire Community Health"))
    full = outline_of(duty, document.name, now=NOW, audience=audience_for("agency", "Northshire Community Health",
                                                                          complete=True))
    short_text, full_text = as_text(short).text, as_text(full).text
    assert "Not answered." in full_text and full.left_out == 0
    assert "Not answered." not in short_text and short.left_out > 0
    assert f"{short.left_out} questions that nobody was asked are left out of this copy" in short_text
    # What was said stays, and so do the statuses, which are statements too.
    assert "\nKey case summary\n    Not known.\n" in short_text
    assert "Declined: She did not want to talk that day." in short_text
    assert "She loves drawing." in short_text and "Child in need plan" in short_text
    entries = lambda outline: sum(len(part.entries) for part in outline.parts)  # noqa: E731
    assert entries(full) == entries(short) + short.left_out
    _, text = read(as_pdf(short).data)
    assert "Prepared for: Northshire Community Health" in text and "Not answered." not in text
    assert "questions that nobody was asked are left out of this copy" in text
    # The worker's own copy, with no audience, keeps every question as it always did.
    assert "Not answered." in as_text(outline_of(duty, document.name, now=NOW)).text


def test_a_conference_copy_names_the_conference_and_its_day(polish, sessions):
    _, document = polish
    duty = sessions("duty")
    dated = outline_of(duty, document.name, now=NOW, audience=audience_for("conference", conference_date="2026-12-08"))
    assert dated.prepared_for == "the initial child protection conference on Tue 8 Dec 2026"
    assert "Prepared for: the initial child protection conference on Tue 8 Dec 2026" in as_text(dated).text
    undated = outline_of(duty, document.name, now=NOW, audience=audience_for("conference"))
    assert undated.prepared_for == "a child protection conference"
    # The conference report records its own day: the copy takes it from there.
    child = new_child(duty, "Tomasz", "Kowalczyk")
    report = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=child.name, template_id="initial-child-protection-conference-report",
        answers={"conference_date": a("2026-12-10")}))
    outline = outline_of(duty, report.name, now=NOW, audience=Audience("conference"))
    assert outline.prepared_for == "the initial child protection conference on Thu 10 Dec 2026"


def test_the_audit_line_says_whom_the_copy_was_for(polish, sessions, tmp_path):
    child, document = polish
    duty = sessions("duty")
    settings = OutputSettings(save_folder=str(tmp_path))
    said = print_copy(duty, document.name, settings, audience=audience_for("agency", "Northshire Community Health"))
    assert said.startswith(f"Saved as {tmp_path}/")
    print_copy(duty, document.name, settings, audience=audience_for("court", complete=True))
    report = sessions("leader").access_report(child.name).text
    assert "Dana Duty printed or saved a copy: a copy for Northshire Community Health (PDF) to a saved file" in report
    assert "Dana Duty printed or saved a copy: a complete copy for the family court (PDF) to a saved file" in report
    saved = sorted(tmp_path.iterdir())
    assert len(saved) == 2 and all(child.family_name not in p.name for p in saved)


def test_what_cannot_be_asked_for_is_refused_plainly(polish, sessions, tmp_path):
    _, document = polish
    for args, said in ((("tribunal",), "a court, a conference or an agency"),
                       (("agency",), "Say which agency the copy is for"),
                       (("agency", "x" * 121), "longer than 120 characters"),
                       (("court", "Northshire Community Health"), "only on a copy for an agency"),
                       (("conference", "", "8 December"), "give it as YYYY-MM-DD")):
        with pytest.raises(OutputError, match=said) as refused:
            audience_for(*args)
        assert refused.value.code == "INVALID_ARGUMENT"
    # `ics admin print`'s own checks, made before it asks for a password.
    assert command_line_audience(None) is None
    assert command_line_audience("agency", "Northshire  Community Health") == Audience(
        "agency", "Northshire Community Health")
    for kwargs, said in (({"kind": None, "complete": True}, "go with --for"),
                         ({"kind": "court", "family": True}, "not both")):
        with pytest.raises(OutputError, match=said):
            command_line_audience(**kwargs)
    with pytest.raises(ServiceError, match="not both"):
        print_copy(sessions("duty"), document.name, OutputSettings(save_folder=str(tmp_path)), family=True,
                   audience=audience_for("court"))
    assert list(tmp_path.iterdir()) == []


def test_the_familys_copy_is_private_and_carries_no_professional_warning(polish, sessions):
    child, document = polish
    duty = sessions("duty")
    for language, marking, private in (("en", "OFFICIAL-SENSITIVE", "Private: about you and your family."),
                                       ("cy", "SWYDDOGOL-SENSITIF / OFFICIAL-SENSITIVE",
                                        "Preifat: amdanoch chi a'ch teulu.")):
        outline = outline_of(duty, document.name, now=NOW, family=True, language=language)
        pages, text = read(as_pdf(outline).data)
        assert all(page.count(marking) == 2 and page.count(private) == 2 for page in pages)
        assert "Personal data about a child" not in text and "Prepared for" not in text
        assert child.name not in text  # the family's copy needs no record number
        assert "Zofia Wójcik" in text


def test_a_name_in_a_script_the_font_cannot_show_is_replaced_by_a_line_saying_so(polish, sessions):
    """DejaVu Sans has Arabic letters but no shaping engine sets them joined and right to left, and
    has no Bengali or Chinese: the copy says what it could not show instead of crashing, leaving
    a blank, or printing a name backwards."""
    _, document = polish
    duty = sessions("duty")
    outline = outline_of(duty, document.name, now=NOW, audience=audience_for("court"))
    facts = [("Child", "محمد Rahman, born 9 Sep 2017"), ("Also known as", "রহিম"), ("Father", "王小明")]
    odd = dataclasses.replace(outline, facts=facts + outline.facts[1:], child="محمد علي Rahman, born 9 Sep 2017",
                              signatures=[*outline.signatures, dataclasses.replace(outline.signatures[0],
                                                                                   signer="Fatima فاطمة")])
    pages, text = read(as_pdf(odd).data)
    assert "Child: [Arabic script not shown] Rahman, born 9 Sep 2017" in text
    assert "Also known as: [Bengali script not shown]" in text and "Father: [Chinese characters not shown]" in text
    assert all("[Arabic script not shown] Rahman" in page for page in pages)  # the running head, once per name
    assert ("Some names or words in this record are written in Arabic script and Bengali script and Chinese "
            "characters, which this printed copy cannot show") in pages[0]
    assert "Fatima [Arabic script not shown]" in text
    for letter in "محمদরহিম王小明فاطمة":
        assert letter not in text
    # Polish, and the rest of Latin, print as written with no such line.
    _, polish_text = read(as_pdf(outline).data)
    assert "not shown" not in polish_text and "Łucja" in polish_text


def test_an_arabic_name_recorded_in_ics_prints_its_copy_without_crashing(sessions, tmp_path):
    duty, leader = sessions("duty"), sessions("leader")
    child = new_child(duty, "مريم", "Hussain")
    document = completed(duty, leader, child)
    said = print_copy(duty, document.name, OutputSettings(save_folder=str(tmp_path)), audience=audience_for("court"))
    [saved] = list(tmp_path.iterdir())
    assert said == f"Saved as {saved}"
    pages, text = read(saved.read_bytes())
    assert f"[Arabic script not shown] {child.family_name}" in text and "Prepared for: the family court" in text
    assert "مريم" not in text
    # The plain-text copy is UTF-8 and holds the name as written.
    assert "مريم" in as_text(outline_of(duty, document.name, now=NOW, audience=audience_for("court"))).text


def test_a_draft_for_a_conference_keeps_what_is_still_required(sessions):
    duty = sessions("duty")
    child = new_child(duty, "Agnieszka", "Ślęzak")
    draft = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=child.name, template_id="single-assessment", answers={"pen_picture": a("Lives with her father")}))
    outline = outline_of(duty, draft.name, now=NOW, audience=Audience("conference", conference_date=date(2026, 12, 8)))
    text = as_text(outline).text
    assert "Required, not answered." in text and "\n    Not answered.\n" not in text
    assert "This is not the final record" in text and "Lives with her father" in text
    _, pdf_text = read(as_pdf(outline).data)
    assert "Agnieszka Ślęzak" in pdf_text and "Signatures" not in pdf_text


def test_line_mode_prints_for_a_court_a_conference_and_an_agency(stack, client_factory, tmp_path):
    from tests.line.test_line_mode import answers, drive
    from tui.core.client import IcsClient

    duty = client_factory("duty")
    child = new_child(duty, "Wiktoria", "Nowak")
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="case-note", answers={
        "note_date": a("2026-11-03"), "note_type": a("home_visit")}))
    folder = tmp_path / "prints"
    folder.mkdir()
    number = note.name.split("/")[1]
    client = IcsClient(dataclasses.replace(stack.targets(),
                                           output=OutputSettings(save_folder=str(folder), format="text")))
    try:
        text = drive(stack, ["login", "duty", "demo", f"print {number} agency Northshire Community Health",
                             f"print {number} court complete", f"print {number} conference 2026-12-08",
                             f"print {number} court tomorrow", f"print {number} agency", "quit"], tmp_path, client=client)
    finally:
        client.close()
    blocks = answers(text)
    copies = [p.read_text() for p in sorted(folder.iterdir())]
    assert len(copies) == 3  # the two refused made none
    assert all(c.startswith(f"OFFICIAL-SENSITIVE\n{WARNING[:60]}") for c in copies)
    assert all(" ".join(block).startswith("Saved as ") for block in blocks[2:5])
    agency, court, conference = (next(c for c in copies if f"Prepared for: {whom}" in c) for whom in (
        "Northshire Community Health", "the family court", "the initial child protection conference on Tue 8 Dec 2026"))
    assert "Not answered." not in agency and "Not answered." in court  # complete keeps every question
    assert "nothing else goes after court" in " ".join(blocks[5])
    assert "Say which agency the copy is for" in " ".join(blocks[6])
    report = client_factory("leader").access_report(child.name).text
    assert "a copy for Northshire Community Health (TXT)" in report
    assert "a complete copy for the family court (TXT)" in report


async def test_the_reader_makes_a_copy_for_an_agency_from_a_small_form(stack, duty, tmp_path):
    from tests.tui.test_app_pilot import SIZE, choose, log_in, screen_text, tab_to, type_text, wait_until
    from tests.tui.test_reading_and_printing import open_child
    from tui.app.app import IcsApp
    from tui.app.screens.child import Chooser
    from tui.app.screens.reader import ProfessionalCopyScreen, ReaderScreen

    child = new_child(duty, "Oliwia", "Zielińska")
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="case-note", answers={
        "note_date": a("2026-11-03"), "note_type": a("home_visit")}))
    call(duty, "EndDocument", pb.EndDocumentRequest(name=note.name, etag=note.etag, state=pb.DOCUMENT_STATE_COMPLETED))
    folder = tmp_path / "prints"
    folder.mkdir()
    app = IcsApp(dataclasses.replace(stack.targets(), output=OutputSettings(save_folder=str(folder))))
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await open_child(pilot, app, f"Oliwia {child.family_name}", child.display_name)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, Chooser), what="document chooser")
        await pilot.press("enter")
        reader = await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen, what="reader")
        await wait_until(pilot, lambda: reader.printed is not None, what="shown")
        await pilot.press("c")
        form = await wait_until(pilot, lambda: isinstance(app.screen, ProfessionalCopyScreen) and app.screen,
                                what="form")
        await choose(pilot, "in-whom", "another")
        await pilot.press("ctrl+s")  # no agency named: refused on the form, nothing printed
        await wait_until(pilot, lambda: "Say which agency" in " ".join(screen_text(app).split()), what="refused")
        assert app.screen is form and list(folder.iterdir()) == []
        await tab_to(pilot, "in-agency")
        await type_text(pilot, "Northshire Community Health")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is reader and "Saved as" in " ".join(screen_text(app).split()),
                         what="saved")
    [saved] = list(folder.iterdir())
    _, text = read(saved.read_bytes())
    assert "Prepared for: Northshire Community Health" in text and "OFFICIAL-SENSITIVE" in text
    assert f"Oliwia {child.family_name}" in text and "Date of birth: Sat 9 Sep 2017" in text
