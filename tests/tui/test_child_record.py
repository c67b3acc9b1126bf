"""Finding a child and reading their record in the Textual front end, by keys through Pilot
against the real services: / from My work, a misspelt name, Enter, sections 1 to 7, Escape."""

from __future__ import annotations

import uuid

from ics.records.v1 import records_pb2 as pb
from tests.helpers import call, referred_child_with_a_visit
from tests.tui.test_app_pilot import SIZE, log_in, screen_text, type_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.child import ChildScreen
from tui.app.screens.my_work import MyWorkScreen
from tui.app.screens.search import SearchScreen


async def test_find_a_child_by_a_misspelt_name_and_read_each_section(stack, duty):
    reply = referred_child_with_a_visit(duty)
    family = reply.person.family_name

    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), what="search")
        await type_text(pilot, f"Margerite {family}")  # one letter missing
        await wait_until(pilot, lambda: reply.person.name in screen_text(app), what="the child found")
        await pilot.press("enter", "enter")
        child = await wait_until(pilot, lambda: isinstance(app.screen, ChildScreen) and app.screen, what="record")
        await wait_until(pilot, lambda: child.record is not None, what="record loaded")
        text = screen_text(app)
        assert reply.person.display_name in text and "Not allocated to a worker." in text
        assert "Pen picture: not recorded yet." in text and "Key case summary: not recorded yet." in text
        await pilot.press("3")
        await wait_until(pilot, lambda: "Home visit with the school nurse" in screen_text(app), what="chronology")
        assert "(recorded by Dana Duty)" in screen_text(app)
        await pilot.press("6")
        await wait_until(pilot, lambda: "Never allocated to a worker." in screen_text(app), what="allocation")
        await pilot.press("7")
        await wait_until(pilot, lambda: "Referral decision due" in screen_text(app), what="timescales")
        await pilot.press("4")
        await wait_until(pilot, lambda: "No documents yet." in screen_text(app), what="documents")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), what="back to search")


async def test_a_child_you_may_not_see_is_not_found(stack, duty, client_factory):
    hidden = call(client_factory("worker2"), "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Hidden", family_name=f"Other{uuid.uuid4().hex[:4]}", date_of_birth="2012-01-01",
        sex=pb.SEX_MALE), confirmed_not_duplicate=True))
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.5)
        app.client.login("worker", "demo")
        app.push_screen(ChildScreen(hidden.name))
        await wait_until(pilot, lambda: "is known to you" in screen_text(app), what="refusal said")
        assert "Record not opened" in screen_text(app) and hidden.family_name not in screen_text(app)
