"""Pictures of the Textual front end, compared with the accepted ones in __snapshots__/: each
screen at 80x24 in the normal mode and at 40x12 in the large mode (high contrast, no boxes).

    .venv/bin/pytest tests/tui/test_snapshots.py                    # compare
    .venv/bin/pytest tests/tui/test_snapshots.py --snapshot-update  # accept what is drawn now

Look at every changed SVG before accepting it: that is the whole point of these tests.

Deterministic across days and machines:
- SQLite only. The pixels do not depend on the engine, and tests/tui/ and tests/integration/
  already run every flow on both engines.
- The clock is moved to Monday 2 March 2026 (a working day in England) with time-machine, for
  the data set-up (08:30) and again at the start of each picture (09:00), with tick=True so time
  still moves: dates, ages, due dates and My work's "updated 09:00" are the same every day.
  time-machine moves time.time() for the whole process, gRPC's Python layer included, which
  turns a call's timeout into an absolute deadline with time.time() while the C core measures it
  by the real clock: a deadline in March would have passed already. `_grpc_on_the_real_clock`
  gives gRPC's modules the real time.time() (time-machine's escape hatch). time.monotonic, which
  Textual and asyncio run on, is not moved at all.
- Every child, worker and answer has a fixed name: nothing from uuid.
- Input cursors do not blink in the pictures.

pytest-textual-snapshot 1.1.0 (the only release) pins syrupy 4.8.0, which needs pytest < 9; the
project is on pytest 9.2. So `snap_compare` is defined here, the same as that plugin's (Textual's
own take_svg_screenshot, one SVG file per picture through syrupy, the id Rich puts in the SVG
taken out), less its HTML report: a failing comparison names the file to look at.
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from syrupy.extensions.image import SVGImageSnapshotExtension
from textual.widgets import DataTable

from ics.records.v1 import records_pb2 as pb
from tests.conftest import running_stack
from tests.helpers import a, call, wait_for
from tests.tui.test_app_pilot import log_in, screen_text, type_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens.child import ChildScreen
from tui.app.screens.document import DocumentScreen
from tui.app.screens.keys import KeysScreen
from tui.app.screens.lock import LockScreen
from tui.app.screens.login import LoginScreen
from tui.app.screens.my_work import MyWorkScreen
from tui.app.screens.search import SearchScreen
from tui.app.screens.team import TeamScreen
from tui.core.document_editor import DocumentEditor

LONDON = ZoneInfo("Europe/London")
SET_UP_AT = datetime(2026, 3, 2, 8, 30, tzinfo=LONDON)
SHOT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)
CLOCKS = 8  # My work's rows for duty: the clocks that _set_up's data makes
MODES = pytest.mark.parametrize("large", [False, True], ids=["80x24", "40x12-large"])


def size(large: bool) -> tuple[int, int]:
    return (40, 12) if large else (80, 24)


# -- snap_compare: pytest-textual-snapshot's fixture, on the syrupy this project can install ---
class SVGSnapshot(SVGImageSnapshotExtension):
    """One .svg file per picture; the random id Rich writes into the SVG is taken out."""

    def serialize(self, data, **kwargs):
        return re.sub(r"\bterminal-\d+-([\w-]+)", r"terminal-\1", str(data)).encode("utf-8")


@pytest.fixture
def snap_compare(snapshot):
    from textual._doc import take_svg_screenshot

    snapshot = snapshot.use_extension(SVGSnapshot)

    def compare(app, terminal_size=(80, 24), run_before=None, press=()) -> bool:
        return snapshot == take_svg_screenshot(app=app, press=press, terminal_size=terminal_size,
                                               run_before=run_before)

    return compare


# -- a frozen day -----------------------------------------------------------------------------
class _RealTime:
    """The time module as gRPC's Python layer sees it: time.time() is the real one."""

    def __getattr__(self, name):
        return getattr(time, name)

    @staticmethod
    def time() -> float:
        return time_machine.escape_hatch.time.time()


@pytest.fixture(scope="module")
def _grpc_on_the_real_clock():
    import sys

    # Loaded now, so each is patched: every module of gRPC's that asks the time.
    import grpc._channel, grpc._common, grpc._server, grpc._utilities, grpc.aio._utils  # noqa: E401, F401

    with pytest.MonkeyPatch.context() as patch:
        for name, module in list(sys.modules.items()):
            if name.startswith("grpc") and getattr(module, "time", None) is time:
                patch.setattr(module, "time", _RealTime())
        yield


