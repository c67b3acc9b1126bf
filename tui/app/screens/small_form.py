"""A short form on a screen of its own: a heading, a sentence about it, a few fields, Ctrl+S to
send and Escape to go back. The emergency access form, allocating a case and extending a
timescale are all this. Dismissed with the sentence to show on the screen below, or None when the
worker went back without changing anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from tui.app import bindings
from tui.app.screens.base import ServiceScreen, StatusLine, key_footer
from tui.app.screens.fields import FieldBlock, widget_value
from tui.core.errors import ServiceError
from tui.core.forms import Field


class SmallFormScreen(ServiceScreen):
    BINDINGS = bindings.small_form("form", "Save", "save", "Send this form", "Back; nothing is changed")

    def __init__(self, heading: str, about: str, fields: tuple[Field, ...],
                 send: Callable[[Any, dict[str, str]], Any], said: Callable[[Any], str],
                 sending: str = "Saving…", missing: str = "Fill in the required answers; nothing was changed.") -> None:
        """`send(client, values)` runs in a thread; `said(result)` is the sentence the screen
        closes with."""
        super().__init__()
        self.heading, self.about, self.fields = heading, about, fields
        self.send, self.said, self.sending, self.missing = send, said, sending, missing
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Static(self.heading, id="heading", classes="heading")
        with VerticalScroll(id="form", can_focus=False):
            yield Static(self.about, id="about")
            for field in self.fields:
                yield FieldBlock(field, "")
        yield StatusLine("Fill in the form, then Ctrl+S. Escape goes back and changes nothing.", id="status")
        yield key_footer(self.app)

    def on_mount(self) -> None:
        self.set_focus(self.query_one(f"#in-{self.fields[0].key}"))

    def values(self) -> dict[str, str]:
        return {field.key: widget_value(self.query_one(f"#in-{field.key}", Widget)) for field in self.fields}

    def action_send(self) -> None:
        if self.saving:
            return
        values = self.values()
        for block in self.query(FieldBlock):
            block.unmark()
        missing = {f.key: "required" for f in self.fields if f.required and not values[f.key].strip()}
        if missing:
            self.mark_refusal(ServiceError("INVALID_ARGUMENT", self.missing, missing))
            return
        self.saving = True
        self.status.say(self.sending)
        self.call_service(lambda client: self.send(client, values), lambda result: self.close(self.said(result)),
                          failed=self._refused, group="save")

    def _refused(self, exc: ServiceError) -> None:
        self.saving = False
        self.mark_refusal(exc)

    def action_back(self) -> None:
        self.close(None)
