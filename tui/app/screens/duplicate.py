"""Asked when records says the new child looks like one already known: use them, or confirm
this is a different child. Dismissed with "use", "different" or "back"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.app import bindings
from tui.app.screens.base import key_footer


class DuplicateScreen(ModalScreen[str]):
    BINDINGS = bindings.DUPLICATE

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="duplicate-box"):
            yield Static("This child may already be known", classes="heading")
            yield Static(self.message, id="duplicate-message")
            yield Static("Press u to record the contact about the known child, c if this is a "
                         "different child (record them as new), or Escape to go back and check.",
                         id="duplicate-keys")
        yield key_footer(self.app)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
