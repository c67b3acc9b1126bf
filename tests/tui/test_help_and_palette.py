"""F1 help and the command palette: every action of a screen can be found by name, nothing needs
a mouse, and neither works from behind the lock screen."""

from __future__ import annotations

from tests.tui.test_app_pilot import SIZE, log_in, screen_text, type_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.my_work import MyWorkScreen
from tui.app.screens.search import SearchScreen
from tui.app.screens.lock import LockScreen


async def test_f1_shows_keys_and_the_palette_runs_actions_by_name(stack, duty):
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        await pilot.press("f1")
        await wait_until(pilot, lambda: app.screen.query("HelpPanel"), what="help panel")
        # The screen's keys with their help text (the tooltips), which only the panel shows.
        await wait_until(pilot, lambda: "Search for a child" in screen_text(app), what="keys with their help")
        assert "Record" in screen_text(app) and "Decide the" in screen_text(app)
        await pilot.press("f1")
        await wait_until(pilot, lambda: not app.screen.query("HelpPanel"), what="help hidden")

        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: "CommandPalette" in type(app.screen).__name__, what="palette")
        await type_text(pilot, "find a child")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen), what="search, from the palette")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")

        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, LockScreen), what="locked")
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert isinstance(app.screen, LockScreen)
