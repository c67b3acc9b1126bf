"""The team leader's view in the Textual front end: t from My work, Enter reads the work, r with
no comment is refused, a comment then r returns it, a approves the resubmitted version."""

from __future__ import annotations

from ics.records.v1 import records_pb2 as pb
from tests.helpers import call
from tests.line.test_line_team import submitted_assessment
from tests.tui.test_app_pilot import SIZE, log_in, screen_text, tab_to, type_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.my_work import MyWorkScreen
from tui.app.screens.team import TeamScreen


async def test_leader_reads_returns_and_approves(stack, duty):
    person, document = submitted_assessment(duty)
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, username="leader")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        await pilot.press("t")
        team = await wait_until(pilot, lambda: isinstance(app.screen, TeamScreen) and app.screen, what="team")
        await wait_until(pilot, lambda: person.display_name in screen_text(app), what="waiting work listed")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Decision: Child in need plan." in screen_text(app), what="read")
        await pilot.press("r")
        await wait_until(pilot, lambda: "nothing was changed" in screen_text(app), what="comment needed")
        await tab_to(pilot, "comments")
        await type_text(pilot, "Add the child's views")
        await pilot.press("shift+tab")
        await pilot.press("r")
        await wait_until(pilot, lambda: "was returned to the worker" in screen_text(app), what="returned")
        returned = call(duty, "GetDocument", pb.GetDocumentRequest(name=document.name))
        assert returned.return_comments == "Add the child's views"
        call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=document.name, etag=returned.etag))
        team.refresh_view()
        await wait_until(pilot, lambda: person.display_name in screen_text(app), what="resubmitted work listed")
        await pilot.press("a")
        await wait_until(pilot, lambda: "approved and completed" in screen_text(app), what="approved")
    assert call(duty, "GetDocument", pb.GetDocumentRequest(name=document.name)).state == pb.DOCUMENT_STATE_COMPLETED
