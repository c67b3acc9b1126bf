"""A team leader's view: work waiting for approval (Enter reads it, a approves, r returns it with
the comment typed below) and overdue work by worker. Words from tui/core/team_view.py."""

from __future__ import annotations

import textwrap

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static

from ics.records.v1 import records_pb2 as rpb
from tui.app import bindings
from tui.app.screens.base import ServiceScreen, StatusLine
from tui.core import team_view
from tui.core.document_editor import DocumentEditor
from tui.core.errors import ServiceError


class TeamScreen(ServiceScreen):
    BINDINGS = bindings.TEAM

    def __init__(self) -> None:
        super().__init__()
        self.view: team_view.TeamView | None = None

    def compose(self) -> ComposeResult:
        yield Static("Team: waiting for approval", id="heading", classes="heading")
        yield DataTable(id="approvals", cursor_type="row", show_header=False)
        with VerticalScroll(id="reading"):
            yield Static("", id="document")
            yield Static("", id="overdue")
        yield Input(placeholder="Comments for the worker, if you return it", id="comments")
        yield StatusLine("Fetching your team's work…", id="status")
        yield Footer(compact=self.app.large)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_column("Waiting", key="waiting")
        self.refresh_view()

    def refresh_view(self) -> None:
        self.call_service(team_view.load, self._loaded, failed=self._refused, group="load")

    def _refused(self, exc: ServiceError) -> None:
        self.status.error(exc.message)

    def _loaded(self, view: team_view.TeamView) -> None:
        self.view = view
        table = self.query_one(DataTable)
        table.clear()
        width = max(20, table.size.width - 2)
        for document in view.approvals:
            lines = textwrap.wrap(team_view.approval_sentence(document), width)
            table.add_row("\n".join(lines), key=document.name, height=len(lines))
        self.query_one("#overdue", Static).update("Overdue work:\n" + "\n".join(team_view.overdue_lines(view)))
        count = len(view.approvals)
        self.status.say(f"{count} piece{'s' if count != 1 else ''} of work waiting for approval."
                        + (" Enter reads the highlighted one." if count else ""))
        table.focus()

    def _selected(self):
        table = self.query_one(DataTable)
        if not self.view or not self.view.approvals or table.cursor_row is None:
            self.status.error("Nothing is waiting for approval.")
            return None
        return self.view.approvals[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_read()

    def action_read(self) -> None:
        if (document := self._selected()) is None:
            return
        self.call_service(lambda client: DocumentEditor.open(client, document.name), self._read, group="read")

    def _read(self, editor: DocumentEditor) -> None:
        self.query_one("#document", Static).update("\n".join(editor.answered_lines()))
        self.status.say(f"Reading the {editor.document.title}. a approves it; r returns it with your comments.")

    def action_approve(self) -> None:
        if (document := self._selected()) is None:
            return
        self.call_service(lambda client: client.approve(document), self._done, group="save")

    def action_send_back(self) -> None:
        if (document := self._selected()) is None:
            return
        comments = self.query_one("#comments", Input).value.strip()
        if not comments:
            self.status.error("Type what needs changing in the comments box first (Tab to it); nothing was changed.")
            return
        self.call_service(lambda client: client.send_back(document, comments), self._done, group="save")

    def _done(self, document) -> None:
        self.query_one("#comments", Input).value = ""
        self.query_one("#document", Static).update("")
        state = "approved and completed" if document.state == rpb.DOCUMENT_STATE_COMPLETED else "returned to the worker"
        self.refresh_view()
        self.set_timer(0.3, lambda: self.status.say(f"The {document.title} was {state}."))

    def action_back(self) -> None:
        self.close(None)