@pytest.fixture(scope="module")
def world(_grpc_on_the_real_clock, tmp_path_factory):
    """One SQLite stack for the module, its data made through the services on the frozen day."""
    with time_machine.travel(SET_UP_AT, tick=True):
        with running_stack("sqlite", tmp_path_factory.mktemp("ics-snapshots")) as stack:
            yield stack, _set_up(stack)


def _set_up(stack) -> dict[str, str]:
    from tui.core.client import IcsClient

    duty = IcsClient(stack.targets())
    duty.login("duty", "demo")
    try:
        # A referral waiting for a decision: its clock is My work's alert.
        ava = duty.record_contact(pb.RecordContactRequest(
            new_person=pb.Person(given_name="Ava", family_name="Hartley", date_of_birth="2019-06-14",
                                 sex=pb.SEX_FEMALE, postcode="ZZ1 1ZZ"),
            source=pb.CONTACT_SOURCE_POLICE, reason="Police attended a domestic incident at home",
            confirmed_not_duplicate=True))
        # Decided for an assessment, which is open in the editor with a few answers.
        noah = duty.record_contact(pb.RecordContactRequest(
            new_person=pb.Person(given_name="Noah", family_name="Pemberton", date_of_birth="2015-11-03",
                                 sex=pb.SEX_MALE, postcode="ZZ2 2ZZ"),
            source=pb.CONTACT_SOURCE_SCHOOL, reason="Often hungry at school", confirmed_not_duplicate=True))
        duty.decide_referral(noah.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Needs a full assessment")
        draft = call(duty, "CreateDocument", pb.CreateDocumentRequest(
            person=noah.person.name, template_id="single-assessment",
            answers={"pen_picture": a("Lives with his mother and two younger sisters"),
                     "assessment_start_date": a("2026-02-27")}))
        # The child record and the search: two Quenbys, one with a home visit in her chronology.
        marguerite = duty.record_contact(pb.RecordContactRequest(
            new_person=pb.Person(given_name="Marguerite", family_name="Quenby", date_of_birth="2017-09-09",
                                 sex=pb.SEX_FEMALE, postcode="ZZ3 3ZZ"),
            source=pb.CONTACT_SOURCE_SCHOOL, reason="Worried about attendance", confirmed_not_duplicate=True))
        call(duty, "AddChronologyEntry", pb.AddChronologyEntryRequest(
            person=marguerite.person.name,
            entry=pb.ChronologyEntry(date="2026-02-24", title="Home visit with the school nurse")))
        call(duty, "CreatePerson", pb.CreatePersonRequest(person=pb.Person(
            given_name="Martin", family_name="Quenby", date_of_birth="2013-01-21", sex=pb.SEX_MALE,
            postcode="ZZ3 3ZZ"), confirmed_not_duplicate=True))
        # Work waiting for the team leader.
        sky = duty.record_contact(pb.RecordContactRequest(
            new_person=pb.Person(given_name="Sky", family_name="Ashdown", date_of_birth="2014-04-04",
                                 sex=pb.SEX_FEMALE),
            source=pb.CONTACT_SOURCE_HEALTH, reason="Health visitor worried", confirmed_not_duplicate=True))
        duty.decide_referral(sky.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Assess")
        document = call(duty, "CreateDocument", pb.CreateDocumentRequest(
            person=sky.person.name, template_id="single-assessment",
            answers={"assessment_start_date": a("2026-02-16"), "reason": a("Health visitor worried"),
                     "decision": a("cin_plan")}))
        call(duty, "SubmitDocument", pb.ReviewDocumentRequest(name=document.name, etag=document.etag))
        # Alerts hears of all this a moment later: wait, so every picture has every clock (a
        # referral decision each, and for Noah and Sky an assessment and its work clock).
        wait_for(lambda: len(duty.my_alerts(include_ended=True)) >= CLOCKS, what="the clocks made")
        time.sleep(1)
        assert len(duty.my_alerts(include_ended=True)) == CLOCKS, "more clocks than these pictures expect"
        return {"marguerite": marguerite.person.name, "draft": draft.name}
    finally:
        duty.close()


@pytest.fixture
def shoot(world, snap_compare):
    """shoot(large, run_before): the picture, taken at 09:00 on the frozen day."""
    stack, _ = world

    def take(large: bool, run_before) -> bool:
        app = IcsApp(stack.targets(), large=large)

        async def drive(pilot):
            await run_before(pilot)
            for box in pilot.app.screen.query("Input, TextArea"):
                box.cursor_blink = False
            await pilot.pause(0.3)

        with time_machine.travel(SHOT_AT, tick=True):
            return snap_compare(app, terminal_size=size(large), run_before=drive)

    return take


@pytest.fixture
def names(world) -> dict[str, str]:
    return world[1]


async def _my_work(pilot, username: str = "duty") -> MyWorkScreen:
    await log_in(pilot, username=username)
    app = pilot.app
    screen = await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen.loaded
                              and (username != "duty" or len(app.screen.rows) == CLOCKS) and app.screen,
                              what="My work loaded")
    # Every clock in, and the alerts stream connected (no "reconnecting" in the heading).
    await wait_until(pilot, lambda: ("updated" in screen_text(app) or app.large)
                     and "reconnecting" not in screen_text(app), what="My work settled")
    return screen


# -- the pictures ---------------------------------------------------------------------------
@MODES
def test_login(shoot, large):
    async def run_before(pilot):
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LoginScreen), what="login screen")
        await type_text(pilot, "duty")

    assert shoot(large, run_before)


