"""The Textual front end driven by keys through Pilot, against the real services on both
database engines: login, My work, a new contact and its decision, autosave and resume,
known children, and the large layout at 40x12."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from textual.widgets import DataTable, Static, TextArea

from ics.records.v1 import records_pb2 as pb
from tui.app.app import IcsApp
from tui.app.screens.contact import ContactScreen
from tui.app.screens.decision import DecisionScreen
from tui.app.screens.login import LoginScreen
from tui.app.screens.my_work import MyWorkScreen

SIZE = (110, 36)
BOX_DRAWING = re.compile("[\u2500-\u257f]")




def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_until(pilot, predicate, timeout: float = 10.0, what: str = "condition", every=None):
    """Polls `predicate`; `every` (such as My work's refresh) is called each half second."""
    deadline = time.monotonic() + timeout
    tick = 0
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        tick += 1
        if every and tick % 5 == 0:
            every()
        await pilot.pause(0.1)
    raise AssertionError(f"{what}: not true within {timeout}s; screen was:\n{screen_text(pilot.app)}")


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", "/": "slash", ",": "comma", "-": "minus"}.get(c, c) for c in text])


async def log_in(pilot, password: str = "demo", username: str = "duty") -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, LoginScreen), what="login screen")
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")


async def log_in_and_open_contact_form(pilot) -> None:
    app = pilot.app
    await log_in(pilot)
    await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, ContactScreen), what="contact form")


async def tab_to(pilot, widget_id: str, limit: int = 15) -> None:
    """Tab (the keyboard only) until the given field has focus."""
    for _ in range(limit):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await pilot.press("tab")
    raise AssertionError(f"could not Tab to #{widget_id}; focus is on {pilot.app.focused}")


async def choose(pilot, widget_id: str, typed: str) -> None:
    """A Select by keyboard: Enter opens it, typing finds the option, Enter takes it."""
    await tab_to(pilot, widget_id)
    await pilot.press("enter")
    await type_text(pilot, typed)
    await pilot.press("enter")


def status_text(app) -> str:
    return str(app.screen.query_one("#status", Static).render())


def work_rows(app) -> dict[str, list[str]]:
    table = app.screen.query_one(DataTable)
    return {str(key.value): [str(cell) for cell in table.get_row(key)] for key in table.rows}


def row_for(app, family: str, what: str = "Referral decision due") -> tuple[str, list[str]] | None:
    if not isinstance(app.screen, MyWorkScreen):
        return None
    return next(((key, cells) for key, cells in work_rows(app).items()
                 if any(family in c for c in cells) and what in cells), None)


def record_contact(client, family: str) -> pb.RecordContactResponse:
    return client.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Known", family_name=family, date_of_birth="2016-02-03",
                             sex=pb.SEX_MALE, postcode="ZZ9 9ZZ"),
        source=pb.CONTACT_SOURCE_POLICE, reason="Police attended a domestic incident"))


def test_every_key_has_an_id_and_a_description():
    from textual.binding import Binding

    from tui.app import bindings

    every = [b for value in vars(bindings).values()
             for b in (value if isinstance(value, list) else [value]) if isinstance(b, Binding)]
    assert len(every) >= 15
    assert all(b.id and b.description for b in every), [b for b in every if not (b.id and b.description)]
    assert len({b.id for b in every}) == len(every)  # ids are what a keymap file names


async def test_login_refuses_a_wrong_password_then_shows_my_work(stack, duty):
    reply = record_contact(duty, f"Login{uuid.uuid4().hex[:6]}")
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, password="wrong")
        await wait_until(pilot, lambda: "do not match" in status_text(app), what="wrong-password message")
        assert isinstance(app.screen, LoginScreen)
        await pilot.pause(0.5)  # it stays: a status line, not a toast
        assert "do not match" in screen_text(app)

        await type_text(pilot, "demo")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen.rows,
                         what="My work with rows")
        await wait_until(pilot, lambda: any(row.referral == reply.referral.name for row in app.screen.rows.values()),
                         every=app.screen.refresh_work, what="the new referral in My work")
        assert "Referral decision due" in screen_text(app)
        table = app.screen.query_one(DataTable)
        assert app.focused is table
        statuses = [cells[0] for cells in work_rows(app).values()]
        assert all(re.match(r"(OVERDUE|due |met on|missed|awaiting)", s) for s in statuses), statuses


