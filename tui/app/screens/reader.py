"""A document as it prints: the same plain text a printer or saved copy gets
(tui/core/printing.py), read on screen, and p sends it to the printer or saves a copy."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.app import bindings
from tui.app.screens.base import ServiceCalls, ServiceScreen, StatusLine, key_footer
from tui.app.screens.small_form import SmallFormScreen
from tui.core import printing
from tui.core.forms import SIGN_FORM, sign_request


def print_document(screen: ServiceCalls, name: str, family: bool = False, language: str = "en") -> None:
    """Print or save `name` (or the family's copy of it) as the server is set up; the outcome, or
    why not, on the status line."""
    screen.status.say("Sending…")
    settings = printing.configured_output(screen.app.client.targets)  # type: ignore[attr-defined]
    large = screen.app.large  # type: ignore[attr-defined]
    screen.call_service(lambda client: printing.print_copy(client, name, settings, large_print=large,
                                                        family=family, language=language),
                        screen.status.say, group="print")


class ReaderScreen(ServiceScreen):
    BINDINGS = bindings.READER

    def __init__(self, name: str) -> None:
        super().__init__()
        self.document_name = name
        self.printed: printing.PrintedDocument | None = None

    def compose(self) -> ComposeResult:
        yield Static("Opening the document…", id="heading", classes="heading")
        with VerticalScroll(id="record"):
            yield Static("", id="text", markup=False)  # a worker's words are never read as markup
        yield StatusLine("p prints it or saves a copy; Escape goes back.", id="status")
        yield key_footer(self.app)

    def on_mount(self) -> None:
        self.call_service(lambda client: printing.document_text(client, self.document_name), self._shown,
                          failed=lambda exc: self.status.error(exc.message), group="load")

    def _shown(self, printed: printing.PrintedDocument) -> None:
        self.printed = printed
        self.query_one("#heading", Static).update(printed.title)
        self.query_one("#text", Static).update(printed.text)
        self.set_focus(self.query_one("#record", VerticalScroll))

    def action_print(self, family: bool = False, language: str = "en") -> None:
        print_document(self, self.document_name, family, language)

    def action_sign(self) -> None:
        name = self.document_name
        self.app.push_screen(SignScreen(
            "Record a signature", f"{self.printed.title if self.printed else name}: who signs, and their name.",
            SIGN_FORM, lambda client, values: client.sign(sign_request(name, values)),
            lambda document: f"Signed. The {document.title} now carries {len(document.signatures)} signatures.",
            sending="Signing…", missing="Say who is signing; nothing was signed."), self._signed)

    def _signed(self, outcome: str | None) -> None:
        if outcome:
            self.on_mount()  # the signature block changes
            self.set_timer(0.3, lambda: self.status.say(outcome))

    def action_back(self) -> None:
        self.close(None)


class SignScreen(SmallFormScreen):
    BINDINGS = bindings.SIGN