@MODES
def test_my_work(shoot, large):
    async def run_before(pilot):
        screen = await _my_work(pilot)
        await wait_until(pilot, lambda: any("Hartley" in row.child for row in screen.rows.values())
                         and any(row.title == "Single assessment due" for row in screen.rows.values()),
                         what="the referral and the assessment's clock")

    assert shoot(large, run_before)


@MODES
def test_search_with_results(shoot, large):
    async def run_before(pilot):
        await _my_work(pilot)
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SearchScreen), what="search")
        await type_text(pilot, "Quenby")
        await wait_until(pilot, lambda: len(pilot.app.screen.matches) == 2, what="both Quenbys found")
        await pilot.press("enter")  # to the list
        await wait_until(pilot, lambda: isinstance(pilot.app.focused, DataTable), what="the list")

    assert shoot(large, run_before)


async def _child(pilot, person: str) -> ChildScreen:
    await _my_work(pilot)
    pilot.app.push_screen(ChildScreen(person))
    child = await wait_until(pilot, lambda: isinstance(pilot.app.screen, ChildScreen) and pilot.app.screen,
                             what="record")
    await wait_until(pilot, lambda: child.record is not None, what="record loaded")
    return child


@MODES
def test_child_record_summary(shoot, names, large):
    async def run_before(pilot):
        await _child(pilot, names["marguerite"])
        await wait_until(pilot, lambda: "Quenby" in screen_text(pilot.app), what="summary")

    assert shoot(large, run_before)


@MODES
def test_child_record_chronology(shoot, names, large):
    async def run_before(pilot):
        await _child(pilot, names["marguerite"])
        await pilot.press("3")
        await wait_until(pilot, lambda: "Home visit" in screen_text(pilot.app), what="chronology")

    assert shoot(large, run_before)


@MODES
def test_document_editor(shoot, names, large):
    async def run_before(pilot):
        app = pilot.app
        await _my_work(pilot)
        editor = await asyncio.to_thread(DocumentEditor.open, app.client, names["draft"])
        app.push_screen(DocumentScreen(editor))
        screen = await wait_until(pilot, lambda: isinstance(app.screen, DocumentScreen) and app.screen.shown_ids
                                  and app.screen, what="questions laid out")
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == f"in-{screen.shown_ids[0]}",
                         what="the first question focused")

    assert shoot(large, run_before)


@MODES
def test_team_leader_view(shoot, large):
    async def run_before(pilot):
        await _my_work(pilot, username="leader")
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TeamScreen), what="team")
        await wait_until(pilot, lambda: "Ashdown" in screen_text(pilot.app), what="waiting work listed")

    assert shoot(large, run_before)


@MODES
def test_keys_screen(shoot, large):
    async def run_before(pilot):
        await _my_work(pilot)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, KeysScreen), what="the keys screen")

    assert shoot(large, run_before)


@MODES
def test_my_work_drafts(shoot, names, large):
    async def run_before(pilot):
        screen = await _my_work(pilot)
        await pilot.press("3")
        await wait_until(pilot, lambda: any(getattr(row, "document", "") == names["draft"] for row in screen.list_rows),
                         what="the draft listed")

    assert shoot(large, run_before)


@MODES
def test_lock_screen(shoot, large):
    async def run_before(pilot):
        await _my_work(pilot)
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, LockScreen), what="locked")

    assert shoot(large, run_before)
