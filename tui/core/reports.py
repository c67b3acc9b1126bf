"""Management reports as both front ends and `ics admin report` show them (SPEC §6).

Records and alerts each compute the reports on their own data and answer in one contract
(protos/ics/common/v1/reports.proto); this module asks the right service, puts colleagues' and
teams' names in place of their ids, and renders a report as lines (a table when it fits the
width, otherwise one block per row; one sentence per row for a screen reader) or as CSV files.
"""

from __future__ import annotations

import csv
import io
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from ics.common.v1 import reports_pb2 as rpb
from tui.core import printing
from tui.core.errors import ServiceError

SERVICES = ("records", "alerts")
BLANK = "–"
TEXT_CELL_MAX = 32  # a long text cell is cut into lines this wide when the table would not fit otherwise  # a share with nothing to divide, or nothing recorded: never shown as 0


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(width, 20), break_long_words=False, break_on_hyphens=False) or [""]


@dataclass(frozen=True)
class Available:
    service: str
    name: str
    title: str
    description: str


class Names:
    """Teams' and colleagues' names for ids; an id nobody can name is shown as it is."""

    def __init__(self, teams: dict[str, str], users: dict[str, str]) -> None:
        self.teams, self.users = teams, users

    @classmethod
    def of(cls, client) -> "Names":
        users: dict[str, str] = {}
        try:
            users = {u.name: u.display_name for u in client.colleagues()}
        except ServiceError:
            pass  # a role that may not list colleagues still reads the report, with users/N
        return cls(dict(client.session.teams), users)

    def team(self, name: str) -> str:
        return self.teams.get(name, name)

    def user(self, name: str) -> str:
        return self.users.get(name, name)


def available(client) -> list[Available]:
    found = []
    for service in SERVICES:
        for item in client.list_reports(service):
            found.append(Available(service, item.name, item.title, item.description))
    return found


def fetch(client, name: str, from_date: str = "", to_date: str = "", team: str = "",
          service: str = "") -> rpb.Report:
    """The report, from whichever service computes it (`service` when the caller knows already)."""
    request = rpb.GetReportRequest(name=name, from_date=from_date, to_date=to_date, team=team)
    if service:
        return client.get_report(service, request)
    choices = available(client)
    for item in choices:
        if item.name == name:
            return client.get_report(item.service, request)
    raise ServiceError("INVALID_ARGUMENT", f"There is no report called {name!r}. The reports are: "
                       + ", ".join(f"{c.name} ({c.title})" for c in choices) + ".")


def value_of(cell: rpb.ReportCell):
    """The cell's value as Python holds it (str, int or float), or None when it is blank."""
    which = cell.WhichOneof("value")
    return None if which is None else getattr(cell, which)