async def test_new_contact_then_decision_by_keyboard(stack, duty):
    family = f"Pilot{uuid.uuid4().hex[:8]}"
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in_and_open_contact_form(pilot)
        form = app.screen

        await pilot.press("ctrl+s")  # nothing typed: refused, and the fields say why
        await wait_until(pilot, lambda: form.query_one("#field-reason").has_class("-invalid"), what="marked fields")
        assert form.query_one("#field-date_of_birth").has_class("-invalid")
        assert "Problem:" in status_text(app) and isinstance(app.screen, ContactScreen)

        await tab_to(pilot, "in-given_name")
        await type_text(pilot, "Ada")
        await tab_to(pilot, "in-family_name")
        await type_text(pilot, family)
        await tab_to(pilot, "in-date_of_birth")
        await type_text(pilot, "2017-05-04")
        assert not form.query_one("#field-date_of_birth").has_class("-invalid")  # typing clears the mark
        await choose(pilot, "in-sex", "female")
        await choose(pilot, "in-source", "school")
        await tab_to(pilot, "in-reason")
        await type_text(pilot, "Teacher saw bruising on arm")
        assert form.keeper.fields["sex"] == "female" and form.keeper.fields["source"] == "school"
        await pilot.press("ctrl+s")

        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="back on My work")
        assert status_text(app).startswith("Contact recorded; referral awaiting decision")
        key, cells = await wait_until(pilot, lambda: row_for(app, family), timeout=10,
                                      every=app.screen.refresh_work, what="the new referral's row")
        assert cells[0].startswith("due") or cells[0] == "awaiting decision"

        table = app.screen.query_one(DataTable)
        await pilot.press("home")
        for _ in range(table.get_row_index(key)):
            await pilot.press("down")
        assert app.screen.selected.key == key
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DecisionScreen), what="decision screen")
        await wait_until(pilot, lambda: app.screen.etag, what="referral loaded")
        await choose(pilot, "in-decision", "assessment")
        await tab_to(pilot, "in-reason")
        await type_text(pilot, "Needs a full assessment")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="back after deciding")
        assert status_text(app).startswith("Decision saved: assessment")
        await wait_until(pilot, lambda: (found := row_for(app, family)) and found[1][0].startswith("met on"),
                         every=app.screen.refresh_work, what="the clock met")
        # Deciding on an assessment starts the assessment's own clock: 45 working days from the referral.
        await wait_until(pilot, lambda: row_for(app, family, "Single assessment due"),
                         every=app.screen.refresh_work, what="the assessment clock")


async def test_typing_is_saved_as_a_draft_and_comes_back(stack, duty, tmp_path, monkeypatch):
    reason = f"Neighbour worried {uuid.uuid4().hex[:6]}"
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in_and_open_contact_form(pilot)
        await type_text(pilot, "Bea")
        await tab_to(pilot, "in-reason")
        await type_text(pilot, reason)
        await wait_until(pilot, lambda: status_text(app).startswith("Draft saved"), what="draft saved")
        drafts = await wait_until(pilot, lambda: [d for d in duty.list_drafts("contact")
                                                  if d.fields.get("reason") == reason], what="draft on server")
        assert drafts[0].fields["given_name"] == "Bea" and drafts[0].title == "Contact about Bea"

        await type_text(pilot, " again")  # then the link drops before the next save
        app._hung_up()
    assert app.return_code == 129
    assert [d for d in duty.list_drafts("contact") if d.fields.get("reason") == reason + " again"]

    # Another computer: nothing local, so the form comes back from the server.
    monkeypatch.setenv("ICS_STATE_DIR", str(tmp_path / "elsewhere"))
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in_and_open_contact_form(pilot)
        assert app.screen.query_one("#in-reason", TextArea).text == reason + " again"
        assert app.screen.query_one("#in-given_name").value == "Bea"
        assert "Your draft is back" in status_text(app)

        app.client.session.token = "x" * 43  # the session ends while the form is open
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen) and "Please log in again" in screen_text(app),
                         what="login again")
        assert app.screen.again_as == "duty"  # only the same worker: the open form is theirs
        await type_text(pilot, "demo")
        await pilot.press("enter")
        # Back on the form with everything kept, and the save carried on (refused: no DOB yet).
        await wait_until(pilot, lambda: isinstance(app.screen, ContactScreen) and "Problem:" in status_text(app),
                         what="the save retried after login")
        assert app.screen.query_one("#in-reason", TextArea).text == reason + " again"
        assert app.screen.query_one("#field-date_of_birth").has_class("-invalid")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="back, draft kept")
        assert "draft is saved" in status_text(app)


