"""Emergency access (break-glass): the child and why it cannot wait. The record opens for 8
hours, the holding team's leaders are told and review it. Dismissed with a sentence for My
work's status line, or None when the worker went back without opening anything."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Static

from tui.app import bindings
from tui.app.screens.base import ServiceScreen, StatusLine
from tui.app.screens.fields import FieldBlock, widget_value
from tui.core.errors import ServiceError
from tui.core.forms import EMERGENCY_FORM

LONDON = ZoneInfo("Europe/London")


class EmergencyScreen(ServiceScreen):
    BINDINGS = bindings.EMERGENCY
    AUTO_FOCUS = "#in-child"

    def __init__(self) -> None:
        super().__init__()
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Static("Emergency access to a child's record", id="heading", classes="heading")
        with VerticalScroll(id="form", can_focus=False):
            yield Static("Use this only when a child's safety cannot wait for the team that holds the "
                         "record. Your reason is kept with every look, and your team leaders review it.",
                         id="about")
            for field in EMERGENCY_FORM:
                yield FieldBlock(field, "")
        yield StatusLine("Give the child and your reason, then Ctrl+S.", id="status")
        yield Footer(compact=self.app.large)

    def action_open_record(self) -> None:
        if self.saving:
            return
        values = {field.key: widget_value(self.query_one(f"#in-{field.key}", Widget)) for field in EMERGENCY_FORM}
        for block in self.query(FieldBlock):
            block.unmark()
        missing = {f.key: "required" for f in EMERGENCY_FORM if not values[f.key].strip()}
        if missing:
            self.mark_refusal(ServiceError("INVALID_ARGUMENT", "Give the child and your reason; nothing was opened.",
                                           missing))
            return
        self.saving = True
        self.status.say("Opening the record…")
        self.call_service(lambda client: client.break_glass(values["child"], values["reason"].strip()),
                          self._opened, failed=self._refused, group="save")

    def _opened(self, grant) -> None:
        until = datetime.fromtimestamp(grant.expire_time.seconds, LONDON)
        self.close(f"Emergency access to {grant.person_display_name} is open until {until:%H:%M}; "
                   "your team leaders have been told.")

    def _refused(self, exc: ServiceError) -> None:
        self.saving = False
        self.mark_refusal(exc)

    def action_back(self) -> None:
        self.close(None)
