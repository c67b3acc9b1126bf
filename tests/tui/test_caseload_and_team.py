"""By keys through Pilot against the real services: a team leader allocates a waiting case and
extends an overdue timescale from the team view; the worker finds the child on My work's
caseload (2), opens the record, and carries on with a record from drafts (3)."""

from __future__ import annotations


from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as pb
from tests.helpers import a, call, referred_child, wait_for
from tests.tui.test_app_pilot import SIZE, choose, log_in, screen_text, tab_to, type_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.child import ChildScreen
from tui.app.screens.document import DocumentScreen
from tui.app.screens.my_work import MyWorkScreen
from tui.app.screens.team import AllocateScreen, ExtendScreen, TeamScreen


async def leaders_team_view(pilot) -> TeamScreen:
    """Log in as the team leader and press t: the team view, loaded."""
    app = pilot.app
    await log_in(pilot, username="leader")
    await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
    await pilot.press("t")
    return await wait_until(pilot, lambda: isinstance(app.screen, TeamScreen) and app.screen.view and app.screen,
                            what="team")


async def highlight(pilot, screen, name: str) -> None:
    """Arrow down to the row about `name` in the screen's list."""
    await wait_until(pilot, lambda: any(name in screen.sentence(item) for item in screen.items()), what=name)
    index = next(i for i, item in enumerate(screen.items()) if name in screen.sentence(item))
    await pilot.press("home", *["down"] * index)


async def test_leader_allocates_and_the_worker_finds_the_case_and_the_draft(stack, duty, client_factory):
    child = referred_child(duty, "Alder").person
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        team = await leaders_team_view(pilot)
        await pilot.press("l")
        await wait_until(pilot, lambda: "Press 3 for the waiting list first." in screen_text(app), what="wrong list")
        await pilot.press("3")
        await wait_until(pilot, lambda: "[3 Waiting]" in screen_text(app), what="waiting view")
        await highlight(pilot, app.screen, child.display_name)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, AllocateScreen), what="allocate form")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Choose the worker first; nothing was allocated." in screen_text(app),
                         what="worker required")
        await choose(pilot, "in-worker", "Wes")
        await tab_to(pilot, "in-reason")
        await type_text(pilot, "Knows the family")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is team and
                         f"Allocated {child.display_name} to Wes Worker from" in screen_text(app), what="allocated")
        await wait_until(pilot, lambda: child.display_name not in " ".join(team.sentence(i) for i in team.items()),
                         what="no longer waiting")

    worker = client_factory("worker")
    document = call(worker, "CreateDocument", pb.CreateDocumentRequest(
        person=child.name, template_id="single-assessment", answers={"reason": a("Health visitor worried")}))
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, username="worker")
        work = await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen, what="My work")
        await pilot.press("2")
        await wait_until(pilot, lambda: child.display_name in screen_text(app), what="on the caseload")
        words = " ".join(screen_text(app).split())  # rows wrap to the screen's width
        assert "[2 Caseload]" in words and f"{child.display_name} ({child.name}), yours since" in words
        assert "1 record being written" in words
        index = next(i for i, e in enumerate(work.list_rows) if e.person.name == child.name)
        await pilot.press(*["down"] * index, "enter")
        record = await wait_until(pilot, lambda: isinstance(app.screen, ChildScreen) and app.screen, what="record")
        await wait_until(pilot, lambda: record.record is not None, what="loaded")
        await pilot.press("6")
        await wait_until(pilot, lambda: "Wes Worker, from" in screen_text(app), what="allocation section")
        assert "Reason: Knows the family. Allocated by Lee Leader." in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is work, what="back to My work")
        await pilot.press("3")
        await wait_until(pilot, lambda: f"({document.name})" in screen_text(app), what="the draft listed")
        assert "being written" in screen_text(app)
        index = next(i for i, row in enumerate(work.list_rows) if row.document == document.name)
        await pilot.press(*["down"] * index, "enter")
        editor = await wait_until(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen, what="editor")
        assert editor.editor.document.name == document.name
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is work, what="back to My work")
        await pilot.press("d")
        await wait_until(pilot, lambda: "Referrals are in your alerts: press 1" in screen_text(app), what="d refused")


async def test_leader_extends_an_overdue_timescale_giving_a_reason(stack, duty):
    child = referred_child(duty, "Birch", received="2026-10-01", decide=False).person
    clock = wait_for(lambda: [c for c in duty.person_clocks(child.name) if c.overdue], what="overdue clock")[0]
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        team = await leaders_team_view(pilot)
        await pilot.press("2")
        await wait_until(pilot, lambda: "Overdue work by worker:" in screen_text(app), what="overdue view")
        await highlight(pilot, team, child.display_name)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ExtendScreen), what="extend form")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Give the new due date and the reason; nothing was changed." in screen_text(app),
                         what="both required")
        await type_text(pilot, "2099-01-05")
        await tab_to(pilot, "in-reason")
        await type_text(pilot, "Family abroad until January")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is team and "Extended: Referral decision due for" in screen_text(app),
                         what="extended")
        await pilot.press("4")
        await wait_until(pilot, lambda: "Reason: Family abroad until January" in screen_text(app), what="listed")
        assert "extended by Lee Leader" in screen_text(app)
    after = call(duty, "GetClock", apb.GetClockRequest(name=clock.name), service="alerts")
    assert after.due_date == "2099-01-05"