async def test_known_child_is_offered_and_used(stack, duty):
    family = f"Known{uuid.uuid4().hex[:6]}"
    known = record_contact(duty, family).person
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in_and_open_contact_form(pilot)
        form = app.screen
        await type_text(pilot, "Known")
        await tab_to(pilot, "in-family_name")
        await type_text(pilot, family)
        await wait_until(pilot, lambda: known.name in form.matches, what="known child offered")
        await tab_to(pilot, "known")
        await pilot.press("enter")
        assert form.keeper.fields["person"] == known.name
        assert f"Using known child: {known.display_name}" in screen_text(app)
        assert app.focused.id == "in-received_date"
        await choose(pilot, "in-source", "health")
        await tab_to(pilot, "in-reason")
        await type_text(pilot, "GP concerned")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="recorded")
    referrals = [r for r in duty.list_referrals(page_size=500) if r.person == known.name]
    assert len(referrals) == 2  # the same child, not a duplicate


async def test_large_layout_at_40_by_12(stack, duty):
    for _ in range(2):  # something in My work, whatever ran before
        record_contact(duty, f"Large{uuid.uuid4().hex[:6]}")
    app = IcsApp(stack.targets(), large=True)
    async with app.run_test(size=(40, 12)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), what="login screen")
        text = screen_text(app)
        # No footer of keys cut off at 40 columns: one line says F1 lists them.
        assert "Username" in text and "Password" in text and "F1: the keys for this screen." in text
        assert app.has_class("-large") and not BOX_DRAWING.search(text)
        await log_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen.rows, what="My work")
        text = screen_text(app)
        assert "My work:" in text and "open" in text and "F1: the keys for this screen." in text
        first = next(iter(app.screen.rows.values()))
        assert first.status in text and first.child.split(",")[0] in text  # status first, then who
        assert not BOX_DRAWING.search(text)
        # The arrow keys move the highlight (and the sentence under the list follows it).
        table = app.screen.query_one("#work")
        await pilot.press("down")
        await wait_until(pilot, lambda: table.cursor_row == 1, what="the highlight moved down")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ContactScreen), what="contact form")
        text = screen_text(app)
        assert "First name" in text and not BOX_DRAWING.search(text)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="back")


async def test_my_work_refreshes_by_itself(stack, duty, monkeypatch):
    """A referral recorded by a colleague appears without the worker pressing anything."""
    import tui.app.screens.my_work as my_work

    monkeypatch.setattr(my_work, "AUTO_REFRESH_SECONDS", 0.5)
    family = f"Auto{uuid.uuid4().hex[:8]}"
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        await pilot.pause(0.5)
        record_contact(duty, family)
        await wait_until(pilot, lambda: row_for(app, family), timeout=10, what="the colleague's referral")


async def test_highlight_stays_on_the_same_referral_when_its_clock_arrives(stack, duty):
    """A refresh must never move the highlight to another child: `d` would decide the wrong one."""
    from tui.app.screens.my_work import WorkRow

    waiting = WorkRow("referrals/9", "Referral awaiting decision", "A", "d", "awaiting decision", "s", "referrals/9")
    clocked = WorkRow("clocks/4", "Referral decision due", "A", "d", "due in 1 working day", "s", "referrals/9")
    other = WorkRow("clocks/1", "Referral decision due", "B", "d", "OVERDUE", "s", "referrals/1")
    assert MyWorkScreen._row_to_keep([other, clocked], waiting, 5) == 1
    assert MyWorkScreen._row_to_keep([other, clocked], clocked, 0) == 1
    assert MyWorkScreen._row_to_keep([other], clocked, 3) == 0


async def test_a_reset_password_is_replaced_on_the_login_screen(stack, client_factory):
    from ics.identity.v1 import identity_pb2 as ipb
    from services.common.db import Database
    from services.identity import store

    db = Database(stack.config["identity"].database_url)
    try:
        username = f"gus{uuid.uuid4().hex[:4]}"
        user = db.write_sync(lambda s: store.create_user(s, username, "Gus Grey", "demo", ["duty"], [1]))
    finally:
        db.dispose()
    admin = client_factory("admin")
    admin._call("identity", admin.identity.ResetPassword, ipb.ResetPasswordRequest(
        name=f"users/{user.id}", temporary_password="Temporary-pass-1"))
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), what="login screen")
        await type_text(pilot, username)
        await pilot.press("enter")
        await type_text(pilot, "Temporary-pass-1")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen.query_one("#new-password-box").display, what="new password boxes")
        assert "new password" in status_text(app).lower() and isinstance(app.screen, LoginScreen)
        await type_text(pilot, "Fresh-secret-99")
        await pilot.press("enter")  # on to the second box
        await type_text(pilot, "Fresh-secret-99")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
    client_factory(username, "Fresh-secret-99")
