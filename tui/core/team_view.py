"""A team leader's view, as both front ends show it: work waiting for approval, overdue work by
worker, cases waiting for a worker (to allocate), and overdue timescales (to extend, with the
extensions already given and why). Told as plain sentences; never imports Textual."""

from __future__ import annotations

from dataclasses import dataclass, field

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as rpb
from tui.core.text import clock_sentence, human_date

# Roles that hold cases: whom a leader may allocate to (not business support, IT or partners).
CASE_HOLDING_ROLES = frozenset({"duty", "worker", "senior", "leader", "manager"})


@dataclass
class TeamView:
    approvals: list[rpb.Document] = field(default_factory=list)
    overdue: list[apb.OverdueCount] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)   # "users/3" -> "Wes Worker"
    waiting: list[rpb.CaseloadEntry] = field(default_factory=list)   # cases with nobody allocated
    overdue_clocks: list[apb.Clock] = field(default_factory=list)
    changes: list[apb.ClockChange] = field(default_factory=list)     # extensions, pauses, newest first
    workers: list = field(default_factory=list)                      # whom cases can be allocated to


def load(client) -> TeamView:
    """Raises the service's PERMISSION_DENIED for a worker who leads no team."""
    overdue = client.overdue()
    view = TeamView(client.documents_waiting(), overdue)
    colleagues = client.colleagues()
    view.names = {u.name: u.display_name for u in colleagues}
    view.workers = allocatable(colleagues)
    view.waiting = client.caseload(unallocated=True)
    view.overdue_clocks = client.team_overdue_clocks()
    view.changes = client.clock_changes()
    return view


def approval_sentence(document: rpb.Document) -> str:
    who = document.submitted_by.display_name or document.author.display_name
    child = document.person_display_name or document.person
    return f"{document.title} for {child}, by {who}, started {human_date(document.start_date)} ({document.name})"


def overdue_lines(view: TeamView) -> list[str]:
    by_worker: dict[str, list[apb.OverdueCount]] = {}
    for count in view.overdue:
        if count.overdue:
            by_worker.setdefault(count.worker, []).append(count)
    lines = []
    for worker, counts in sorted(by_worker.items(), key=lambda item: -sum(c.overdue for c in item[1])):
        who = view.names.get(worker, worker) if worker else "Held by the team, not allocated"
        total = sum(c.overdue for c in counts)
        stale = sum(c.stale for c in counts)
        lines.append(f"{who}: {total} overdue" + (f", {stale} with nothing recorded for a while" if stale else "")
                     + ".")
    return lines or ["Nothing overdue in your teams."]


def allocatable(users) -> list:
    """Colleagues a case can be allocated to, by name."""
    return sorted((u for u in users if u.active and CASE_HOLDING_ROLES.intersection(u.roles)),
                  key=lambda u: u.display_name)


def worker_sentence(user) -> str:
    return f"{user.display_name} ({user.username}), {', '.join(user.team_names)}"


def allocate(client, entry: rpb.CaseloadEntry, worker, reason: str) -> rpb.Allocation:
    return client.allocate(entry.person.name, worker.name, worker.display_name, reason)


def allocated_sentence(allocation: rpb.Allocation, entry: rpb.CaseloadEntry) -> str:
    return (f"Allocated {entry.person.display_name} to {allocation.worker_display_name} from "
            f"{human_date(allocation.start_date)}. They can open the record now.")


def overdue_clock_sentence(view: TeamView, clock: apb.Clock) -> str:
    holder = view.names.get(clock.assignee, clock.assignee) if clock.assignee else "held by the team"
    return f"{clock_sentence(clock).removesuffix('.')}; {holder}."


def change_sentence(change: apb.ClockChange) -> str:
    verb = {"extend": "extended", "pause": "paused", "resume": "resumed"}.get(change.kind, change.kind)
    moved = (f", due date moved from {human_date(change.old_due_date)} to {human_date(change.new_due_date)}"
             if change.old_due_date != change.new_due_date and change.new_due_date else "")
    why = f" Reason: {change.reason}" if change.reason else ""
    return f"{change.title} for {change.person_display_name}: {verb} by {change.by}{moved}.{why}"


def extension_problem(new_due_date: str, reason: str) -> str:
    """What is missing before an extension is asked for, in words; empty when nothing is."""
    if not new_due_date.strip():
        return "Type the agreed new due date (YYYY-MM-DD) first; nothing was changed."
    if not reason.strip():
        return "Type why the timescale does not fit this child first; nothing was changed."
    return ""
