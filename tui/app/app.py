"""The ICS Textual app: owns the client, the large-mode switch, the login-again flow, the idle
lock, and the safety net that saves an open draft when the terminal goes away."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.geometry import Offset
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets import DataTable, Input, OptionList, TextArea

from tui.app import bindings
from tui.app.screens.lock import LockScreen
from tui.app.screens.login import LoginScreen
from tui.app.screens.my_work import MyWorkScreen
from tui.core.client import IcsClient, Targets
from tui.core.drafts import DraftKeeper
from tui.core.idle_lock import IdleLock, configured_minutes

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
    # Ctrl+P: every action of the screen by name (get_system_commands), for whoever cannot
    # remember a key; F1: the focused field's help and the screen's keys.
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [bindings.QUIT, bindings.LOCK, bindings.HELP, *bindings.NEXT_FIELD]
    # What counts as the worker being there. Not mouse moves: a knocked mouse is nobody.
    ACTIVITY = (events.Key, events.MouseDown, events.Paste)

    def __init__(self, targets: Targets, large: bool = False, state_dir: Path | None = None,
                 idle_lock_minutes: float | None = None, clock: Callable[[], float] | None = None) -> None:
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
        # `idle_lock_minutes` and `clock` are for tests; otherwise the configured setting.
        minutes = configured_minutes(targets) if idle_lock_minutes is None else idle_lock_minutes
        self.idle_lock = IdleLock(self.client, minutes, clock)
        self._idle_timer = None  # kept: Textual holds timers only weakly
        # Screens that asked to open while locked (a form a slow call opens, a duplicate warning
        # about a child): they open after the unlock, never over the lock screen.
        self._held_back: list[tuple[Screen, Callable | None]] = []
        self._signed_out_who = ""
        self.register_theme(HIGH_CONTRAST)

    def on_mount(self) -> None:
        if self.large:
            self.add_class("-large")
            self.theme = HIGH_CONTRAST.name
        self._catch_hangup()
        self._start()
        self._arm_idle_timer()

    def _start(self, note: str = "") -> None:
        self.push_screen(LoginScreen(note=note), lambda _ok: self.push_screen(MyWorkScreen()))

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in self._signals:
            loop.remove_signal_handler(sig)

    # -- session ---------------------------------------------------------------------------
    def relogin(self, why: str, then: Callable[[], None] | None = None) -> None:
        """Log in again over whatever is open; afterwards `then` runs (the call that failed)."""
        if then is not None:
            self._after_login.append(then)
        if self.idle_lock.locked:
            return  # unlocking is a login: the calls waiting run then
        if any(isinstance(screen, LoginScreen) for screen in self.screen_stack):
            return
        user = self.client.session.user
        self.push_screen(LoginScreen(again_as=user.username if user else "", why=why), self._logged_in_again)

    def _logged_in_again(self, _ok: bool | None) -> None:
        waiting, self._after_login = self._after_login, []
        for then in waiting:
            then()

    # -- the idle lock (tui/core/idle_lock.py) ----------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        # Here, before any widget sees the event: a field that takes a key stops it there.
        if isinstance(event, self.ACTIVITY):
            self.idle_lock.touch()
        await super().on_event(event)

    def _arm_idle_timer(self) -> None:
        """One timer, set for when the lock would be due; keys in between only move the time
        it is measured from, so typing costs nothing."""
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        left = self.idle_lock.seconds_left()
        if left is None:
            return  # never locks, or locked now: armed again on unlocking
        if left <= 0 and not self.idle_lock.due():
            left = self.idle_lock.timeout_seconds  # nobody signed in (the login screen): look again later
        # Never a zero delay: Textual's timer divides by it.
        self._idle_timer = self.set_timer(max(left, 0.05), self._idle_check)

    def _idle_check(self) -> None:
        self._idle_timer = None
        if self.idle_lock.due():
            self.lock(idle=True)
        else:
            self._arm_idle_timer()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The screen's own actions, each under its footer name with its help, then help and
        quit. Not Textual's screenshot or theme commands: a screenshot of a child's record
        saved on a shared thin client is a leak, and the theme follows the mode."""
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, binding.tooltip or binding.description,
                                lambda b=binding, node=active.node: self.run_action(b.action, node))
        yield SystemCommand("Help", "Every key of this screen, and help for the field you are in (F1)",
                            self.action_toggle_help)
        yield SystemCommand("Quit", "Leave ICS; a form you were typing is saved as a draft first", self.action_quit)

    def action_command_palette(self) -> None:
        if not self.idle_lock.locked:  # nothing runs from behind the lock screen
            super().action_command_palette()

    def action_toggle_help(self) -> None:
        from tui.app.screens.keys import KeysScreen, field_help, key_lines

        if isinstance(self.screen, KeysScreen):
            self.screen.dismiss(None)
            return
        if self.idle_lock.locked:
            return  # the lock screen's own keys are on it; nothing of the screen behind is shown
        heading = self.screen.query("#heading")
        title = str(heading.first().render()) if heading else self.screen.__class__.__name__
        self.push_screen(KeysScreen(title, field_help(self.screen), key_lines(self.screen)))

    def action_lock(self) -> None:
        self.lock(idle=False)

    def lock(self, idle: bool = True) -> None:
        """The lock screen over everything at once; then the open draft goes to the server."""
        if not self.idle_lock.lock(idle):
            return
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        self.push_screen(LockScreen(self.idle_lock), self._lock_closed)
        if self.open_draft is not None:
            keeper, title = self.open_draft
            heading = title()
            self.run_worker(lambda: self.idle_lock.keep_draft(keeper, heading), thread=True,
                            group="lock-draft", exit_on_error=False)

    def push_screen(self, screen, callback=None, wait_for_dismiss: bool = False):
        if self.idle_lock.locked and not isinstance(screen, LockScreen) and not wait_for_dismiss:
            self._held_back.append((screen, callback))
            held = asyncio.get_running_loop().create_future()
            held.set_result(None)  # nobody here awaits it; it is awaitable like Textual's own
            return held
        return super().push_screen(screen, callback, wait_for_dismiss)

    def _lock_closed(self, outcome: str | None) -> None:
        held, self._held_back = self._held_back, []
        if outcome == "signed out":
            self._signed_out()
            return
        for screen, callback in held:
            self.push_screen(screen, callback)
        top = self.screen
        if isinstance(top, LoginScreen) and top.again_as and self.client.session.active:
            top.dismiss(True)  # it asked for the login the unlock has just done
        else:
            self._logged_in_again(True)
        self._arm_idle_timer()

    def _signed_out(self) -> None:
        """Someone else at the keyboard signed the worker out: back to the login screen with
        nothing of theirs left open (their draft was saved before the session ended)."""
        note = self.idle_lock.signed_out_text(self._signed_out_who)
        self.open_draft = None
        self._after_login = []
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._start(note)
        self._arm_idle_timer()

    def sign_out_from_lock(self, lock: LockScreen) -> None:
        self._signed_out_who = self.idle_lock.who
        keeper, title = self.open_draft if self.open_draft is not None else (None, lambda: "")
        heading = title()
        lock.call_service(lambda _client: self.idle_lock.sign_out(keeper, heading),
                          lambda _none: lock.dismiss("signed out"), failed=lock.sign_out_failed,
                          group="sign-out", relogin=False)

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
