"""Log in: at start, and again over any screen when the session has ended (what was on that
screen stays as it was)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.app import bindings
from tui.app.screens.base import ServiceCalls, StatusLine, key_footer
from tui.core.errors import ServiceError, needs_new_password


class LoginScreen(ServiceCalls, ModalScreen[bool]):
    """Dismissed with True once logged in. With `again_as`, the username is fixed: the work
    left open underneath belongs to that worker."""

    BINDINGS = bindings.LOGIN

    def __init__(self, again_as: str = "", why: str = "", note: str = "") -> None:
        super().__init__()
        self.again_as = again_as
        self.why = why
        self.note = note  # what just happened, such as a worker signed out from the lock screen

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static("ICS: children's social care records", id="login-title", classes="heading")
            if self.again_as:
                yield Static(f"{self.why} What you typed is kept.", id="login-why")
            yield Label("Username", classes="label")
            username = Input(value=self.again_as, id="username", disabled=bool(self.again_as))
            password = Input(password=True, id="password")
            yield username
            yield Label("Password", classes="label")
            yield password
            # Shown only when an administrator reset the password: a new one is chosen in this login.
            with Vertical(id="new-password-box"):
                yield Label("New password (12 characters or more)", classes="label")
                yield Input(password=True, id="new-password")
                yield Label("New password again", classes="label")
                yield Input(password=True, id="new-password-again")
            yield StatusLine(f"{self.note} Type your username and password, then press Enter.".lstrip(),
                             id="status")
        yield key_footer(self.app)

    def on_mount(self) -> None:
        self.choosing_password = False
        self.query_one("#new-password-box").display = False
        for box in self.query(Input):
            box.cursor_blink = False  # a blink redraws, and is read out
        self.query_one("#password" if self.again_as else "#username", Input).focus()

    def action_submit(self) -> None:
        username_box = self.query_one("#username", Input)
        password_box = self.query_one("#password", Input)
        focused = self.focused
        if focused is username_box and not password_box.value:
            self.set_focus(password_box)
            return
        again_box = self.query_one("#new-password-again", Input)
        if self.choosing_password and focused is self.query_one("#new-password", Input) and not again_box.value:
            self.set_focus(again_box)
            return
        # Keys typed just before Enter may still be waiting in the field: read it after them.
        (focused or self).call_later(self._log_in)

    def _log_in(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username or not password:
            self.status.error("Enter your username and password.")
            self.set_focus(self.query_one("#username" if not username else "#password", Input))
            return
        new = ""
        if self.choosing_password:
            new = self.query_one("#new-password", Input).value
            again = self.query_one("#new-password-again", Input)
            if not new or new != again.value:
                self.status.error("Type the same new password in both boxes.")
                again.value = ""
                self.set_focus(self.query_one("#new-password", Input) if not new else again)
                return
        self.status.say("Logging in…")
        self.call_service(lambda client: client.login(username, password, new_password=new), self._logged_in,
                          failed=self._refused, group="login", relogin=False)

    def _logged_in(self, _user) -> None:
        self.dismiss(True)

    def _refused(self, exc: ServiceError) -> None:
        self.status.error(exc.message)
        if needs_new_password(exc) or (self.choosing_password and "new_password" in exc.violations):
            # Keep the temporary password; choose the new one below it.
            self.choosing_password = True
            self.query_one("#new-password-box").display = True
            self.query_one("#new-password-again", Input).value = ""
            self.set_focus(self.query_one("#new-password", Input))
            return
        password = self.query_one("#password", Input)
        password.value = ""
        self.set_focus(password)
