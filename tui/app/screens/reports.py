"""Management reports (SPEC §6), from My work's R for a role that has them: the list of reports
(Enter opens one), a small form for the period and team, then the report itself as plain lines
in a read-only view that scrolls, laid out again for the screen's width (tui/core/reports.py
decides a table or a block a row), and s saves every table as CSV in the folder set up for
saved copies. Large mode says each row as a sentence: a table does not fit 40 columns."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Log, Static

from ics.common.v1 import reports_pb2 as rpb
from tui.app import bindings
from tui.app.screens.base import ListTable, ServiceScreen, StatusLine, key_footer
from tui.app.screens.small_form import SmallFormScreen
from tui.core import printing, reports
from tui.core.errors import ServiceError
from tui.core.forms import Field


EVERY_TEAM = "every team you may see"


def report_form(client) -> tuple[Field, ...]:
    teams = sorted(client.session.teams.items(), key=lambda item: item[1].lower())
    return (
        Field("from_date", "From", "the period's first day as YYYY-MM-DD; empty for the 1 April before the last day"),
        Field("to_date", "To", "the period's last day as YYYY-MM-DD; empty for today"),
        Field("team", "Team", f"empty for {EVERY_TEAM}", False,
              tuple((label, n) for n, label in enumerate([EVERY_TEAM, *(name for _, name in teams)], 1))),
    )


def team_named(client, label: str) -> str:
    """The form's team label as "teams/N"; "" for every team."""
    return next((name for name, shown in client.session.teams.items() if shown == label), "")


class ReportsScreen(ServiceScreen):
    BINDINGS = bindings.REPORTS

    def __init__(self, known: list[reports.Available] | None = None) -> None:
        super().__init__()
        self.choices: list[reports.Available] = list(known or [])

    def compose(self) -> ComposeResult:
        yield Static("Management reports", id="heading", classes="heading")
        yield ListTable(id="items", cursor_type="row", show_header=False)
        yield StatusLine("Fetching the reports you may read…", id="status")
        yield key_footer(self.app)

    def on_mount(self) -> None:
        if self.choices:
            self._listed(self.choices)
        # Again, in case the list changed since My work asked (a report newly installed).
        self.call_service(reports.available, self._listed, group="list")

    def _listed(self, choices: list[reports.Available]) -> None:
        table = self.query_one(ListTable)
        if choices == self.choices and table.row_count:
            return  # the same list again: the highlight stays where the manager moved it
        self.choices = choices
        # At 40 columns a description is a screenful of its own: the titles alone, and the form
        # that opens says what the chosen one is about.
        table.show_sentences([item.title if self.app.large else f"{item.title}: {item.description}"
                              for item in choices], full_width=True)
        self.set_focus(table)
        if choices:
            self.status.say(f"{len(choices)} report{'s' if len(choices) != 1 else ''}. "
                            "Enter opens the highlighted one.")
        else:
            self.status.say("Your role has no management reports.")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if not self.choices or event.cursor_row is None:
            return
        chosen = self.choices[event.cursor_row]

        def send(client, values):
            report = reports.fetch(client, chosen.name, values["from_date"].strip(), values["to_date"].strip(),
                                   team_named(client, values["team"]), service=chosen.service)
            return report, reports.Names.of(client)

        self.app.push_screen(ReportFormScreen(
            chosen.title, f"{chosen.description} Which period and team? Leave them empty for the whole year "
            "since 1 April, for every team you may see.",
            report_form(self.app.client), send, lambda fetched: fetched, sending="Fetching the report…"),
            self._fetched)

    def _fetched(self, fetched) -> None:
        if fetched:
            report, names = fetched
            self.app.push_screen(ReportScreen(report, names))

    def action_back(self) -> None:
        self.close(None)


class ReportFormScreen(SmallFormScreen):
    """Dismissed with (report, names) once fetched; a refused period marks the date it names."""
    BINDINGS = bindings.REPORT_FORM


class ReportScreen(ServiceScreen):
    BINDINGS = bindings.REPORT

    def __init__(self, report: rpb.Report, names: reports.Names) -> None:
        super().__init__()
        self.report, self.names = report, names
        self.laid_out_for = 0

    def compose(self) -> ComposeResult:
        yield Static(self.report.title, id="heading", classes="heading", markup=False)
        # A Log draws only the lines on screen, so a report listing thousands of rows scrolls
        # as quickly as a short one; it shows text as it is, never as markup.
        yield Log(id="report", auto_scroll=False)
        yield StatusLine("s: save as CSV. Escape: back." if self.app.large else
                         "s saves every table as CSV; Escape goes back.", id="status")
        yield key_footer(self.app)

    def on_mount(self) -> None:
        self.lay_out()
        self.set_focus(self.query_one(Log))

    def on_resize(self) -> None:
        self.lay_out()

    def lines(self, width: int) -> list[str]:
        # Large mode: one sentence a row, never a table, which cannot fit 40 columns.
        lines = reports.report_lines(self.report, self.names, width, spoken=self.app.large)
        title = reports.wrap(self.report.title, width)
        if lines[:len(title)] == title:
            lines = lines[len(title):]  # the heading above says it already
        # A Log drops an empty line; the blank between tables is what separates them.
        return [line or " " for line in lines]

    def lay_out(self) -> None:
        """The report at the screen's width, keeping the place read to (as a share of the whole,
        since the lines rewrap)."""
        # The scroll bar (2), the padding (none in large mode) and a cell of air, so a line
        # never needs the bar that scrolls sideways.
        width = max(20, self.size.width - (3 if self.app.large else 5))
        if width == self.laid_out_for:
            return
        self.laid_out_for = width
        view = self.query_one(Log)
        place = view.scroll_y / view.max_scroll_y if view.max_scroll_y else 0.0
        view.clear()
        view.write_lines(self.lines(width), scroll_end=False)
        if place:
            # The new height is known only after the Log has measured its lines.
            self.call_after_refresh(lambda: view.scroll_to(y=round(place * view.max_scroll_y), animate=False))

    def action_save(self) -> None:
        settings = printing.configured_output(self.app.client.targets)
        try:
            self.status.say(reports.save_csv(self.report, self.names, settings))
        except ServiceError as exc:
            self.status.error(exc.message)

    def action_back(self) -> None:
        self.close(None)
