"""My work, in three views (keys 1, 2, 3): alerts — the worker's clocks, open ones first, and their
teams' referrals awaiting decision; caseload — the children allocated to them; drafts — what they
are writing, have had returned, or wait to have approved, and a contact they began."""

from __future__ import annotations

import textwrap
import time
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as rpb
from tui.app import bindings
from tui.app.screens.base import ListTable, ServiceScreen, StatusLine, key_footer, views_line
from tui.core import caseload, reports
from tui.core.alerts_feed import RECONNECTING, AlertTracker, AlertWatch, summary_text
from tui.core.client import IcsClient
from tui.core.document_editor import DocumentEditor
from tui.core.drafts import DraftKeeper
from tui.core.errors import SessionExpired
from tui.core.text import clock_sentence, clock_status, human_date, referral_sentence

# New and changed alerts arrive on the alerts stream at once; this slow refresh is the fallback,
# and catches referrals (which are not on the stream) and anything a dropped stream missed.
AUTO_REFRESH_SECONDS = 60.0
# Updates arriving this close together make one refresh (and one announcement).
PUSH_SETTLE_SECONDS = 0.2
# An outcome said this recently ("Contact recorded…") stays on the status line before the news.
KEEP_OUTCOME_SECONDS = 10.0
# Alerts hears about a decision or a new referral a moment after records does.
FOLLOW_UP_SECONDS = 1.5
STATUS_WIDTH = 26  # "OVERDUE by 10 working days" fits on one line
WHAT_WIDTH = 22    # "Referral decision due" fits on one line
DUE_WIDTH = 16     # "Wed 30 Sep 2026"
CHILD_WIDTH = 36   # "Marguerite Quenby, born 12 Sep 2017"


@dataclass(frozen=True)
class WorkRow:
    key: str
    title: str
    child: str
    due: str
    status: str
    sentence: str
    referral: str = ""        # "referrals/N" when this row can be decided from here
    open: bool = True


def fetch_work(client: IcsClient) -> tuple[list[apb.Clock], list[rpb.Referral]]:
    clocks = client.my_alerts(include_ended=True)
    awaiting = client.list_referrals(state=rpb.REFERRAL_STATE_AWAITING_DECISION)
    mine = set(client.session.user.team_names) if client.session.user else set()
    return clocks, [r for r in awaiting if r.team in mine]


def work_rows(clocks: list[apb.Clock], referrals: list[rpb.Referral]) -> list[WorkRow]:
    """Open clocks by due date, then referrals whose clock alerts has not made yet, then
    finished clocks, newest first."""
    rows_open, rows_done = [], []
    for clock in clocks:
        referral = clock.subject if clock.subject.startswith("referrals/") else ""
        row = WorkRow(clock.name, clock.title, clock.person_display_name or clock.person,
                      human_date(clock.due_date), clock_status(clock), clock_sentence(clock),
                      referral, clock.state == apb.CLOCK_STATE_OPEN)
        (rows_open if row.open else rows_done).append((clock, row))
    rows_open.sort(key=lambda pair: (pair[0].due_date or "9999", pair[0].name))
    rows_done.sort(key=lambda pair: (pair[0].ended_date, pair[0].name), reverse=True)
    with_clock = {clock.subject for clock in clocks}
    waiting = [WorkRow(r.name, "Referral awaiting decision", r.person_display_name,
                       human_date(r.received_date), "awaiting decision", referral_sentence(r), r.name)
               for r in referrals if r.name not in with_clock]
    return [row for _, row in rows_open] + waiting + [row for _, row in rows_done]


def summary(rows: list[WorkRow]) -> str:
    still_open = sum(row.open for row in rows)
    overdue = sum(row.status.startswith("OVERDUE") for row in rows)
    return f"{still_open} open, {overdue} overdue" if still_open else "nothing open"


