"""Plain sentences for what both front ends show: read once, speakable, no symbols or colour."""

from __future__ import annotations

from datetime import date

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as rpb
from tui.core.forms import DECISION_CHOICES


def human_date(iso_date: str) -> str:
    if not iso_date:
        return "no date"
    d = date.fromisoformat(iso_date)
    return f"{d:%a} {d.day} {d:%b %Y}"


def clock_status(clock: apb.Clock) -> str:
    if clock.state == apb.CLOCK_STATE_MET:
        return f"met on {human_date(clock.ended_date)}"
    if clock.state == apb.CLOCK_STATE_MISSED:
        return f"missed: done {human_date(clock.ended_date)}, due {human_date(clock.due_date)}"
    if clock.state == apb.CLOCK_STATE_STOPPED:
        return f"stopped on {human_date(clock.ended_date)}" + (f": {clock.end_reason}" if clock.end_reason else "")
    if clock.paused:
        return f"paused since {human_date(clock.paused_since)}"
    if clock.overdue:
        late = -clock.working_days_left
        days = f"{late} working day{'s' if late != 1 else ''}"
        if clock.level == apb.ALERT_LEVEL_STALE:  # overdue and nothing recorded on the child for a while
            return f"STALE: {days} late"
        return f"OVERDUE by {days}" if late else "OVERDUE"
    if clock.working_days_left == 0:
        return "due today"
    left = clock.working_days_left
    return f"due in {left} working day{'s' if left != 1 else ''}"


def clock_sentence(clock: apb.Clock) -> str:
    # "due Mon 30 Nov 2026, in 1 working day": "due" said once, as a screen reader reads it.
    return (f"{clock.title} for {clock.person_display_name or clock.person}: "
            f"due {human_date(clock.due_date)}, {clock_status(clock).removeprefix('due ')}.")


def decision_label(value: int) -> str:
    return next((label for label, v in DECISION_CHOICES if v == value), "not decided")


def referral_sentence(referral: rpb.Referral) -> str:
    state = ("awaiting decision" if referral.state == rpb.REFERRAL_STATE_AWAITING_DECISION
             else f"decided: {decision_label(referral.decision)}")
    return (f"{referral.person_display_name}, received {human_date(referral.received_date)}, {state}. "
            f"Reason: {referral.reason}")
