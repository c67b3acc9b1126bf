"""The idle lock in the Textual app, through Pilot against the real services on both engines:
a form left alone locks with nothing of the child on screen and the draft saved; only the
signed-in worker's password unlocks it, back to the form as it was. The clock is injected (the
policy is told the time), so the tests take seconds, not minutes; one test uses a real timer."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from textual.widgets import Input, TextArea

from tests.helpers import FakeClock, create_colleague
from tests.tui.test_app_pilot import (SIZE, log_in, log_in_and_open_contact_form, screen_text, status_text,
                                      tab_to, type_text, wait_until)
from tui.app.app import IcsApp
from tui.app.screens.contact import ContactScreen
from tui.app.screens.lock import LockScreen
from tui.app.screens.login import LoginScreen
from tui.app.screens.my_work import MyWorkScreen
from tui.core.client import Targets
from tui.core.idle_lock import IdleLock, configured_minutes, spoken_duration

OTHER_PASSWORD = "Other-worker-pass-7"


@pytest.fixture(scope="module")
def other_worker(stack):
    return create_colleague(stack, "Oli Other", OTHER_PASSWORD)






def flat(app) -> str:
    """The screen's words on one line: the box's sentences wrap."""
    return " ".join(re.sub("[\u2500-\u259f]", " ", screen_text(app)).split())


async def idle_for(pilot, clock: FakeClock, minutes: float) -> None:
    """Time passes with no key; the app's idle timer would fire now (it is set by real time)."""
    clock.advance(minutes * 60 + 1)
    pilot.app._idle_check()
    await pilot.pause()


async def unlock_with(pilot, password: str) -> None:
    await type_text(pilot, password)
    await pilot.press("enter")


async def test_an_idle_form_locks_keeps_the_draft_and_unlocks_only_for_its_worker(
        stack, duty, other_worker, state_dir):
    family = f"Hidden{uuid.uuid4().hex[:6]}"
    reason = f"Private worry {uuid.uuid4().hex[:6]}"
    clock = FakeClock()
    app = IcsApp(stack.targets(), idle_lock_minutes=10, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in_and_open_contact_form(pilot)
        form = app.screen
        await type_text(pilot, "Ivy")
        await tab_to(pilot, "in-family_name")
        await type_text(pilot, family)
        await tab_to(pilot, "in-reason")
        await type_text(pilot, reason)
        old_token = app.client.session.token

        clock.advance(9 * 60)  # nearly, but a key resets it
        await pilot.press("space")
        await idle_for(pilot, clock, 9)
        assert app.screen is form

        await idle_for(pilot, clock, 10)
        text = await wait_until(pilot, lambda: isinstance(app.screen, LockScreen) and "Password" in screen_text(app)
                                and flat(app), what="the lock screen")
        assert "Screen locked after 10 minutes without activity. Your work is kept." in text
        assert "Signed in: Dana Duty (duty)" in text
        for secret in (family, "Ivy", reason[:10], "New contact", "First name"):
            assert secret not in text, f"{secret!r} shows on the lock screen:\n{text}"

        # Saved when it locked, to the server and to this computer, though no autosave ran since.
        drafts = await wait_until(pilot, lambda: [d for d in duty.list_drafts("contact")
                                                  if d.fields.get("reason") == reason + " "], what="draft saved")
        assert drafts[0].fields["family_name"] == family
        local = json.loads((state_dir / "ics" / "drafts" / "duty" / "contact.json").read_text())
        assert local["fields"]["reason"] == reason + " "

        await unlock_with(pilot, "not-my-password")
        await wait_until(pilot, lambda: "do not match" in status_text(app), what="wrong password refused")
        assert isinstance(app.screen, LockScreen) and "sign out" in status_text(app)
        assert app.screen.query_one(Input).value == ""

        await unlock_with(pilot, OTHER_PASSWORD)  # a colleague's own, right, password
        await wait_until(pilot, lambda: "do not match" in status_text(app) and not app.screen.checking,
                         what="colleague refused")
        assert isinstance(app.screen, LockScreen) and app.client.session.user.username == "duty"
        assert "If you are not Dana Duty, sign out instead" in status_text(app)

        await unlock_with(pilot, "demo")
        await wait_until(pilot, lambda: app.screen is form, what="back on the form")
        assert form.query_one("#in-given_name", Input).value == "Ivy"
        assert form.query_one("#in-family_name", Input).value == family
        assert form.query_one("#in-reason", TextArea).text == reason + " "
        assert app.focused is form.query_one("#in-reason")
        assert app.client.session.token and app.client.session.token != old_token
        await type_text(pilot, "more")  # typing carries on, into the same draft
        assert form.keeper.fields["reason"] == reason + " more"

    # The old session ended when the new one began (asked of identity: the other services
    # remember a token for a few seconds).
    from ics.identity.v1 import identity_pb2 as ipb
    from tui.core.client import IcsClient, Session
    from tui.core.errors import SessionExpired

    stale = IcsClient(stack.targets())
    try:
        stale.session = Session(old_token, 9e12, app.client.session.user)
        with pytest.raises(SessionExpired):
            stale._call("identity", stale.identity.GetCurrentUser, ipb.GetCurrentUserRequest())
    finally:
        stale.close()


async def test_a_real_timer_locks_and_f12_locks_at_once_and_sign_out_keeps_the_draft(stack, duty):
    app = IcsApp(stack.targets(), idle_lock_minutes=10)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen.loaded, what="My work")
        app.idle_lock.minutes = 0.01  # 0.6 s: no key, and the app's own timer locks it
        app._arm_idle_timer()
        await wait_until(pilot, lambda: isinstance(app.screen, LockScreen) and "Password" in screen_text(app),
                         timeout=5, what="locked by the timer")
        assert "after 1 second without activity" in flat(app)
        assert "My work" not in screen_text(app) and "Referral" not in screen_text(app)
        # Back to 10 minutes before unlocking: left at 0.6 s, a slow machine can lock it again
        # before the test sees My work.
        app.idle_lock.minutes = 10
        await unlock_with(pilot, "demo")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="unlocked")
        app._arm_idle_timer()

        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ContactScreen), what="contact form")
        await type_text(pilot, "Zed")
        await pilot.press("f12")
        await wait_until(pilot, lambda: isinstance(app.screen, LockScreen) and "Password" in screen_text(app),
                         what="locked by F12")
        assert "Screen locked. Your work is kept." in flat(app) and "Zed" not in screen_text(app)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen), what="signed out")
        assert "Signed out Dana Duty (duty)" in flat(app)
        assert app.client.session.user is None and len(app.screen_stack) == 2
        assert [d for d in duty.list_drafts("contact") if d.fields.get("given_name") == "Zed"]

        await log_in(pilot)  # the same worker later: the draft is waiting
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work again")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ContactScreen), what="the draft reopened")
        assert app.screen.query_one("#in-given_name", Input).value == "Zed"


