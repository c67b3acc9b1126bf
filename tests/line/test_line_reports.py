"""Management reports in the line mode, against the real services on both engines: a manager
lists the reports, hears timeliness a sentence a row, narrows it to a team, saves its tables as
CSV (0600); a worker is told their role has none.

The stack is this module's own. It holds one referral, received today by Duty and Assessment
and not yet decided: one referral decision clock, open and due in one working day."""

from __future__ import annotations

import csv
import dataclasses
import stat
import uuid

import pytest

from tests.line.test_line_mode import answers, drive, recorded_referral
from tui.core.client import IcsClient
from tui.core.printing import OutputSettings


@pytest.fixture(scope="module")
def one_referral(stack):
    duty = IcsClient(stack.targets())
    try:
        duty.login("duty", "demo")
        return recorded_referral(duty, f"Reportline{uuid.uuid4().hex[:6]}")
    finally:
        duty.close()


def numbered(block: list[str]) -> dict[str, int]:
    """"3. Timeliness against statutory timescales: ..." -> {"Timeliness against ...": 3}."""
    found = {}
    for line in block:
        number, dot, rest = line.partition(". ")
        if dot and number.isdigit():
            found[rest.split(":")[0]] = int(number)
    return found


def saving_client(stack, folder) -> IcsClient:
    return IcsClient(dataclasses.replace(stack.targets(), output=OutputSettings(save_folder=str(folder))))


def test_manager_hears_timeliness_and_saves_it(stack, one_referral, tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    listing = answers(drive(stack, ["login", "manager", "demo", "reports", "quit"], tmp_path))[2]
    assert listing[0].endswith("reports you may read:")
    number = numbered(listing)["Timeliness against statutory timescales"]

    client = saving_client(stack, folder)
    try:
        text = drive(stack, ["login", "manager", "demo", "reports", f"report {number}", "save report",
                             f"report {number} team child protection", "quit"], tmp_path, client=client)
    finally:
        client.close()
    blocks = answers(text)
    heard = blocks[3]
    assert heard[0] == "Fetching Timeliness against statutory timescales…"
    assert heard[1] == "Timeliness against statutory timescales"
    assert heard[2].endswith(". Every team.")  # the period from 1 April, and every team a manager sees
    assert "Timeliness by clock" in heard
    # The one clock, open and due tomorrow: nothing met, missed or late; "Within timescale" has
    # nothing judged to divide (0 / 0: blank, never 0%); "At best" is (0 + 1) / (0 + 1) = 100%.
    row = heard[heard.index("Timeliness by clock") + 1]
    assert row.startswith("Rule set: ") and row.endswith(
        "Met: 0, Missed: 0, Open, late: 0, Open, in time: 1, Stopped: 0, Extended: 0, Within timescale: –, "
        "At best: 100%."), row
    # By team and worker, Duty and Assessment's total first, then nobody yet allocated.
    team_rows = heard[heard.index("Timeliness by team and worker") + 1:][:2]
    assert "Team: Duty and Assessment, Worker: (whole team)" in team_rows[0]
    assert "Team: Duty and Assessment, Worker: (no worker yet)" in team_rows[1]
    assert heard[-1] == "Type save report to save its tables as CSV files."

    said = " ".join(blocks[4])
    assert said.startswith(f"Saved 4 tables as CSV in {folder}: timeliness-by_rule.csv")
    saved = sorted(folder.iterdir())
    assert len(saved) == 4 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in saved)
    with open(folder / "timeliness-by_rule.csv", newline="") as handle:
        assert list(csv.reader(handle))[1][2:] == ["0", "0", "0", "1", "0", "0", "", "1.0000", ""]

    # Child Protection holds no clock: the same report for that team counts nothing.
    narrowed = blocks[5]
    assert narrowed[2].endswith(". Team Child Protection.")  # its name, not teams/3
    assert narrowed[narrowed.index("Timeliness by clock") + 1] == "Nothing to count."

    # "save" at the end of the command saves what was just said: Child Protection's empty table
    # replaces the file, a heading and no rows.
    client = saving_client(stack, folder)
    try:
        text = drive(stack, ["login", "manager", "demo", f"report {number} team teams/3 save", "quit"], tmp_path,
                     client=client)
    finally:
        client.close()
    assert answers(text)[2][-1].startswith(f"Saved 4 tables as CSV in {folder}:")
    with open(folder / "timeliness-by_rule.csv", newline="") as handle:
        assert [row[0] for row in csv.reader(handle)] == ["rule_set"]


def test_report_words_are_checked(stack, one_referral, tmp_path):
    text = drive(stack, ["login", "manager", "demo", "report", "report 1 team nowhere", "report 1 from yesterday",
                         "report 99", "save report", "report 1 from 2026-06-01 to 2026-05-01", "quit"], tmp_path)
    blocks = answers(text)
    assert blocks[2][0].startswith("Error: Type report and a number from the reports list")
    assert " ".join(blocks[3]).startswith("Error: nowhere matches no team. The teams are: Child Protection "
                                          "(teams/3); Children in Need North (teams/2); Duty and Assessment (teams/1).")
    assert blocks[4] == ["Error: Type from and the period's first day as YYYY-MM-DD."]
    assert blocks[5][0].startswith("Error: Give a number from 1 to ")
    assert blocks[6] == ["Error: Hear a report first: type reports, then report and a number."]
    assert "after it ends" in " ".join(blocks[7])


def test_a_worker_has_no_reports(stack, one_referral, tmp_path):
    blocks = answers(drive(stack, ["login", "worker", "demo", "reports", "report 1", "quit"], tmp_path))
    assert blocks[2] == ["Your role has no management reports."]
    assert blocks[3] == ["Your role has no management reports."]


def test_help_lists_the_report_commands(stack, tmp_path):
    said = " ".join(answers(drive(stack, ["help", "quit"], tmp_path))[1])
    assert "reports: the management reports your role may read, numbered." in said
    assert "save report, or save at the end of the report command" in said


def test_logging_out_forgets_the_report(stack, one_referral, tmp_path):
    blocks = answers(drive(stack, ["login", "manager", "demo", "reports", "report 1", "logout", "login", "manager",
                                   "demo", "save report", "quit"], tmp_path))
    assert blocks[-2] == ["Error: Hear a report first: type reports, then report and a number."]


