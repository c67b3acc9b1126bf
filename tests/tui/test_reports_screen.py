"""Management reports by keys through Pilot against the real services: a manager opens
Reports from My work (R), chooses timeliness, reads it as a table, saves its tables as CSV; in
large mode the same report comes one sentence a row; a worker is offered no reports at all.

The stack is this module's own, so the counts are worked out from what the module records:
one referral, not yet decided, received today, whose decision clock is therefore open and in
time (due in one working day)."""

from __future__ import annotations

import csv
import dataclasses
import stat
import uuid

import pytest

from tests.helpers import wait_for
from tests.tui.test_app_pilot import BOX_DRAWING, choose, log_in, record_contact, screen_text, status_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.keys import key_lines
from tui.app.screens.my_work import MyWorkScreen
from tui.app.screens.reports import ReportFormScreen, ReportScreen, ReportsScreen
from tui.core.printing import OutputSettings

WIDE = (160, 40)  # the timeliness counts need about 130 columns to be a table


@pytest.fixture(scope="module")
def one_referral(stack):
    """The module's one referral, once alerts has made its decision clock."""
    from tui.core.client import IcsClient

    duty = IcsClient(stack.targets())
    try:
        duty.login("duty", "demo")
        reply = record_contact(duty, f"Report{uuid.uuid4().hex[:6]}")
        wait_for(lambda: any(c.subject == reply.referral.name for c in duty.my_alerts(include_ended=False)),
                 what="the referral's decision clock")
        return reply
    finally:
        duty.close()


def report_text(app) -> list[str]:
    return list(app.screen.query_one("#report").lines)


async def open_timeliness(pilot) -> ReportScreen:
    """As the manager: My work, R, the timeliness report, Ctrl+S on the form left empty."""
    app = pilot.app
    await log_in(pilot, username="manager")
    work = await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen, what="My work")
    await wait_until(pilot, lambda: work.report_choices, what="reports known")
    await pilot.press("R")
    listing = await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen, what="reports")
    await wait_until(pilot, lambda: any(item.name == "timeliness" for item in listing.choices), what="listed")
    words = " ".join(screen_text(app).split())
    if not app.large:  # title and description; at 40 columns the titles alone, wrapped
        assert "Timeliness against statutory timescales: " in words
    index = next(i for i, item in enumerate(listing.choices) if item.name == "timeliness")
    await pilot.press("home", *["down"] * index, "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ReportFormScreen), what="the period form")
    await pilot.press("ctrl+s")
    return await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen) and app.screen, what="the report")


async def test_manager_reads_timeliness_as_a_table_and_saves_it(stack, one_referral, tmp_path):
    folder = tmp_path / "saved"
    folder.mkdir()
    app = IcsApp(dataclasses.replace(stack.targets(), output=OutputSettings(save_folder=str(folder))))
    async with app.run_test(size=WIDE) as pilot:
        await open_timeliness(pilot)
        text = screen_text(app)
        assert "Timeliness against statutory timescales" in text
        lines = report_text(app)
        assert "Timeliness by clock" in lines
        heading = next(line for line in lines if line.startswith("Rule set"))
        assert heading.split() == ["Rule", "set", "Clock", "Met", "Missed", "Open,", "late", "Open,", "in", "time",
                                   "Stopped", "Extended", "Within", "timescale", "At", "best"]
        # One clock, open and due tomorrow: nothing met, missed or late; "Within timescale" has
        # nothing judged to divide (0 / 0: blank, never 0%); "At best" is (0 + 1) / (0 + 1) = 100%.
        row = lines[lines.index(heading) + 2]
        assert row.split()[-8:] == ["0", "0", "0", "1", "0", "0", "–", "100%"], row
        assert "Referral decision" in row
        assert row in text  # on the screen, not only in the widget

        await pilot.press("s")
        await wait_until(pilot, lambda: "Saved 4 tables as CSV in" in status_text(app), what="saved")
        saved = sorted(folder.iterdir())
        assert [p.name for p in saved] == ["timeliness-by_rule.csv", "timeliness-by_team_and_worker.csv",
                                           "timeliness-extension_reasons.csv", "timeliness-extensions.csv"]
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in saved)
        with open(folder / "timeliness-by_rule.csv", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0][2:] == ["met", "missed", "open_late", "open_in_time", "stopped", "extended", "share_met",
                               "share_at_best", "flag"]
        assert rows[1][2:] == ["0", "0", "0", "1", "0", "0", "", "1.0000", ""]

        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen), what="back to the list")


