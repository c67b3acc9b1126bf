"""A team leader's view, as both front ends show it: work waiting for approval, and overdue work
by worker. Told as plain sentences; never imports Textual."""

from __future__ import annotations

from dataclasses import dataclass, field

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as rpb
from tui.core.text import human_date


@dataclass
class TeamView:
    approvals: list[rpb.Document] = field(default_factory=list)
    overdue: list[apb.OverdueCount] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)   # "users/3" -> "Wes Worker"


def load(client) -> TeamView:
    """Raises the service's PERMISSION_DENIED for a worker who leads no team."""
    overdue = client.overdue()
    approvals = client.documents_waiting()
    view = TeamView(approvals, overdue)
    view.names = {u.name: u.display_name for u in client.colleagues()}
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
