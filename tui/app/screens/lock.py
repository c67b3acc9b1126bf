"""The lock screen: over everything, after `idle_lock_minutes` without a key or at F12.

A plain Screen, not a ModalScreen: a modal is drawn over the screen below it, so a child's name
could show through. This one is opaque and says nothing about any child; only who is signed in.
Dismissed with "unlocked" (the screen below comes back exactly as it was) or "signed out"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from tui.app import bindings
from tui.app.screens.base import ServiceCalls, StatusLine, key_footer
from tui.core.errors import ServiceError
from tui.core.idle_lock import IdleLock, Unlocked


class LockScreen(ServiceCalls, Screen[str]):
    BINDINGS = bindings.LOCKED
    AUTO_FOCUS = "#lock-password"

    def __init__(self, policy: IdleLock) -> None:
        super().__init__()
        self.policy = policy
        self.checking = False

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Static("ICS is locked", classes="heading")
            yield Static(self.policy.signed_in_text(), id="lock-who")
            yield Label("Password", classes="label")
            yield Input(password=True, id="lock-password")
            yield StatusLine(self.policy.locked_text(), id="status")
        yield key_footer(self.app)

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False  # a blink redraws, and is read out

    def action_unlock(self) -> None:
        if self.checking:
            return
        # Keys typed just before Enter may still be waiting in the field: read it after them.
        self.query_one(Input).call_later(self._check)

    def _check(self) -> None:
        password = self.query_one(Input).value
        if not password:
            self.status.error("Enter your password.")
            return
        self.checking = True
        self.status.say("Checking your password…")
        self.call_service(lambda _client: self.policy.unlock(password), self._answered,
                          failed=self._failed, group="unlock", relogin=False)

    def _answered(self, outcome: Unlocked) -> None:
        self.checking = False
        if outcome.ok:
            self.dismiss("unlocked")
            return
        self._refused(outcome.message)

    def _failed(self, exc: ServiceError) -> None:
        self.checking = False
        self._refused(exc.message)

    def _refused(self, message: str) -> None:
        self.status.error(message)
        box = self.query_one(Input)
        box.value = ""
        self.set_focus(box)

    def action_sign_out(self) -> None:
        if self.checking:
            return
        self.checking = True
        self.status.say("Signing out; their work is kept…")
        self.app.sign_out_from_lock(self)

    def sign_out_failed(self, exc: ServiceError) -> None:
        self.checking = False
        self.status.error(exc.message)
