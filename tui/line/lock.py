"""The idle lock (tui/core/idle_lock.py) at the line mode's prompts.

Lines already printed cannot be taken back without escape sequences, so here the lock guards
what comes next: an answer typed after the lock was due is not used (it may be someone else's),
the worker's password is asked for (not echoed), then the same question is asked again and the
worker carries on where they were."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.forms import contact_title
from tui.core.idle_lock import IdleLock

if TYPE_CHECKING:
    from tui.line.main import LineApp

SIGN_OUT_WORDS = ("sign out", "signout", "log out", "logout")


class LineLock:
    """Given to the Console, which calls it around every question it asks."""

    def __init__(self, app: "LineApp", policy: IdleLock):
        self.app = app
        self.policy = policy

    def before_prompt(self) -> None:
        # Locked still: a Ctrl+C at the password question does not get round the lock.
        if self.policy.locked or self.policy.due():
            self.hold()

    def after_answer(self) -> bool:
        """True: use the answer. False: it came after the lock was due, so it is not used; the
        worker unlocks and is asked the same question again."""
        if self.policy.locked or self.policy.due():
            self.hold()
            return False
        self.policy.touch()
        return True

    def hold(self, idle: bool = True) -> None:
        """Locked until the signed-in worker's password is given, or they are signed out."""
        policy, console = self.policy, self.app.console
        if not policy.locked and not policy.lock(idle):
            return  # nobody signed in: nothing to lock
        keeper = self.app.open_draft
        policy.keep_draft(keeper, contact_title(keeper.fields) if keeper is not None else "")
        console.say(policy.locked_text())
        while True:
            try:
                password = console.read_secret("Password:")
                if not password:
                    name = policy.user.display_name or policy.user.username
                    choice = console.read_line(f"Type sign out to sign {name} out, "
                                               "or press Enter to type the password again:")
                    if choice.strip().lower() in SIGN_OUT_WORDS:
                        self.app.sign_out_locked()  # raises NotLoggedIn: what was going on ends
                    continue
            except KeyboardInterrupt:
                console.say("")
                continue  # still locked
            outcome = policy.unlock(password)
            if outcome.ok:
                console.say("Unlocked. Carrying on where you were.")
                return
            console.error(outcome.message)
            console.say("To sign out instead, press Enter without a password.")