async def test_zero_never_locks(stack, duty):
    clock = FakeClock()
    app = IcsApp(stack.targets(), idle_lock_minutes=0, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        assert app._idle_timer is None
        await idle_for(pilot, clock, 24 * 60)
        await pilot.pause(0.2)
        assert isinstance(app.screen, MyWorkScreen)
        await pilot.press("f12")  # locking by hand still works
        await wait_until(pilot, lambda: isinstance(app.screen, LockScreen), what="locked by hand")


async def test_screens_and_alerts_that_arrive_while_locked_wait_for_the_unlock(stack, duty):
    """A form a slow call opens, or news of a child, never shows over the lock screen."""
    clock = FakeClock()
    app = IcsApp(stack.targets(), idle_lock_minutes=10, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        work = await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen) and app.screen,
                                what="My work")
        await wait_until(pilot, lambda: work.loaded, what="My work loaded")
        await idle_for(pilot, clock, 10)
        assert isinstance(app.screen, LockScreen)
        work.action_new_contact()  # as if n had been pressed just before the lock
        family = f"Pushed{uuid.uuid4().hex[:6]}"
        from tests.tui.test_app_pilot import record_contact

        record_contact(duty, family)  # alerts pushes a new clock for this child
        await pilot.pause(2.0)
        assert isinstance(app.screen, LockScreen) and "Password" in screen_text(app)
        assert family not in screen_text(app) and "New contact" not in screen_text(app)
        await unlock_with(pilot, "demo")
        await wait_until(pilot, lambda: isinstance(app.screen, ContactScreen), what="the form, after the unlock")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MyWorkScreen), what="My work")
        await wait_until(pilot, lambda: family in screen_text(app), every=work.refresh_work,
                         what="the new alert, after the unlock")


def test_the_policy_without_a_screen(stack, client_factory):
    client = client_factory("duty")
    clock = FakeClock()
    policy = IdleLock(client, 0.5, clock)
    assert policy.seconds_left() == 30 and not policy.due()
    clock.advance(29)
    policy.touch()
    clock.advance(29)
    assert not policy.due()
    clock.advance(2)
    assert policy.due() and policy.lock() and not policy.lock()
    clock.advance(100)
    policy.touch()  # keys at the lock screen do not count
    assert policy.locked and policy.seconds_left() is None
    assert policy.locked_text() == ("Screen locked after 30 seconds without activity. Your work is kept. "
                                    "Enter your password to continue.")
    assert not policy.unlock("").ok and policy.locked
    assert policy.unlock("demo").ok and not policy.locked and policy.seconds_left() == 30

    assert spoken_duration(10) == "10 minutes" and spoken_duration(1) == "1 minute"
    assert configured_minutes(Targets("a", "b", "c", idle_lock_minutes=0)) == 0


def test_the_setting_reaches_the_front_end(tmp_path, monkeypatch):
    monkeypatch.setenv("ICS_IDLE_LOCK_MINUTES", "2.5")
    assert Targets.from_config(tmp_path).idle_lock_minutes == 2.5
    assert configured_minutes(Targets("a", "b", "c")) == 2.5  # `ics demo` builds Targets without it
    config = tmp_path / "ics.toml"
    config.write_text("idle_lock_minutes = 0\n")
    monkeypatch.delenv("ICS_IDLE_LOCK_MINUTES")
    assert Targets.from_config(tmp_path, config).idle_lock_minutes == 0