def cell_text(cell: rpb.ReportCell, column: rpb.ReportColumn, names: Names) -> str:
    value = value_of(cell)
    if value is None:
        return BLANK
    kind = column.kind
    if kind == rpb.COLUMN_KIND_SHARE:
        return f"{value * 100:.0f}%"
    if kind == rpb.COLUMN_KIND_HOURS:
        return f"{value:.2f} h"
    if kind == rpb.COLUMN_KIND_TEAM:
        return names.team(value)
    if kind == rpb.COLUMN_KIND_USER:
        return names.user(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def csv_value(cell: rpb.ReportCell, column: rpb.ReportColumn, names: Names) -> str:
    """Machine-readable: shares as fractions to four places, names instead of ids, blank as empty."""
    value = value_of(cell)
    if value is None:
        return ""
    if column.kind == rpb.COLUMN_KIND_SHARE:
        return f"{value:.4f}"
    if column.kind == rpb.COLUMN_KIND_HOURS:
        return f"{value:.2f}"
    if column.kind == rpb.COLUMN_KIND_TEAM:
        return names.team(value)
    if column.kind == rpb.COLUMN_KIND_USER:
        return names.user(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def heading_lines(report: rpb.Report, names: Names | None = None) -> list[str]:
    # The scope names teams by id ("Team teams/3"); said with their names where known.
    scope = re.sub(r"teams/\d+", lambda m: names.team(m.group()), report.scope) if names else report.scope
    return [report.title, f"{report.period}. {scope}."]


def table_lines(table: rpb.ReportTable, names: Names, width: int = 80, spoken: bool = False,
                said: set[str] | None = None) -> list[str]:
    """A table as columns when it fits the width; otherwise (and always when spoken) each row as
    its own lines, so a narrow terminal and a screen reader never get a row cut in half. A note
    in `said` (already given for an earlier table of the report) is not said again."""
    said = set() if said is None else said
    notes = [note for note in table.notes if note not in said]
    said.update(notes)
    lines = [table.title]
    if not table.rows:
        return lines + ["Nothing to count."] + [line for note in notes for line in wrap(note, width)]
    texts = [[cell_text(c, col, names) for c, col in zip(row.cells, table.columns)] for row in table.rows]
    headings = [c.heading for c in table.columns]
    laid_out = None if spoken else _as_columns(table, headings, texts, width)
    if laid_out is not None:
        lines += laid_out
    else:
        for row, values in zip(table.rows, texts):
            sentence = ", ".join(f"{h}: {v}" for h, v in zip(headings, values)).rstrip(".")
            if row.flag:
                sentence += f". Note: {row.flag}"
            lines += wrap(sentence + ".", width)
    for note in notes:
        lines += wrap(note, width)
    return lines


def _as_columns(table: rpb.ReportTable, headings: list[str], texts: list[list[str]], width: int) -> list[str] | None:
    """The rows as aligned columns, or None when they cannot fit the width. Tried first with each
    heading and value on one line; then with headings wrapped over lines and long text cut into
    lines of its own column (numbers are never split); a flag goes after its row or below it."""
    numeric = [c.kind not in (rpb.COLUMN_KIND_TEXT, rpb.COLUMN_KIND_TEAM, rpb.COLUMN_KIND_USER,
                              rpb.COLUMN_KIND_DATE) for c in table.columns]
    gaps = 2 * (len(headings) - 1)
    flag_room = max((len(row.flag) + 4 for row in table.rows if row.flag), default=0)
    full = [max(len(h), *(len(row[i]) for row in texts)) for i, h in enumerate(headings)]
    compact = [max(max(len(word) for word in h.split() or [""]),
                   max(len(row[i]) for row in texts) if numeric[i] else
                   min(TEXT_CELL_MAX, max(len(row[i]) for row in texts)))
               for i, h in enumerate(headings)]
    # Flags beside their rows if any layout allows it, else below them; the widest layout that fits.
    fitting = [w for room in (flag_room, 0) for w in (full, compact) if sum(w) + gaps + room <= width]
    if not fitting:
        return None
    widths = fitting[0]

    def block(values: list[str]) -> list[str]:
        cells = [[v] if n or len(v) <= w else textwrap.wrap(v, w) or [""]
                 for v, w, n in zip(values, widths, numeric)]
        return ["  ".join((cell[k] if k < len(cell) else "").rjust(w) if n else
                          (cell[k] if k < len(cell) else "").ljust(w)
                          for cell, w, n in zip(cells, widths, numeric)).rstrip()
                for k in range(max(len(cell) for cell in cells))]

    heading_cells = [textwrap.wrap(h, w) or [""] for h, w in zip(headings, widths)]
    depth = max(len(cell) for cell in heading_cells)
    lines = ["  ".join(((cell[k - depth + len(cell)] if k >= depth - len(cell) else "").rjust(w) if n else
                        (cell[k - depth + len(cell)] if k >= depth - len(cell) else "").ljust(w))
                       for cell, w, n in zip(heading_cells, widths, numeric)).rstrip() for k in range(depth)]
    lines.append("  ".join("-" * w for w in widths))
    for row, values in zip(table.rows, texts):
        row_lines = block(values)
        if row.flag and len(row_lines[0]) + len(row.flag) + 4 <= width:
            row_lines[0] += f"  ! {row.flag}"
        elif row.flag:
            row_lines += wrap(f"! {row.flag}", width)
        lines += row_lines
    return lines


def report_lines(report: rpb.Report, names: Names, width: int = 80, spoken: bool = False) -> list[str]:
    lines = [line for text in heading_lines(report, names) for line in wrap(text, width)]
    said: set[str] = set()
    for table in report.tables:
        lines.append("")
        lines += table_lines(table, names, width, spoken, said)
    if report.notes:
        lines.append("")
        for note in report.notes:
            lines += wrap(note, width)
    return lines


def table_csv(table: rpb.ReportTable, names: Names) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in table.columns] + ["flag"])
    for row in table.rows:
        writer.writerow([csv_value(c, col, names) for c, col in zip(row.cells, table.columns)] + [row.flag])
    return out.getvalue()


def write_csv_files(report: rpb.Report, names: Names, folder: Path) -> list[Path]:
    """One file a table, `<report>-<table>.csv`, readable by the owner only: a report may name
    children. An existing file of the same name is replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in report.tables:
        path = folder / f"{report.name}-{table.key}.csv"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(table_csv(table, names))
        os.chmod(path, 0o600)
        written.append(path)
    return written


def table_rows(table: rpb.ReportTable) -> list[dict]:
    """Each row as {column key: value, "flag": why it is flagged}: for code that reads a report."""
    return [{**{column.key: value_of(cell) for column, cell in zip(table.columns, row.cells)}, "flag": row.flag}
            for row in table.rows]


def find_table(report: rpb.Report, key: str) -> rpb.ReportTable:
    for table in report.tables:
        if table.key == key:
            return table
    raise ServiceError("INVALID_ARGUMENT", f"The report {report.name!r} has no table {key!r}; it has "
                       + ", ".join(t.key for t in report.tables) + ".")


def save_csv(report: rpb.Report, names: Names, settings: printing.OutputSettings) -> str:
    """Every table as a CSV file (0600) in the folder set up for saved copies; the sentence to
    say. Refused, as printing refuses, when no folder is set up or it is not there: ICS never
    makes a folder of its own for files that may name children."""
    if not settings.save_folder:
        raise printing.OutputError("FAILED_PRECONDITION", "No folder for saved copies is set up on this server. "
                                   "Ask IT to set `save_folder` in the ICS configuration.")
    folder = Path(settings.save_folder)
    if not folder.is_dir():
        raise printing.OutputError("FAILED_PRECONDITION", f"Not saved: the folder {folder} set up for saved copies "
                                   "is not there. Tell IT (the setting save_folder).")
    try:
        written = write_csv_files(report, names, folder)
    except OSError as exc:
        raise printing.OutputError("FAILED_PRECONDITION", f"Not saved: ICS may not write in {folder} "
                                   f"({exc.strerror or exc}). Tell IT (the setting save_folder).") from None
    if not written:
        return "Nothing saved: this report has no table you may see."
    count = f"{len(written)} table{'s' if len(written) != 1 else ''}"
    return f"Saved {count} as CSV in {folder}: " + ", ".join(path.name for path in written) + "."