class MyWorkScreen(ServiceScreen):
    BINDINGS = bindings.MY_WORK

    class AlertsArrived(Message):
        """The alerts stream brought an update (posted from the thread that follows it)."""

    class AlertsState(Message):
        def __init__(self, state: str) -> None:
            super().__init__()
            self.state = state

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, WorkRow] = {}
        self.loaded = False
        self.alert_tracker = AlertTracker()  # given the client's own_work on mounting
        self.alerts_state = ""
        self.alert_watch: AlertWatch | None = None
        self._push_timer = None
        self._unsaid: list[str] = []          # news waiting for the worker to come back here
        self._refresh_asked = False           # r was pressed: say when the refresh lands
        self._outcome = ("", 0.0)             # the last outcome said, and when
        self.view = "alerts"
        self.list_rows: list = []             # the caseload entries or draft rows shown in #list
        self._list_sentences: list[str] = []
        self.report_choices: list = []        # the management reports this role may read (R)
        self._reports_asked = False

    def compose(self) -> ComposeResult:
        yield Static("My work", id="heading", classes="heading")
        yield Static(self._views_line(), id="views", markup=False)
        yield ListTable(id="work", cursor_type="row", zebra_stripes=False)
        yield ListTable(id="list", cursor_type="row", show_header=False)
        yield Static("", id="detail")
        yield StatusLine("Fetching your work…", id="status")
        yield key_footer(self.app)

    def on_mount(self) -> None:
        self.query_one("#list", DataTable).display = False  # shown by keys 2 and 3, filled when shown
        table = self.query_one("#work", DataTable)
        if self.app.large:
            # About 40 columns: one column, each row two lines, status first then the child;
            # the due date and title are in the line under the table.
            table.show_header = False
            table.add_column("My work", key="work", width=self._large_width())
        else:
            child_width, show_what, show_due = self._column_widths()
            table.add_column("Status", key="status", width=STATUS_WIDTH)
            if show_what:
                table.add_column("What", key="title", width=WHAT_WIDTH)
            table.add_column("Child", key="child", width=child_width)
            if show_due:
                table.add_column("Due", key="due", width=DUE_WIDTH)
        table.focus()
        # Kept: Textual holds timers only weakly, and a collected timer silently stops.
        self.periodic_refresh_timer = self.set_interval(AUTO_REFRESH_SECONDS, self._periodic_refresh)
        self.alert_tracker = AlertTracker(own_work=self.app.client.acted_on_recently)
        self.alert_watch = self.app.client.watch_alerts(
            on_state=lambda state: self.post_message(self.AlertsState(state)))
        self.follow_alerts(self.alert_watch)
        self._ask_about_reports()

    def _ask_about_reports(self) -> None:
        self._reports_asked = True
        self.call_service(reports.available, self._reports_known, failed=self._reports_unknown, group="reports")

    def _reports_known(self, found: list) -> None:
        """R is offered (footer, F1, palette) only once reports are known to be there."""
        self.report_choices = found
        self.refresh_bindings()

    def _reports_unknown(self, _exc) -> None:
        self._reports_asked = False  # a service down at the start: asked again on coming back here

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "reports":
            return bool(self.report_choices)
        return True

    def on_unmount(self) -> None:
        # Ends the thread below at once; the app cannot finish while it waits on the stream.
        if self.alert_watch is not None:
            self.alert_watch.close()

    # -- the alerts stream -----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="alerts-stream", exit_on_error=False)
    def follow_alerts(self, watch: AlertWatch) -> None:
        """Runs for as long as the screen: each update is noted for announcing, and the screen
        is told (post_message is safe from a thread and never blocks, even while closing)."""
        try:
            for update in watch:
                self.alert_tracker.apply(update)
                # The first (initial) one too: a clock made between the screen's own first
                # fetch and the stream opening is shown, though not announced.
                self.post_message(self.AlertsArrived())
        finally:
            watch.close()

    def on_my_work_screen_alerts_arrived(self, _message: AlertsArrived) -> None:
        if self._push_timer is None:  # a burst within PUSH_SETTLE_SECONDS makes one refresh
            self._push_timer = self.set_timer(PUSH_SETTLE_SECONDS, self._alerts_settled)

    def _alerts_settled(self) -> None:
        self._push_timer = None
        self._unsaid.extend(summary_text(self.alert_tracker.take(), hint="they are in the list"))
        if not self.is_current:
            return  # behind a form or the login: it refreshes, and says the news, on coming back
        # The table comes from the same fetch as every refresh, so referrals and clocks that
        # ended while the stream was down are right too, and an older fetch never lands last.
        self.refresh_work()

    def on_my_work_screen_alerts_state(self, message: AlertsState) -> None:
        self.alerts_state = message.state
        if self.loaded:
            self.query_one("#heading", Static).update(self._heading(list(self.rows.values())))

    def _periodic_refresh(self) -> None:
        if self.is_current:  # not behind a form: it refreshes when the form closes
            self.refresh_work()

    def on_screen_resume(self) -> None:
        self.refresh_work()
        if not self._reports_asked:
            self._ask_about_reports()

    def refresh_work(self) -> None:
        self.call_service(fetch_work, self._show, group="refresh")
        if self.view != "alerts":
            self._load_list()

    # -- caseload and drafts ---------------------------------------------------------------
    def _views_line(self) -> str:
        return views_line(bindings.MY_WORK_VIEWS, self.view, self.app.large)

    def action_view(self, view: str) -> None:
        self.view = view
        self.query_one("#views", Static).update(self._views_line())
        work, other = self.query_one("#work", DataTable), self.query_one("#list", DataTable)
        work.display, other.display = view == "alerts", view != "alerts"
        if view == "alerts":
            self.set_focus(work)
            self._show_detail()
            self.status.say(summary(list(self.rows.values())).capitalize() + ".")
            return
        other.clear()
        self.list_rows = []
        self.query_one("#detail", Static).update("")
        self.set_focus(other)
        self.status.say("Fetching your caseload…" if view == "caseload" else "Fetching your drafts…")
        self._load_list()

    def _load_list(self) -> None:
        view = self.view
        fetch = (lambda client: client.caseload()) if view == "caseload" else caseload.load_drafts
        self.call_service(fetch, lambda rows: self._list_loaded(view, rows), group="list")

    def _list_loaded(self, view: str, rows: list) -> None:
        if view != self.view:
            return  # the worker has moved to another view meanwhile
        table = self.query_one("#list", ListTable)
        keep = table.cursor_row
        sentences = ([caseload.caseload_sentence(e) for e in rows] if view == "caseload"
                     else [row.sentence for row in rows])
        if self.list_rows and sentences == self._list_sentences:
            return  # unchanged: nothing redrawn or re-announced
        self.list_rows, self._list_sentences = rows, sentences
        table.show_sentences(sentences, full_width=True)
        table.move_cursor(row=max(0, min(keep, len(rows) - 1)), animate=False)
        if view == "caseload":
            said = caseload.caseload_summary(rows) + (". Enter opens a child's record." if rows else "")
        else:
            said = caseload.drafts_summary(rows) + (". Enter carries on with one." if rows else "")
        self.status.say(said)

    def _open_from_list(self) -> None:
        table = self.query_one("#list", DataTable)
        if not self.list_rows or table.cursor_row is None:
            self.status.error("Nothing here to open.")
            return
        chosen = self.list_rows[table.cursor_row]
        if self.view == "caseload":
            from tui.app.screens.child import ChildScreen

            self.app.push_screen(ChildScreen(chosen.person.name))
        elif chosen.document:
            self.status.say("Opening the record…")
            self.call_service(lambda client: DocumentEditor.open(client, chosen.document), self._edit, group="open")
        else:
            self.action_new_contact()  # the contact draft is reopened

    def _edit(self, editor: DocumentEditor) -> None:
        from tui.app.screens.document import DocumentScreen

        self.status.say("")
        self.app.push_screen(DocumentScreen(editor), self._form_closed)

    def _show(self, work) -> None:
        self._update_table(work)
        if self._unsaid and self.is_current:
            self._announce()
        elif self._refresh_asked:
            self.status.say(f"Refreshed at {time.strftime('%H:%M:%S')}.")
        self._refresh_asked = False

    def _announce(self) -> None:
        """New alerts in words on the status line (not by colour alone), after an outcome said
        a moment ago rather than over it; a problem on the line stays there too."""
        news, self._unsaid = " ".join(self._unsaid[-3:]), []  # the latest, if it piled up
        outcome, said_at = self._outcome
        if outcome and time.monotonic() - said_at < KEEP_OUTCOME_SECONDS:
            news = f"{outcome} {news}"
        self.status.note(news)

    def _update_table(self, work) -> None:
        table = self.query_one("#work", DataTable)
        rows = work_rows(*work)
        heading = self._heading(rows)
        if self.loaded and rows == list(self.rows.values()):
            # Nothing changed: no redraw, so nothing to send down a slow link or for a screen
            # reader to announce again.
            if str(self.query_one("#heading", Static).render()) != heading:
                self.query_one("#heading", Static).update(heading)
            return
        keep = self.selected
        keep_index = table.cursor_row
        table.clear()
        self.rows = {row.key: row for row in rows}
        for row in rows:
            if self.app.large:
                lines = [(line, "bold") for line in textwrap.wrap(row.status, self._large_width())]
                lines += [(line, "") for line in textwrap.wrap(row.child, self._large_width())]
                cell = Text("\n").join(Text(line, style) for line, style in lines)
                table.add_row(cell, key=row.key, height=len(lines))
            else:
                # Every cell wraps to its column rather than being cut or pushing the rest off
                # the screen. What is due, and when, have columns only where they fit beside the
                # child on one line; otherwise they are in the sentence under the table.
                child_width, show_what, show_due = self._column_widths()
                cells = ([textwrap.wrap(row.status, STATUS_WIDTH)]
                         + ([textwrap.wrap(row.title, WHAT_WIDTH)] if show_what else [])
                         + [textwrap.wrap(row.child, child_width)] + ([[row.due]] if show_due else []))
                table.add_row(*("\n".join(lines) for lines in cells), key=row.key,
                              height=max(len(lines) for lines in cells))
        table.move_cursor(row=self._row_to_keep(rows, keep, keep_index), animate=False)
        self.query_one("#heading", Static).update(heading)
        self._show_detail()
        if not self.loaded:
            self.loaded = True
            self.status.say("Up to date.")

    @staticmethod
    def _row_to_keep(rows: list[WorkRow], keep: WorkRow | None, keep_index: int) -> int:
        """The worker's highlight must stay on the same child across a refresh, or `d` would
        decide someone else's referral. A referral's row changes key when its clock arrives, so
        match on the referral too; failing both, stay at the same place in the list."""
        if keep is not None:
            for index, row in enumerate(rows):
                if row.key == keep.key or (keep.referral and row.referral == keep.referral):
                    return index
        return max(0, min(keep_index, len(rows) - 1))

    def _column_widths(self) -> tuple[int, bool, bool]:
        """The child column's width, and whether what is due and the due date have columns:
        only where the child's name and date of birth still fit on one line beside them, so a
        duty worker scans one line per piece of work."""
        room = self.app.size.width - 4  # the scroll bar, and a little air
        # Each column has a cell of padding either side.
        show_what = room - (STATUS_WIDTH + 2) - (WHAT_WIDTH + 2) - 2 >= CHILD_WIDTH
        show_due = show_what and room - (STATUS_WIDTH + WHAT_WIDTH + DUE_WIDTH + 8) >= CHILD_WIDTH
        used = (STATUS_WIDTH + 2 + ((WHAT_WIDTH + 2) if show_what else 0) + ((DUE_WIDTH + 2) if show_due else 0)
                + 2)
        return max(16, room - used), show_what, show_due

    def _large_width(self) -> int:
        # Wrapped by hand: a DataTable cell never wraps, and a cut-off status would hide words.
        return max(16, self.app.size.width - 4)

    def _heading(self, rows: list[WorkRow]) -> str:
        counts = summary(rows)
        # Quietly, where the time of the last update is: new alerts may be late for a moment.
        reconnecting = ", alerts reconnecting" if self.alerts_state == RECONNECTING else ""
        if self.app.large:
            return f"My work: {counts}{reconnecting}"
        user = self.app.client.session.user
        return (f"My work for {user.display_name if user else 'you'}: {counts}, "
                f"updated {time.strftime('%H:%M')}{reconnecting}")

    @property
    def selected(self) -> WorkRow | None:
        table = self.query_one("#work", DataTable)
        if not self.rows or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "work":
            self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "list":
            self._open_from_list()
        else:
            self.action_decide()  # Enter on a referral does what d does

    def _show_detail(self) -> None:
        row = self.selected
        if row is None:
            text = "Nothing in your work yet."
        elif self.app.large:  # the row itself already says the status and the child
            text = f"{row.title}: {row.due}" if row.due else row.title
        else:
            text = row.sentence
        self.query_one("#detail", Static).update(text)

    # -- actions ---------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.status.say("Refreshing…")
        # Said by whichever refresh lands next: one from the alerts stream may replace this one.
        self._refresh_asked = True
        self.refresh_work()

    def action_new_contact(self) -> None:
        self.status.say("Opening the contact form…")
        self.call_service(self._resume_draft, self._open_contact, group="open")

    def _resume_draft(self, client: IcsClient) -> DraftKeeper:
        keeper = DraftKeeper.resume(client, "contact", self.app.state_dir)
        if not client.session.token:
            # resume() treats a refused server as "no server draft"; after an expired session
            # that would open an empty form over the worker's saved one. Log in, then resume.
            raise SessionExpired("UNAUTHENTICATED", "Your session has ended. Please log in again.")
        return keeper

    def _open_contact(self, keeper: DraftKeeper) -> None:
        from tui.app.screens.contact import ContactScreen

        self.status.say("")
        self.app.push_screen(ContactScreen(keeper), self._form_closed)

    def _form_closed(self, outcome: str | None) -> None:
        if outcome:
            self.status.say(outcome)
            self._outcome = (outcome, time.monotonic())
        self.refresh_work()
        self.set_timer(FOLLOW_UP_SECONDS, self.refresh_work)

    def action_team(self) -> None:
        from tui.app.screens.team import TeamScreen

        self.app.push_screen(TeamScreen(), lambda _: self.refresh_work())

    def action_reports(self) -> None:
        from tui.app.screens.reports import ReportsScreen

        self.app.push_screen(ReportsScreen(self.report_choices))

    def action_search(self) -> None:
        from tui.app.screens.search import SearchScreen

        self.app.push_screen(SearchScreen())

    def action_emergency(self) -> None:
        from tui.app.screens.emergency import EmergencyScreen

        self.app.push_screen(EmergencyScreen(), self._form_closed)

    def action_decide(self) -> None:
        if self.view != "alerts":
            self.status.error("Referrals are in your alerts: press 1, highlight the referral, then press d.")
            return
        row = self.selected
        if row is None or not row.referral:
            self.status.error("Highlight a referral (a \"Referral decision due\" row) first, then press d.")
            return
        if not row.open:
            self.status.error(f"That referral is already decided: {row.status}.")
            return
        from tui.app.screens.decision import DecisionScreen

        self.app.push_screen(DecisionScreen(row.referral, row.child, row.sentence), self._form_closed)
