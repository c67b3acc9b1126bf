"""New alerts without polling: the alerts stream followed by tui/core (reconnecting, re-opening
as the session changes, closing cleanly) and shown by My work as they happen, announced in words.

The services run for real on both engines; the alerts service is stopped and started again here,
with its stop grace shortened so that an open stream does not hold the stop for five seconds.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import pytest
from textual.widgets import DataTable, Static

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as pb
from services.common.dates import today_london
from tests.helpers import wait_for
from tests.tui.test_app_pilot import SIZE, log_in, row_for, status_text, wait_until
from tui.app.app import IcsApp
from tui.app.screens import my_work
from tui.app.screens.my_work import MyWorkScreen
from tui.core.alerts_feed import (CLOSED, LIVE, NEW, RECONNECTING, WAITING_FOR_LOGIN, AlertTracker,
                                  Announcement, summary_text)



@pytest.fixture
def quick_alerts_stop(stack, monkeypatch):
    """Stopping alerts waits for open streams for its grace period; here, hardly at all."""
    monkeypatch.setattr(stack.config["alerts"], "grace_seconds", 0.1)
    return stack


def contact(client, family: str, days_ago: int = 0) -> pb.RecordContactResponse:
    """A colleague records a contact: alerts then starts a "Referral decision due" clock for the
    duty team, due the working day after it was received (so days_ago=10 is overdue already)."""
    return client.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Push", family_name=family, date_of_birth="2015-04-03",
                             sex=pb.SEX_FEMALE, postcode="ZZ9 9ZZ"),
        received_date=(today_london() - timedelta(days=days_ago)).isoformat(),
        source=pb.CONTACT_SOURCE_SCHOOL, reason="Teacher worried about attendance"))


def new_family() -> str:
    return f"Push{uuid.uuid4().hex[:8]}"


class Following:
    """A watch iterated on its own thread, as a front end does, keeping what it saw."""

    def __init__(self, client):
        self.states: list[str] = []
        self.updates: list[apb.AlertUpdate] = []
        self.watch = client.watch_alerts(on_state=self.states.append)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for update in self.watch:
            self.updates.append(update)

    def initials(self) -> int:
        return sum(u.initial for u in self.updates)

    def clocks(self, subject: str) -> list[apb.Clock]:
        return [c for u in self.updates if not u.initial for c in u.clocks if c.subject == subject]

    def close(self) -> None:
        self.watch.close()
        self.thread.join(2)
        assert not self.thread.is_alive(), "closing the watch did not end its iteration"
        assert self.watch.state == CLOSED


# -- what is said --------------------------------------------------------------------------------
def clock(name: str, level: int = apb.ALERT_LEVEL_UNSPECIFIED, state: int = apb.CLOCK_STATE_OPEN,
          overdue: bool = False, days_left: int = 1) -> apb.Clock:
    return apb.Clock(name=name, title="Single assessment due", person_display_name="Ada Smith",
                     due_date="2027-02-02", state=state, level=level, overdue=overdue,
                     working_days_left=days_left, ended_date="2027-02-01" if state != apb.CLOCK_STATE_OPEN else "")


def test_tracker_says_each_new_or_escalated_alert_once():
    tracker = AlertTracker()
    assert tracker.apply(apb.AlertUpdate(initial=True, clocks=[clock("clocks/1")])) == []  # the scene, not news
    tracker.apply(apb.AlertUpdate(clocks=[clock("clocks/2")]))
    tracker.apply(apb.AlertUpdate(clocks=[clock("clocks/1")]))  # changed, but not its level: not news
    assert [a.text for a in tracker.take()] == ["New alert: Single assessment due for Ada Smith, due Tue 2 Feb 2027."]
    assert tracker.take() == []

    # New, then overdue before anyone was told: one line, still "new", saying it is late.
    tracker.apply(apb.AlertUpdate(clocks=[clock("clocks/3")]))
    tracker.apply(apb.AlertUpdate(clocks=[clock("clocks/3", apb.ALERT_LEVEL_OVERDUE, overdue=True, days_left=-2)]))
    tracker.apply(apb.AlertUpdate(clocks=[clock("clocks/1", apb.ALERT_LEVEL_OVERDUE, overdue=True, days_left=-1)]))
    assert [a.text for a in tracker.take()] == [
        "New alert: Single assessment due for Ada Smith, due Tue 2 Feb 2027, OVERDUE by 2 working days.",
        "Alert now overdue: Single assessment due for Ada Smith, due Tue 2 Feb 2027, OVERDUE by 1 working day."]

    # Ended before anyone was told: nothing to say. After a reconnect, what came meanwhile is news.
    tracker.apply(apb.AlertUpdate(clocks=[clock("clocks/4")]))
    tracker.apply(apb.AlertUpdate(clocks=[clock("clocks/4", state=apb.CLOCK_STATE_MET)]))
    assert tracker.take() == []
    tracker.apply(apb.AlertUpdate(initial=True, clocks=[clock("clocks/2"), clock("clocks/5")]))
    assert [a.key for a in tracker.take()] == ["clocks/5"]

    # A new alert the worker's own action started (this client, a moment ago) is not news.
    mine = AlertTracker(own_work=lambda person: person == "people/7")
    mine.apply(apb.AlertUpdate(initial=True))
    ours, theirs = clock("clocks/6"), clock("clocks/7")
    ours.person, theirs.person = "people/7", "people/8"
    mine.apply(apb.AlertUpdate(clocks=[ours, theirs]))
    assert [a.key for a in mine.take()] == ["clocks/7"]

    many = [Announcement(clock(f"clocks/{n}"), NEW) for n in range(4)]
    assert summary_text(many) == ["4 new alerts; type alerts to hear them."]


# -- the stream, followed by the core ------------------------------------------------------------------
def test_watch_reconnects_after_the_alerts_service_restarts(quick_alerts_stop, client_factory):
    stack = quick_alerts_stop
    following = Following(client_factory("duty"))
    colleague = client_factory("duty2")
    try:
        wait_for(lambda: following.initials() == 1, what="the first update")
        stack.stop_service("alerts")
        wait_for(lambda: following.watch.state == RECONNECTING, what="reconnecting")
        stack.start_service("alerts")
        wait_for(lambda: following.initials() == 2, what="a fresh first update after the restart")
        assert following.watch.state == LIVE and following.watch.reconnects >= 1
        # Live again, not just connected: a colleague's contact arrives on the same watch.
        reply = contact(colleague, new_family())
        arrived = wait_for(lambda: following.clocks(reply.referral.name), what="the new clock")
        assert arrived[0].state == apb.CLOCK_STATE_OPEN and arrived[0].title == "Referral decision due"
    finally:
        following.close()


def test_watch_reopens_when_its_token_runs_out_and_follows_a_new_login(stack, client_factory):
    client = client_factory("duty")
    real_expiry = client.session.expires_at
    client.session.expires_at = time.time() + 2  # the stream is opened to end with this token
    following = Following(client)
    try:
        wait_for(lambda: following.initials() == 1, what="the first update")
        client.refresh()  # a real call slides the session, as typing does
        assert client.session.expires_at >= real_expiry
        wait_for(lambda: following.initials() == 2, what="re-opened with the refreshed session")
        assert RECONNECTING not in following.states  # planned: nothing for the worker to see

        client.logout()
        wait_for(lambda: following.watch.state == WAITING_FOR_LOGIN, what="waiting after logout")
        client.login("worker", "demo")  # someone else: their alerts, never the last worker's
        wait_for(lambda: following.initials() == 3 and following.watch.state == LIVE, what="re-opened after login")
        mine = {c.name for c in client.my_alerts(include_ended=False)}
        assert {c.name for c in following.updates[-1].clocks} == mine
    finally:
        following.close()


# -- My work ---------------------------------------------------------------------------------------
async def test_my_work_shows_and_announces_a_new_alert_without_refreshing(quick_alerts_stop, client_factory,
                                                                          monkeypatch):
    stack = quick_alerts_stop
    monkeypatch.setattr(my_work, "AUTO_REFRESH_SECONDS", 3600.0)  # only the stream can bring it
    fetches = []
    real_fetch = my_work.fetch_work
    monkeypatch.setattr(my_work, "fetch_work", lambda client: fetches.append(1) or real_fetch(client))
    colleague = client_factory("duty2")
    first_family, late_family = new_family(), new_family()
    first = contact(colleague, first_family)
    wait_for(lambda: any(c.subject == first.referral.name for c in colleague.my_alerts()), what="the first clock")

    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        screen = await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen.loaded
                                  and app.screen.alerts_state == LIVE and app.screen, what="My work, following alerts")
        table = screen.query_one(DataTable)
        key, _cells = await wait_until(pilot, lambda: row_for(app, first_family), what="the first clock's row")
        await pilot.press("home")
        for _ in range(table.get_row_index(key)):
            await pilot.press("down")
        assert screen.selected.key == key

        # Overdue already, so it sorts above the highlighted row.
        contact(colleague, late_family, days_ago=10)
        late_key, cells = await wait_until(pilot, lambda: row_for(app, late_family), what="the new alert's row")
        assert table.get_row_index(late_key) < table.get_row_index(key) and cells[0].startswith("OVERDUE")
        assert screen.selected.key == key  # the highlight stayed on the same child
        said = await wait_until(pilot, lambda: "New alert:" in status_text(app) and status_text(app),
                                what="the announcement")
        assert said.startswith(f"New alert: Referral decision due for Push {late_family}, born 3 Apr 2015, due ")
        assert "OVERDUE by" in said and first_family not in said

        # A burst of updates makes one refresh.
        await pilot.pause(0.5)
        before = len(fetches)
        for _ in range(5):
            screen.post_message(MyWorkScreen.AlertsArrived())
        await pilot.pause(my_work.PUSH_SETTLE_SECONDS + 0.5)
        assert len(fetches) == before + 1

        # A restarted alerts service is a quiet word in the heading, then nothing.
        heading = lambda: str(screen.query_one("#heading", Static).render())  # noqa: E731
        stack.stop_service("alerts")
        await wait_until(pilot, lambda: heading().endswith(", alerts reconnecting"), what="reconnecting")
        assert not status_text(app).startswith("Problem")
        stack.start_service("alerts")
        await wait_until(pilot, lambda: screen.alerts_state == LIVE and "reconnecting" not in heading(),
                         timeout=15, what="live again")
        watch = screen.alert_watch
    # Quitting ends the stream and its thread.
    wait_for(lambda: watch.state == CLOSED, timeout=3, what="the watch closed with the app")
