"""Emergency access in the Textual front end, by keys through Pilot against the real services:
e from My work, the child and a reason, Ctrl+S; a missing reason is marked and opens nothing."""

from __future__ import annotations

import uuid

from ics.records.v1 import records_pb2 as pb
from tests.helpers import call
from tests.tui.test_app_pilot import SIZE, log_in, screen_text, tab_to, type_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.emergency import EmergencyScreen
from tui.app.screens.my_work import MyWorkScreen


async def test_emergency_access_from_my_work(stack, client_factory):
    duty, manager = client_factory("duty"), client_factory("manager")
    person = call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
        given_name="Glass", family_name=f"Pilot{uuid.uuid4().hex[:6]}", date_of_birth="2015-03-04",
        sex=pb.SEX_FEMALE), confirmed_not_duplicate=True))
    current = call(manager, "GetPerson", pb.GetPersonRequest(name=person.name))
    call(manager, "SetRecordAccess", pb.SetRecordAccessRequest(
        person=person.name, access_level=pb.ACCESS_LEVEL_RESTRICTED, reason="Staff member's child", etag=current.etag))

    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, username="worker")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EmergencyScreen), what="emergency form")
        await type_text(pilot, person.name.split("/")[1])
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "nothing was opened" in screen_text(app), what="reason required")
        assert isinstance(app.screen, EmergencyScreen)
        await tab_to(pilot, "in-reason")
        await type_text(pilot, "Police at the door")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="back to My work")
        await wait_until(pilot, lambda: f"Emergency access to {person.display_name} is open until"
                         in screen_text(app), what="outcome on the status line")
    assert app.client.get_person(person.name).name == person.name
