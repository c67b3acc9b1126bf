"""F1 help and the command palette: every action of a screen can be found by name, nothing needs
a mouse, and neither works from behind the lock screen."""

from __future__ import annotations

from tests.tui.test_app_pilot import SIZE, log_in, screen_text, type_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.my_work import MyWorkScreen
from tui.app.screens.search import SearchScreen
from tui.app.screens.keys import KeysScreen
from tui.app.screens.lock import LockScreen


async def test_f1_shows_keys_and_the_palette_runs_actions_by_name(stack, duty):
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, KeysScreen), what="the keys screen")
        # The screen's own keys first, each with its help text (the tooltips).
        text = " ".join(screen_text(app).split())
        assert "Keys: My work for Dana Duty" in text
        assert "/: Find a child. Search for a child by name and date of birth" in text
        assert text.index("n: New contact.") < text.index("F12: Lock screen.")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="help closed")

        # In a form, F1 also says which field the cursor is in and its help; Escape goes back there.
        await pilot.press("n")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ContactScreen", what="contact form")
        form = app.screen
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "in-given_name", what="focus")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, KeysScreen), what="the keys screen")
        text = " ".join(screen_text(app).split())
        assert "You are in: First name. as the caller gave it." in text and "Ctrl+S: Record." in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is form and app.focused.id == "in-given_name", what="back in place")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")

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