async def test_save_without_a_folder_says_so(stack, one_referral):
    app = IcsApp(dataclasses.replace(stack.targets(), output=OutputSettings()))
    async with app.run_test(size=WIDE) as pilot:
        await open_timeliness(pilot)
        await pilot.press("s")
        await wait_until(pilot, lambda: "No folder for saved copies is set up" in status_text(app), what="refused")
        assert status_text(app).startswith("Problem:")


async def test_a_period_the_wrong_way_round_is_refused_on_the_form(stack, one_referral):
    app = IcsApp(stack.targets())
    async with app.run_test(size=WIDE) as pilot:
        await log_in(pilot, username="manager")
        work = await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen, what="My work")
        await wait_until(pilot, lambda: work.report_choices, what="reports known")
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.choices, what="list")
        await pilot.press("enter")
        form = await wait_until(pilot, lambda: isinstance(app.screen, ReportFormScreen) and app.screen, what="form")
        await pilot.press(*"2026-06-01")
        await pilot.press("tab", *"2026-05-01", "ctrl+s")
        await wait_until(pilot, lambda: "after it ends" in status_text(app), what="refusal")
        assert app.screen is form and "Problem:" in screen_text(app)


async def test_large_mode_says_each_row_as_a_sentence(stack, one_referral):
    app = IcsApp(stack.targets(), large=True)
    async with app.run_test(size=(40, 12)) as pilot:
        await open_timeliness(pilot)
        lines = report_text(app)
        # No table: no line of dashes under headings; each row starts "Rule set: ..."
        assert not any(line.strip() and set(line) <= {"-", " "} for line in lines)
        assert any(line.startswith("Rule set: ") for line in lines)
        assert all(len(line) <= 37 for line in lines)
        said = " ".join(lines)
        assert "Met: 0, Missed: 0, Open, late: 0, Open, in time: 1, Stopped: 0, Extended: 0, Within timescale: " \
               "–, At best: 100%." in said
        text = screen_text(app)
        assert "F1: the keys for this screen." in text and not BOX_DRAWING.search(text)
        await pilot.press("f1")
        await wait_until(pilot, lambda: "Keys:" in screen_text(app), what="help")
        assert key_lines(app.screen_stack[-2])[:2] == [
            "s: Save as CSV. Save every table of this report as a CSV file in the folder set up for saved copies.",
            "Escape: Back. Back to the list of reports."]


async def test_a_worker_is_offered_no_reports(stack, one_referral):
    app = IcsApp(stack.targets())
    async with app.run_test(size=WIDE) as pilot:
        await log_in(pilot, username="worker")
        work = await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen, what="My work")
        await wait_until(pilot, lambda: not [w for w in app.workers if w.group == "reports" and not w.is_finished]
                         and work.loaded, what="reports asked about")
        assert not any(line.startswith("R:") for line in key_lines(work))
        assert "Reports" not in screen_text(app)
        await pilot.press("R")
        await pilot.pause(0.3)
        assert app.screen is work


async def test_help_lists_reports_for_a_manager(stack, one_referral):
    app = IcsApp(stack.targets())
    async with app.run_test(size=WIDE) as pilot:
        await log_in(pilot, username="manager")
        work = await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen, what="My work")
        await wait_until(pilot, lambda: work.report_choices, what="reports known")
        assert any(line.startswith("R: Reports.") for line in key_lines(work))


async def test_one_team_is_chosen_on_the_form(stack, one_referral):
    """The module's one clock is Duty and Assessment's; Child Protection's report counts nothing."""
    app = IcsApp(stack.targets())
    async with app.run_test(size=WIDE) as pilot:
        await log_in(pilot, username="manager")
        work = await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen, what="My work")
        await wait_until(pilot, lambda: work.report_choices, what="reports known")
        await pilot.press("R")
        listing = await wait_until(pilot, lambda: isinstance(app.screen, ReportsScreen) and app.screen.choices and
                                   app.screen, what="list")
        index = next(i for i, item in enumerate(listing.choices) if item.name == "timeliness")
        await pilot.press("home", *["down"] * index, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportFormScreen), what="form")
        await choose(pilot, "in-team", "Child P")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReportScreen), what="the report")
        lines = report_text(app)
        assert lines[0].endswith(". Team Child Protection.")
        assert lines[lines.index("Timeliness by clock") + 1] == "Nothing to count."
