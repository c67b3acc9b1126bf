"""The ICS Textual app: owns the client, the large-mode switch, the login-again flow, and the
safety net that saves an open draft when the terminal goes away."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.app import App
from textual.geometry import Offset
from textual.theme import Theme
from textual.widgets import DataTable, Input, OptionList, TextArea

from tui.app import bindings
from tui.app.screens.login import LoginScreen
from tui.app.screens.my_work import MyWorkScreen
from tui.core.client import IcsClient, Targets
from tui.core.drafts import DraftKeeper

HANGUP_EXIT_CODE = 129  # 128 + SIGHUP, as a shell reports it

# Large mode: white on black, yellow for focus and keys; no meaning rests on the colour alone.
HIGH_CONTRAST = Theme(
    name="ics-high-contrast", primary="#ffff00", secondary="#00ffff", accent="#ffff00",
    warning="#ffff00", error="#ff8080", success="#80ff80", foreground="#ffffff",
    background="#000000", surface="#303030", panel="#000000", dark=True,
    variables={
        "block-cursor-foreground": "#000000", "block-cursor-background": "#ffff00",
        "block-cursor-text-style": "bold", "input-cursor-background": "#ffffff",
        "input-cursor-foreground": "#000000", "footer-key-foreground": "#ffff00",
        "text-muted": "#e0e0e0", "border": "#ffffff", "border-blurred": "#ffffff",
    },
)


class IcsApp(App[int]):
    CSS_PATH = "ics.tcss"
    TITLE = "ICS"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [bindings.QUIT, *bindings.NEXT_FIELD]

    def __init__(self, targets: Targets, large: bool = False, state_dir: Path | None = None) -> None:
        self._cursor_fallback = Offset(0, 0)
        super().__init__()
        self.animation_level = "none"
        self.client = IcsClient(targets)
        self.large = large
        self.state_dir = state_dir  # None: tui.core.drafts.default_state_dir()
        # The contact form being typed, and how to title its draft: saved on quit and hangup.
        self.open_draft: tuple[DraftKeeper, Callable[[], str]] | None = None
        self._after_login: list[Callable[[], None]] = []
        self._signals: list[int] = []
        self.register_theme(HIGH_CONTRAST)

    def on_mount(self) -> None:
        if self.large:
            self.add_class("-large")
            self.theme = HIGH_CONTRAST.name
        self._catch_hangup()
        self.push_screen(LoginScreen(), lambda _ok: self.push_screen(MyWorkScreen()))

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self._signals:
            loop.remove_signal_handler(sig)

    # -- session ---------------------------------------------------------------------------
    def relogin(self, why: str, then: Callable[[], None] | None = None) -> None:
        """Log in again over whatever is open; afterwards `then` runs (the call that failed)."""
        if then is not None:
            self._after_login.append(then)
        if any(isinstance(screen, LoginScreen) for screen in self.screen_stack):
            return
        user = self.client.session.user
        self.push_screen(LoginScreen(again_as=user.username if user else "", why=why), self._logged_in_again)

    def _logged_in_again(self, _ok: bool | None) -> None:
        waiting, self._after_login = self._after_login, []
        for then in waiting:
            then()

    # -- leaving ---------------------------------------------------------------------------
    async def action_quit(self) -> None:
        if self.open_draft and self.open_draft[0].dirty:
            keeper, title = self.open_draft
            await asyncio.to_thread(keeper.flush, title())
        self.exit(0)

    def _catch_hangup(self) -> None:
        # Textual has no SIGHUP handler: a dropped SSH link would kill the process mid-form.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self._hung_up)
            except (NotImplementedError, RuntimeError, ValueError):
                continue  # not the main thread, or no such signal here
            self._signals.append(sig)

    def _hung_up(self) -> None:
        # Every keystroke is in the local file already; this also puts it on the server, so
        # the worker can carry on from another computer.
        if self.open_draft and self.open_draft[0].dirty:
            keeper, title = self.open_draft
            keeper.flush(title())
        self.exit(return_code=HANGUP_EXIT_CODE)

    # -- the terminal cursor follows focus, for screen readers and magnifiers ---------------
    # Textual hides the cursor but moves it to `cursor_position` after every update. Worked
    # out when read, so it is right after scrolling and layout, not only at the moment focus
    # moved (Input and TextArea set it too; their caret is where it goes anyway).
    @property
    def cursor_position(self) -> Offset:
        try:
            widget = self.focused
        except Exception:  # no screen yet
            return self._cursor_fallback
        if widget is None:
            return self._cursor_fallback
        if isinstance(widget, (Input, TextArea)):
            return widget.cursor_screen_offset
        if isinstance(widget, DataTable):
            return self._row_offset(widget)
        if isinstance(widget, OptionList) and widget.highlighted is not None:
            region = widget.content_region
            y = region.y + widget.highlighted - round(widget.scroll_y)
            return Offset(region.x, max(region.y, min(y, region.bottom - 1)))
        return Offset(widget.region.x, widget.region.y)

    @cursor_position.setter
    def cursor_position(self, offset: Offset) -> None:
        self._cursor_fallback = offset

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        event.widget.refresh()  # an update is what moves the terminal cursor

    @staticmethod
    def _row_offset(table: DataTable) -> Offset:
        region = table.content_region
        header = table.header_height if table.show_header else 0
        above = sum(row.height for row in table.ordered_rows[:table.cursor_row])
        y = region.y + header + above - round(table.scroll_y)
        return Offset(region.x, max(region.y, min(y, region.bottom - 1)))
