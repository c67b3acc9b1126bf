"""How a report reads on a terminal of any width and to a screen reader (tui/core/reports.py):
columns when they fit, headings wrapped when that makes them fit, one block a row otherwise;
never a line wider than the screen, a blank share never shown as 0%, a note said once."""

from __future__ import annotations

import pytest

from ics.common.v1 import reports_pb2 as rpb
from tui.core import reports

NAMES = reports.Names({"teams/1": "Duty and Assessment"}, {"users/2": "Wes Worker"})
SHARED_NOTE = "Clocks that started in the period."


def _report() -> rpb.Report:
    columns = [rpb.ReportColumn(key="team", heading="Team", kind=rpb.COLUMN_KIND_TEAM),
               rpb.ReportColumn(key="worker", heading="Worker", kind=rpb.COLUMN_KIND_USER),
               rpb.ReportColumn(key="met", heading="Met within timescale", kind=rpb.COLUMN_KIND_COUNT),
               rpb.ReportColumn(key="share", heading="Share within timescale", kind=rpb.COLUMN_KIND_SHARE)]
    rows = [rpb.ReportRow(cells=[rpb.ReportCell(text="teams/1"), rpb.ReportCell(text="users/2"),
                                 rpb.ReportCell(count=3), rpb.ReportCell(number=0.75)], flag="a quarter not met"),
            rpb.ReportRow(cells=[rpb.ReportCell(text="teams/1"), rpb.ReportCell(text="users/9"),
                                 rpb.ReportCell(count=0), rpb.ReportCell()])]
    table = rpb.ReportTable(key="by_worker", title="By worker", columns=columns, rows=rows, notes=[SHARED_NOTE])
    again = rpb.ReportTable(key="again", title="Again", columns=columns, rows=rows, notes=[SHARED_NOTE, "Only here."])
    return rpb.Report(name="timeliness", title="Timeliness", period="Wed 1 Apr 2026 to Sat 28 Nov 2026",
                      scope="Team teams/1", tables=[table, again])


def test_a_wide_screen_gets_columns_with_names_for_ids():
    lines = reports.report_lines(_report(), NAMES, 120)
    assert lines[1] == "Wed 1 Apr 2026 to Sat 28 Nov 2026. Team Duty and Assessment."
    header = next(line for line in lines if line.startswith("Team"))
    assert "Met within timescale" in header and "Share within timescale" in header
    row = next(line for line in lines if "Wes Worker" in line)
    assert row.split()[-7:] == ["3", "75%", "!", "a", "quarter", "not", "met"]
    blank = next(line for line in lines if "users/9" in line)
    assert blank.rstrip().endswith("–") and "0%" not in blank  # nothing to divide: blank, never 0%


def test_a_middling_screen_wraps_headings_rather_than_giving_up_the_table():
    lines = reports.table_lines(_report().tables[0], NAMES, 60)
    # Team 19 wide and Worker 10, two spaces apart; the counts' headings wrapped to 9 and set right.
    left = " " * (19 + 2 + 10 + 2)
    assert lines[1:5] == [left + "      Met" + "      Share",
                          left + "   within" + "     within",
                          "Team".ljust(21) + "Worker".ljust(12) + "timescale  timescale",
                          "-------------------  ----------  ---------  ---------"]
    assert lines[5].split() == ["Duty", "and", "Assessment", "Wes", "Worker", "3", "75%"]
    assert lines[6] == "! a quarter not met"  # no room beside the row: below it


@pytest.mark.parametrize("width", [40, 30])
def test_a_narrow_screen_gets_one_block_a_row_and_nothing_cut(width):
    lines = reports.report_lines(_report(), NAMES, width)
    assert all(len(line) <= width for line in lines)
    text = " ".join(lines)
    assert "Team: Duty and Assessment, Worker: Wes Worker, Met within timescale: 3, Share within timescale: 75%." \
        in text.replace("  ", " ")
    assert ".." not in text


def test_spoken_rows_are_sentences_and_a_note_is_said_once():
    lines = reports.report_lines(_report(), NAMES, 200, spoken=True)
    assert ("Team: Duty and Assessment, Worker: Wes Worker, Met within timescale: 3, Share within timescale: 75%. "
            "Note: a quarter not met.") in lines
    assert lines.count(SHARED_NOTE) == 1 and lines.count("Only here.") == 1


def test_csv_has_keys_names_and_fractions_and_leaves_a_blank_empty():
    text = reports.table_csv(_report().tables[0], NAMES)
    assert text.splitlines() == ["team,worker,met,share,flag",
                                 "Duty and Assessment,Wes Worker,3,0.7500,a quarter not met",
                                 "Duty and Assessment,users/9,0,,"]
