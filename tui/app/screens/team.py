"""A team leader's view, in four parts (keys 1 to 4): work waiting for approval (Enter reads it,
a approves, r returns it with the comment typed below); overdue timescales by worker (x agrees a
new due date); cases waiting for a worker (l allocates one); and the extensions given, with why.
Words from tui/core/team_view.py, the same as the line mode says them."""

from __future__ import annotations


from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, Static

from ics.records.v1 import records_pb2 as rpb
from tui.app import bindings
from tui.app.screens.base import ListTable, ServiceScreen, StatusLine, key_footer, view_label, views_line
from tui.app.screens.small_form import SmallFormScreen
from tui.core import caseload, team_view
from tui.core.document_editor import DocumentEditor
from tui.core.errors import ServiceError
from tui.core.forms import Field
from tui.core.text import clock_sentence

HINTS = {"approvals": "Enter reads the highlighted one; a approves it; r returns it with your comments.",
         "overdue": "x agrees a new due date for the highlighted one.",
         "waiting": "l allocates the highlighted case to a worker.",
         "extensions": "Newest first."}


class TeamScreen(ServiceScreen):
    BINDINGS = bindings.TEAM

    def __init__(self) -> None:
        super().__init__()
        self.view: team_view.TeamView | None = None
        self.part = "approvals"
        self.outcome = ""  # what a change made here did, said once the view is fetched again

    def compose(self) -> ComposeResult:
        yield Static("Team", id="heading", classes="heading")
        yield Static(views_line(bindings.TEAM_VIEWS, self.part, self.app.large), id="views", markup=False)
        yield ListTable(id="items", cursor_type="row", show_header=False)
        with VerticalScroll(id="reading"):
            yield Static("", id="document")
            yield Static("", id="overdue")
        yield Input(placeholder="Comments for the worker, if you return it", id="comments")
        yield StatusLine("Fetching your team's work…", id="status")
        yield key_footer(self.app)

    def on_mount(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        self.call_service(team_view.load, self._loaded, failed=self._refused, group="load")

    def _refused(self, exc: ServiceError) -> None:
        self.status.error(exc.message)

    def _loaded(self, view: team_view.TeamView) -> None:
        self.view = view
        self.show_part(self.part, focus=True)
        outcome, self.outcome = self.outcome, ""
        if outcome:  # said after the new counts, however long fetching them took
            self.status.say(outcome)

    # -- the four parts --------------------------------------------------------------------
    def items(self) -> list:
        view = self.view
        if view is None:
            return []
        return {"approvals": view.approvals, "overdue": view.overdue_clocks, "waiting": view.waiting,
                "extensions": view.changes}[self.part]

    def sentence(self, item) -> str:
        if self.part == "approvals":
            return team_view.approval_sentence(item)
        if self.part == "overdue":
            return team_view.overdue_clock_sentence(self.view, item)
        if self.part == "waiting":
            return caseload.waiting_sentence(item)
        return team_view.change_sentence(item)

    def count_sentence(self) -> str:
        n = len(self.items())
        return {"approvals": f"{n} piece{'s' if n != 1 else ''} of work waiting for approval.",
                "overdue": f"{n} overdue timescale{'s' if n != 1 else ''} in your teams.",
                "waiting": f"{n} case{'s' if n != 1 else ''} waiting for a worker.",
                "extensions": f"{n} change{'s' if n != 1 else ''} to timescales."}[self.part]

    def show_part(self, part: str, focus: bool = False) -> None:
        self.part = part
        self.query_one("#views", Static).update(views_line(bindings.TEAM_VIEWS, part, self.app.large))
        table = self.query_one(ListTable)
        table.show_sentences([self.sentence(item) for item in self.items()])
        self.query_one("#document", Static).update("")
        by_worker = ("Overdue work by worker:\n" + "\n".join(team_view.overdue_lines(self.view))
                     if part == "overdue" and self.view else "")
        self.query_one("#overdue", Static).update(by_worker)
        self.query_one("#comments", Input).display = part == "approvals"
        self.status.say(self.count_sentence() + (f" {HINTS[part]}" if self.items() else ""))
        if focus or self.focused is None or not self.focused.display:
            self.set_focus(table)

    def action_view(self, part: str) -> None:
        self.show_part(part, focus=True)

    def _selected(self, part: str, nothing: str):
        table = self.query_one(DataTable)
        if self.part != part:
            number = next(n for n, (key, _, _) in enumerate(bindings.TEAM_VIEWS, 1) if key == part)
            self.status.error(f"Press {number} for the {view_label(bindings.TEAM_VIEWS, part).lower()} list first.")
            return None
        items = self.items()
        if not items or table.cursor_row is None:
            self.status.error(nothing)
            return None
        return items[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        {"approvals": self.action_read, "overdue": self.action_extend, "waiting": self.action_allocate,
         "extensions": lambda: None}[self.part]()

    # -- approvals --------------------------------------------------------------------------
    def action_read(self) -> None:
        if (document := self._selected("approvals", "Nothing is waiting for approval.")) is None:
            return
        self.call_service(lambda client: DocumentEditor.open(client, document.name), self._read, group="read")

    def _read(self, editor: DocumentEditor) -> None:
        self.query_one("#document", Static).update("\n".join(editor.answered_lines()))
        self.status.say(f"Reading the {editor.document.title}. a approves it; r returns it with your comments.")

    def action_approve(self) -> None:
        if (document := self._selected("approvals", "Nothing is waiting for approval.")) is None:
            return
        self.call_service(lambda client: client.approve(document), self._done, group="save")

    def action_send_back(self) -> None:
        if (document := self._selected("approvals", "Nothing is waiting for approval.")) is None:
            return
        comments = self.query_one("#comments", Input).value.strip()
        if not comments:
            self.status.error("Type what needs changing in the comments box first (Tab to it); nothing was changed.")
            return
        self.call_service(lambda client: client.send_back(document, comments), self._done, group="save")

    def _done(self, document) -> None:
        self.query_one("#comments", Input).value = ""
        state = "approved and completed" if document.state == rpb.DOCUMENT_STATE_COMPLETED else "returned to the worker"
        self._changed(f"The {document.title} was {state}.")

    def _changed(self, outcome: str | None) -> None:
        """After a change made here or on a form over this screen: fetch again, then say it."""
        if not outcome:
            return
        self.outcome = outcome
        self.refresh_view()

    # -- allocating and extending -----------------------------------------------------------
    def action_allocate(self) -> None:
        if (entry := self._selected("waiting", "No case is waiting for a worker.")) is None:
            return
        workers = self.view.workers
        if not workers:
            self.status.error("Nobody in your teams can hold cases; ask IT to check the team's members.")
            return
        fields = (Field("worker", "Allocate to", "the worker who will hold the case", True,
                        tuple((team_view.worker_sentence(u), n) for n, u in enumerate(workers, 1))),
                  Field("reason", "Why this worker, or what the case needs", "optional; kept with the allocation",
                        multiline=True))

        def send(client, values):
            worker = next(u for u in workers if team_view.worker_sentence(u) == values["worker"])
            return team_view.allocate(client, entry, worker, values["reason"].strip())

        self.app.push_screen(AllocateScreen(
            f"Allocate {entry.person.display_name}", caseload.waiting_sentence(entry), fields, send,
            lambda allocation: team_view.allocated_sentence(allocation, entry), sending="Allocating…",
            missing="Choose the worker first; nothing was allocated."), self._changed)

    def action_extend(self) -> None:
        if (clock := self._selected("overdue", "No timescale in your teams is overdue.")) is None:
            return
        fields = (Field("new_due_date", "The agreed new due date", "as YYYY-MM-DD", True),
                  Field("reason", "Why the timescale does not fit this child",
                        "kept with the clock and shown in the team's extensions", True, multiline=True))

        def send(client, values):
            return client.extend_clock(clock, values["new_due_date"].strip(), values["reason"].strip())

        self.app.push_screen(ExtendScreen(
            "Extend a timescale", team_view.overdue_clock_sentence(self.view, clock), fields, send,
            lambda extended: f"Extended: {clock_sentence(extended)}", sending="Extending…",
            missing="Give the new due date and the reason; nothing was changed."), self._changed)

    def action_back(self) -> None:
        self.close(None)


class AllocateScreen(SmallFormScreen):
    BINDINGS = bindings.ALLOCATE


class ExtendScreen(SmallFormScreen):
    BINDINGS = bindings.EXTEND
