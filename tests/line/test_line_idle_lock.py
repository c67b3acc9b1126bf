"""The idle lock in the line mode, through its own harness against the real services: the answer
typed after the lock was due is not used, the password is asked for, and the worker carries on
with the same question. The clock is injected, so no test waits for minutes."""

from __future__ import annotations

import io
import uuid

import pytest

from tests.helpers import FakeClock, create_colleague
from tests.line.test_line_mode import Script, answers, assert_plain, new_family
from tui.core.client import IcsClient
from tui.line.main import LineApp

LOCKED = "Screen locked after 10 minutes without activity. Your work is kept. Enter your password to continue."
OTHER_PASSWORD = "Other-worker-pass-8"


@pytest.fixture(scope="module")
def other_worker(stack):
    return create_colleague(stack, "Lia Other", OTHER_PASSWORD)




def drive(stack, items, state_dir, minutes: float = 10) -> tuple[str, FakeClock]:
    clock = FakeClock(5000.0)
    client = IcsClient(stack.targets())
    out = io.StringIO()
    resolved = [(lambda m=item[1]: setattr(clock, "now", clock.now + m * 60 + 1)) if isinstance(item, tuple) else item
                for item in items]
    try:
        assert LineApp(client, Script(*resolved), out, state_dir=state_dir,
                       idle_lock_minutes=minutes, clock=clock).run() == 0
    finally:
        client.close()
    text = out.getvalue()
    assert_plain(text)
    return text, clock


def idle(minutes: float) -> tuple[str, float]:
    """Among the typed lines: this much time passes before the next one."""
    return ("idle", minutes)


def test_an_idle_walk_locks_then_carries_on_with_the_same_question(stack, client_factory, other_worker, tmp_path):
    family, late = new_family(), f"Late{uuid.uuid4().hex[:6]}"
    duty = client_factory("duty")
    items = ["login", "duty", "demo", "contact", "Gia",
             idle(9), family,     # 9 minutes is not 10: this answer counts
             idle(11), late,      # typed after the lock was due: not used
             "wrong-pass", OTHER_PASSWORD, "demo",
             "2016-07-08", "1", "", "", "school", "Teacher worried", "", "yes", "quit"]
    text, _ = drive(stack, items, tmp_path)
    walk = answers(text)[2]
    at = walk.index(LOCKED)
    assert walk[at - 1].startswith("Field 3 of 9, Date of birth")  # asked, and answered too late
    assert walk[at + 1] == "Password:"
    assert walk[at + 2] == "Error: That username and password do not match. Check them and try again. " \
                           "If you are not Dana Duty, sign out instead; their work is kept."
    assert walk[at + 3] == "To sign out instead, press Enter without a password."
    assert walk[at + 5].startswith("Error: That username and password do not match")  # a colleague's own password
    assert walk[at + 7:at + 9] == ["Password:", "Unlocked. Carrying on where you were."]
    assert walk[at + 9].startswith("Field 3 of 9, Date of birth")  # the same question again
    assert "wrong-pass" not in text and OTHER_PASSWORD not in text  # never echoed
    assert f"2. Family name: {family}." in walk and "3. Date of birth: 2016-07-08." in walk
    assert walk[-1].startswith(f"Saved. Referral for Gia {family}, born 8 Jul 2016")
    assert late not in text and not [r for r in duty.list_referrals(page_size=500) if late in r.person_display_name]


def test_the_draft_is_saved_when_it_locks_and_sign_out_keeps_it(stack, client_factory, tmp_path):
    family = new_family()
    items = ["login", "duty2", "demo", "contact", "Hal", family, idle(10), "2015-01-02",
             "", "sign out", "alerts", "quit"]
    text, _ = drive(stack, items, tmp_path)
    blocks = answers(text)
    walk = blocks[2]
    assert walk[walk.index(LOCKED) + 1:] == [
        "Password:", "Type sign out to sign Priya Patel out, or press Enter to type the password again:",
        "Signed out Priya Patel (duty2). Their work is kept as a draft for when they log in.",
        "Type login to log in."]
    assert blocks[3] == ["You are not logged in. Type login first."]
    duty2 = client_factory("duty2")
    kept = [d for d in duty2.list_drafts("contact") if d.fields.get("family_name") == family]
    assert kept and kept[0].fields["given_name"] == "Hal"


def test_lock_command_and_prompt_lock_and_zero_never_locks(stack, tmp_path):
    items = ["login", "duty", "demo", "lock", "demo", idle(11), "referrals", "demo", "quit"]
    text, _ = drive(stack, items, tmp_path)
    blocks = answers(text)
    assert blocks[2] == ["Screen locked. Your work is kept. Enter your password to continue.", "Password:",
                         "Unlocked. Carrying on where you were."]
    # The answer at the ics> prompt came after the lock was due: locked, then the prompt again.
    assert blocks[3] == [LOCKED, "Password:", "Unlocked. Carrying on where you were."]
    assert blocks[4] == ["Goodbye."]  # "referrals" was not run
    assert "lock: lock the screen at once" in "\n".join(
        answers(drive(stack, ["help", "quit"], tmp_path)[0])[1])

    text, _ = drive(stack, ["login", "duty", "demo", idle(24 * 60), "referrals", "quit"], tmp_path, minutes=0)
    assert "Screen locked" not in text and "waiting for a decision" in text
