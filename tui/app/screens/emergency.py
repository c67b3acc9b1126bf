"""Emergency access (break-glass): the child and why it cannot wait. The record opens for 8
hours, the holding team's leaders are told and review it. Dismissed with a sentence for My
work's status line, or None when the worker went back without opening anything."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tui.app import bindings
from tui.app.screens.small_form import SmallFormScreen
from tui.core.forms import EMERGENCY_FORM

LONDON = ZoneInfo("Europe/London")


def opened_sentence(grant) -> str:
    until = datetime.fromtimestamp(grant.expire_time.seconds, LONDON)
    return (f"Emergency access to {grant.person_display_name} is open until {until:%H:%M}; "
            "your team leaders have been told.")


class EmergencyScreen(SmallFormScreen):
    BINDINGS = bindings.EMERGENCY

    def __init__(self) -> None:
        super().__init__(
            "Emergency access to a child's record",
            "Use this only when a child's safety cannot wait for the team that holds the record. Your reason "
            "is kept with every look, and your team leaders review it.",
            EMERGENCY_FORM,
            send=lambda client, values: client.break_glass(values["child"].strip(), values["reason"].strip()),
            said=opened_sentence, sending="Opening the record…",
            missing="Give the child and your reason; nothing was opened.")
