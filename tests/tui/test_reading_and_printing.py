"""By keys through Pilot against the real services: search shows a child's family; o on the
child's record opens a document another worker wrote as it prints, and p saves a copy in the
configured folder; F9 in the editor does the same for the record being written; with nothing
configured the worker is told plainly."""

from __future__ import annotations

import dataclasses
import uuid

from ics.records.v1 import records_pb2 as pb
from tests.helpers import a, call
from tests.tui.test_app_pilot import SIZE, log_in, screen_text, type_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.child import ChildScreen, Chooser
from tui.app.screens.document import DocumentScreen
from tui.app.screens.my_work import MyWorkScreen
from tui.app.screens.reader import ReaderScreen
from tui.app.screens.search import SearchScreen
from tui.core.printing import OutputSettings


def words(app) -> str:
    return " ".join(screen_text(app).split())


async def open_child(pilot, app, query: str, name: str) -> ChildScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
    await pilot.press("slash")
    await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), what="search")
    await type_text(pilot, query)
    await wait_until(pilot, lambda: name in words(app), what="found")  # the name with its date of birth
    await pilot.press("enter", "enter")
    record = await wait_until(pilot, lambda: isinstance(app.screen, ChildScreen) and app.screen, what="record")
    await wait_until(pilot, lambda: record.record is not None, what="loaded")
    return record


async def test_search_shows_the_family_and_a_document_is_read_and_saved(stack, duty, client_factory, tmp_path):
    family = f"Print{uuid.uuid4().hex[:6]}"
    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Ember", family_name=family, date_of_birth="2015-03-03", sex=pb.SEX_FEMALE)))
    mother = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Opal", family_name=family, date_of_birth="1989-07-07", sex=pb.SEX_FEMALE)))
    call(duty, "CreateRelationship", pb.CreateRelationshipRequest(relationship=pb.Relationship(
        child=child.name, other=mother.name, type_code="mother", lives_with_child=True)))
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(
        person=child.name, template_id="case-note", answers={"note_date": a("2026-11-03")}))
    folder = tmp_path / "prints"
    folder.mkdir()

    # The leader reads duty's note (not theirs to edit) and saves a copy.
    targets = dataclasses.replace(stack.targets(), output=OutputSettings(save_folder=str(folder)))
    app = IcsApp(targets)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, username="leader")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), what="search")
        await type_text(pilot, f"Ember {family}")
        await wait_until(pilot, lambda: f"Mother: Opal {family}, born 7 Jul 1989, lives with them" in words(app),
                         what="the family on the result")
        await pilot.press("enter", "enter")
        record = await wait_until(pilot, lambda: isinstance(app.screen, ChildScreen) and app.screen, what="record")
        await wait_until(pilot, lambda: record.record is not None, what="loaded")
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, Chooser), what="document chooser")
        await pilot.press("enter")
        reader = await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen, what="reader")
        await wait_until(pilot, lambda: reader.printed is not None, what="the document shown")
        assert "This is not the final record" in words(app) and f"Ember {family}" in words(app)
        await pilot.press("p")
        await wait_until(pilot, lambda: "Saved as" in words(app), what="saved")
        [saved] = list(folder.iterdir())
        # A PDF unless IT chose plain text; the same words as the reader shows.
        assert saved.suffix == ".pdf" and saved.read_bytes().startswith(b"%PDF")
        from pypdf import PdfReader

        pages = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(saved).pages)
        assert f"Ember {family}" in pages and "Case Note" in pages and "not the final record" in pages
        assert family not in saved.name  # no child's name in a file name on a shared server
        # f: the family's plain-language copy, in the template's family wording.
        await pilot.press("f")
        await wait_until(pilot, lambda: len(list(folder.iterdir())) == 2, what="the family's copy saved")
        [copy] = [p for p in folder.iterdir() if p != saved]
        copy_text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(copy).pages)
        assert copy_text.startswith(f"OFFICIAL-SENSITIVE Private: about you and your family. Ember {family}") and "A note about you" in copy_text and "For: Ember" in copy_text
        await pilot.press("y")  # the family's copy in Welsh
        await wait_until(pilot, lambda: len(list(folder.iterdir())) == 3, what="the Welsh copy saved")
        [welsh] = [p for p in folder.iterdir() if p not in (saved, copy)]
        welsh_text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(welsh).pages)
        assert "Nodyn amdanoch chi" in welsh_text and "Ar gyfer: Ember" in welsh_text and "tudalen 1 o 1" in welsh_text

    # Duty carries on with their own note; F9 in the editor with nothing configured is refused plainly.
    targets = dataclasses.replace(stack.targets(), output=OutputSettings())
    app = IcsApp(targets)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await open_child(pilot, app, f"Ember {family}", child.display_name)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, Chooser), what="document chooser")
        await pilot.press("enter")
        editor = await wait_until(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen, what="editor")
        assert editor.editor.document.name == note.name
        await pilot.press("f9")
        await wait_until(pilot, lambda: "Printing and saving are not set up on this server." in words(app),
                         what="not set up")
    assert len(list(folder.iterdir())) == 3


async def test_a_parents_signature_is_recorded_from_the_reader(stack, duty):
    from tests.tui.test_app_pilot import choose, tab_to
    from tui.app.screens.reader import SignScreen

    family = f"Sign{uuid.uuid4().hex[:6]}"
    child = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Linden", family_name=family, date_of_birth="2014-04-04", sex=pb.SEX_MALE)))
    note = call(duty, "CreateDocument", pb.CreateDocumentRequest(person=child.name, template_id="case-note", answers={
        "note_date": a("2026-11-03"), "note_type": a("home_visit")}))
    call(duty, "EndDocument", pb.EndDocumentRequest(name=note.name, etag=note.etag, state=pb.DOCUMENT_STATE_COMPLETED))
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await open_child(pilot, app, f"Linden {family}", child.display_name)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, Chooser), what="document chooser")
        await pilot.press("enter")
        reader = await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen, what="reader")
        await wait_until(pilot, lambda: reader.printed is not None, what="shown")
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, SignScreen), what="sign form")
        await choose(pilot, "in-who", "a parent")
        await tab_to(pilot, "in-signer_name")
        await type_text(pilot, "Sam Linden")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is reader and "now carries 2 signatures" in words(app),
                         what="signed")
        await wait_until(pilot, lambda: "Parent or carer: Sam Linden, signed in person" in reader.printed.text,
                         what="the signature block shows it")
        await pilot.press("end")  # the reader scrolls by keys to the signatures at the foot
        await wait_until(pilot, lambda: "Sam Linden" in words(app), what="seen on screen")
