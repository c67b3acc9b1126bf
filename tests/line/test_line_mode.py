"""The line mode, driven as a screen-reader user would: plain lines in, plain sentences out.

Every test runs against the real services on both engines. Each transcript is checked for escape
sequences and box-drawing characters, and each command's answer for repeated lines.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

from ics.records.v1 import records_pb2 as pb
from services.alerts.calendar import WorkingCalendar
from services.common.dates import today_london
from tui.core.client import IcsClient
from tui.core.text import human_date
from tui.line.main import SESSION_ENDED, LineApp
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
NOT_PLAIN = re.compile("[\x1b\u2500-\u259f]")
PROMPT = "ics>"


class Script(io.StringIO):
    """Typed lines; a callable among them runs just before the line after it is read."""

    def __init__(self, *items):
        super().__init__()
        self.items = list(items)

    def readline(self, *_):
        while self.items:
            item = self.items.pop(0)
            if callable(item):
                item()
                continue
            return item + "\n"
        return ""


def drive(stack, items, state_dir, client: IcsClient | None = None) -> str:
    own = client is None
    client = client or IcsClient(stack.targets())
    out = io.StringIO()
    try:
        assert LineApp(client, Script(*items), out, state_dir=state_dir).run() == 0
    finally:
        if own:
            client.close()
    text = out.getvalue()
    assert_plain(text)
    return text


def assert_plain(text: str) -> None:
    bad = NOT_PLAIN.findall(text)
    assert not bad, f"escape or box-drawing characters in the output: {bad!r}"


def answers(text: str) -> list[list[str]]:
    """The lines each command printed, split on the ics> prompt; the greeting is answer 0."""
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.rstrip() == PROMPT:
            blocks.append([])
        else:
            blocks[-1].append(line.rstrip())
    return blocks


def assert_said_once(text: str) -> None:
    for block in answers(text):
        repeated = {line for line in block if block.count(line) > 1}
        assert not repeated, f"said more than once: {repeated}"


def recorded_referral(client: IcsClient, family: str, dob: str = "2017-06-05") -> pb.RecordContactResponse:
    request = pb.RecordContactRequest(source=pb.CONTACT_SOURCE_POLICE, reason="Police called to the home")
    request.new_person.CopyFrom(pb.Person(given_name="Linetest", family_name=family, date_of_birth=dob,
                                          sex=pb.SEX_MALE))
    reply = client.record_contact(request)
    wait_for(lambda: any(c.subject == reply.referral.name for c in client.my_alerts(include_ended=False)))
    return reply


def new_family() -> str:
    return f"Lm{uuid.uuid4().hex[:8]}"


def contact_walk(given: str, family: str, dob: str = "2016-02-03") -> list[str]:
    """Answers for a whole contact about a child nobody knows yet."""
    return [
        "contact",
        given, family, dob,  # nobody known matches, so no child is offered
        "1",           # sex: female
        ".",           # postcode: blank
        "",            # received: today
        "school",      # who contacted us, by name
        "Bruising seen at school",
        "",            # details: blank
        "yes",
    ]


def expected_due() -> str:
    return human_date(WorkingCalendar().add_working_days(today_london(), 1).isoformat())


# -- reading -------------------------------------------------------------------------------------
def test_login_then_alerts_and_referrals_read_as_numbered_sentences(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    reply = recorded_referral(duty, new_family())
    text = drive(stack, ["login", "duty", "demo", "alerts", "my work", "referrals", "xyz", "help", "quit"], tmp_path)
    blocks = answers(text)
    assert blocks[1] == ["Username:", "Password:", "Logged in as Dana Duty, username duty, Duty and Assessment."]

    alerts = blocks[2]
    count = int(re.fullmatch(r"You have (\d+) alerts?(, \d+ overdue)?\.", alerts[0]).group(1))
    assert count >= 1 and len(alerts) == count + 1
    for number, line in enumerate(alerts[1:], 1):
        assert line.startswith(f"{number}. Referral decision due for ")
    assert any(reply.person.display_name in line for line in alerts[1:])
    # "my work" is the same list, then what else is waiting for them.
    assert blocks[3][:-1] == alerts
    assert blocks[3][-1] == ("0 children allocated to you, and 0 unfinished pieces of work: "
                             "type caseload or drafts.")

    referrals = blocks[4]
    assert re.fullmatch(r"\d+ referrals? (are|is) waiting for a decision\.", referrals[0])
    assert any(re.match(rf"\d+\. {re.escape(reply.person.display_name)}, received .*awaiting decision\. "
                        "Reason: Police called to the home$", line) for line in referrals)
    assert blocks[5] == ["Error: I don't know 'xyz'. Type help for the list."]
    assert blocks[6][0] == "Commands:"
    assert blocks[7] == ["Goodbye."]
    assert_said_once(text)


def test_wrong_password_is_one_error_line_then_login_works(stack, tmp_path):
    text = drive(stack, ["login", "duty2", "not-the-password", "login", "duty2", "demo", "quit"], tmp_path)
    blocks = answers(text)
    errors = [line for line in text.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: That username and password do not match. Check them and try again."]
    assert blocks[1] == ["Username:", "Password:", errors[0]]
    assert blocks[2][-1] == "Logged in as Priya Patel, username duty2, Duty and Assessment."


def test_commands_before_login_say_so_plainly(stack, tmp_path):
    text = drive(stack, ["alerts", "decide 1", "quit"], tmp_path)
    blocks = answers(text)
    assert blocks[1] == blocks[2] == ["You are not logged in. Type login first."]


# -- recording a contact --------------------------------------------------------------------------
def test_contact_walk_records_a_referral(stack, client_factory, tmp_path):
    family = new_family()
    text = drive(stack, ["login", "duty", "demo", *contact_walk("Amara", family), "quit"], tmp_path)
    walk = answers(text)[2]
    assert walk[0] == "New contact: 9 fields. Press Enter to leave a field blank."
    assert walk[1] == "Field 1 of 9, First name, optional, as the caller gave it:"
    assert "No known children match, so this will be a new child." in walk
    assert ("Field 3 of 9, Date of birth, required, format YYYY-MM-DD, the expected date for an unborn child:"
            in walk)
    assert walk[walk.index("Choices for Sex:") + 1:][:5] == [
        "1. female", "2. male", "3. not known", "4. indeterminate",
        "Field 4 of 9, Sex, required, type a number from 1 to 4:"]
    assert "7. Who contacted us: school." in walk and "5. Postcode: not given." in walk
    assert walk[-1] == (f"Saved. Referral for Amara {family}, born 3 Feb 2016 is awaiting decision; "
                        f"decision due {expected_due()}.")
    assert_said_once(text)

    duty = client_factory("duty")
    mine = [r for r in duty.list_referrals(state=pb.REFERRAL_STATE_AWAITING_DECISION, page_size=500)
            if family in r.person_display_name]
    assert len(mine) == 1 and mine[0].reason == "Bruising seen at school"
    assert not [d for d in duty.list_drafts("contact") if family in d.title]  # the draft went with it


def test_known_child_is_offered_and_used(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    family = new_family()
    first = recorded_referral(duty, family, dob="2012-10-11")  # a birthday no other test child has
    items = ["login", "duty", "demo", "contact", "Linetest", family, "2012-10-11", "1",
             "", "police", "Seen again by police", "", "yes", "quit"]
    walk = answers(drive(stack, items, tmp_path))[2]
    offer = walk.index("Known children that match:")
    assert walk[offer + 1].startswith(f"1. {first.person.display_name}")
    assert "Type the number to use one, or press Enter for a new child:" in walk
    assert not any(line.startswith("Field 4 of 9") for line in walk)  # sex is on the record already
    assert walk[-1].startswith(f"Saved. Referral for {first.person.display_name} is awaiting decision")
    people = {r.person for r in duty.list_referrals(page_size=500) if family in r.person_display_name}
    assert people == {first.person.name}


def test_errors_name_each_field_and_only_those_are_asked_again(stack, client_factory, tmp_path):
    family = new_family()
    items = ["login", "duty", "demo", "contact",
             "Bea", family, "31/02/2016", "2016-02-28",       # a bad date is refused at once
             "",                                              # sex left blank
             "", "2999-01-01", "health",                      # a received date in the future
             "",                                              # reason left blank
             "", "yes",
             # asked again: sex, date received, reason only
             "female", ".", "A nurse rang",                  # a full stop clears the date: today
             "yes", "quit"]
    text = drive(stack, items, tmp_path)
    walk = answers(text)[2]
    assert "Error: '31/02/2016' is not a date; write it as YYYY-MM-DD, for example 2019-03-04." in walk
    error = next(i for i, line in enumerate(walk) if line.startswith("Error: The contact was not saved"))
    assert [line for line in walk if line.startswith("Error:")] == [walk[walk.index(
        "Error: '31/02/2016' is not a date; write it as YYYY-MM-DD, for example 2019-03-04.")], walk[error]]
    reported = walk[error + 1:error + 4]
    assert sorted(reported) == sorted(["Sex: required: female, male, unknown or indeterminate",
                                       "Date received: cannot be in the future",
                                       "Reason for contact: required: say why we were contacted"])
    assert walk[error + 4] == "Please answer again: Sex, Date received, Reason for contact. Everything else is kept."
    asked_again = [line for line in walk[error:] if line.startswith("Field ")]
    assert [line.split(",")[0] for line in asked_again] == ["Field 4 of 9", "Field 6 of 9", "Field 8 of 9"]
    assert "now 2999-01-01, press Enter to keep it" in asked_again[1]
    assert "1. First name: Bea." in walk[error:]  # nothing typed was lost
    assert walk[-1].startswith(f"Saved. Referral for Bea {family}, born 28 Feb 2016 is awaiting decision")
    duty = client_factory("duty")
    assert [r.reason for r in duty.list_referrals(page_size=500) if family in r.person_display_name] == ["A nurse rang"]


def test_unfinished_contact_is_kept_and_resumed_after_the_link_drops(stack, client_factory, tmp_path):
    family = new_family()
    # The input ends after the family name, as when an SSH link drops.
    text = drive(stack, ["login", "duty2", "demo", "contact", "Cai", family], tmp_path)
    assert answers(text)[2][-2:] == ["Your unfinished contact is kept; type contact next time to carry on with it.",
                                     "Goodbye."]
    duty2 = client_factory("duty2")
    assert [d.fields["family_name"] for d in duty2.list_drafts("contact") if d.title.endswith(family)] == [family]

    items = ["login", "duty2", "demo", "contact", "resume", "", "", "2015-05-06",
             "male", "", "", "police", "Found alone", "", "yes", "quit"]
    text = drive(stack, items, tmp_path)
    walk = answers(text)[2]
    assert re.fullmatch(rf"You have an unfinished contact from today at \d\d:\d\d \(Contact about Cai {family}\); "
                        "type resume or new:", walk[0])
    assert walk[2] == "Field 1 of 9, First name, optional, as the caller gave it, now Cai, press Enter to keep it:"
    assert walk[-1].startswith(f"Saved. Referral for Cai {family}, born 6 May 2015 is awaiting decision")
    assert not [d for d in duty2.list_drafts("contact") if family in d.title]


def test_an_ended_session_asks_for_login_and_carries_on(stack, client_factory, tmp_path):
    client = IcsClient(stack.targets())
    family = new_family()

    def end_session():
        client.session.token = "forged-token-value"   # as the server sees an expired token

    items = ["login", "duty", "demo", end_session, "alerts", "duty", "demo",
             "contact", "Dev", end_session, family, "duty", "demo",
             "2014-01-02", "2", "", "", "1", "Police found him out late", "", "yes", "quit"]
    try:
        text = drive(stack, items, tmp_path, client)
    finally:
        client.close()
    blocks = answers(text)
    assert blocks[2][:4] == [SESSION_ENDED, "Username:", "Password:",
                             "Logged in as Dana Duty, username duty, Duty and Assessment."]
    assert re.fullmatch(r"You have \d+ alerts?(, \d+ overdue)?\.", blocks[2][4])
    walk = blocks[3]
    assert walk.count(SESSION_ENDED) == 1
    assert walk[walk.index(SESSION_ENDED) - 1].startswith("Field 2 of 9, Family name")
    assert "2. Family name: " + family + "." in walk  # the answer typed as the session ended is kept
    assert walk[-1].startswith(f"Saved. Referral for Dev {family}")
    assert_said_once(text)


def test_a_dropped_link_while_typing_is_said_once_and_nothing_is_lost(stack, client_factory, tmp_path):
    from tui.core.errors import UNREACHABLE, ServiceError

    client = IcsClient(stack.targets())
    real_save = client.save_draft
    link = {"up": True}

    def save_draft(*args, **kwargs):
        if not link["up"]:
            raise ServiceError("UNAVAILABLE", UNREACHABLE.format(service="records"))
        return real_save(*args, **kwargs)

    client.save_draft = save_draft
    family = new_family()
    walk = contact_walk("Fay", family, "2011-11-12")
    items = ["login", "duty", "demo", *walk[:2], lambda: link.update(up=False), *walk[2:5],
             lambda: link.update(up=True), *walk[5:], "quit"]
    try:
        text = drive(stack, items, tmp_path, client)
    finally:
        client.close()
    lines = answers(text)[2]
    notes = [line for line in lines if line.startswith("Note:")]
    assert notes == ["Note: not saved to the server just now (ICS could not reach the records service. Your typing "
                     "is kept; try again in a moment, or tell IT if it keeps happening). It will go to the server with "
                     "your next answer.", "Note: saved to the server again."]
    assert lines[-1].startswith(f"Saved. Referral for Fay {family}, born 12 Nov 2011 is awaiting decision")


# -- deciding ---------------------------------------------------------------------------------------
def test_decide_a_referral_from_the_list(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    family = new_family()
    reply = recorded_referral(duty, family)
    listing = answers(drive(stack, ["login", "duty", "demo", "referrals", "quit"], tmp_path))[2]
    number = next(line.split(".")[0] for line in listing if family in line)
    items = ["login", "duty", "demo", "referrals", f"decide {number}", "assessment", "", "Needs a visit",
             f"decide {number}", "decide 99999", "quit"]
    text = drive(stack, items, tmp_path)
    blocks = answers(text)
    decide = blocks[3]
    assert decide[0].startswith(f"Deciding the referral for {reply.person.display_name}, received ")
    assert decide[1:6] == ["Choices for Decision:", "1. no further action", "2. advice and signposting",
                           "3. assessment", "4. strategy discussion"]
    assert decide[-5:-1] == ["Error: The decision was not saved: reason required: say why.",
                             "Reason for the decision: required: say why",
                             "Please answer again: Reason for the decision. Everything else is kept.",
                             "Field 2 of 2, Reason for the decision, required:"]
    assert decide[-1] == "Saved. Decision recorded: assessment."
    assert blocks[4] == [f"That referral for {reply.person.display_name} is already decided: assessment."]
    assert re.fullmatch(r"Error: (There is only one; type decide 1\.|Type decide and a number from 1 to \d+, "
                        r"for example decide 1\.)", blocks[5][0])
    decided = duty.get_referral(reply.referral.name)
    assert decided.state == pb.REFERRAL_STATE_DECIDED and decided.decision_reason == "Needs a visit"


# -- the real command ---------------------------------------------------------------------------------
def test_ics_line_as_a_separate_program(stack, client_factory, tmp_path):
    duty = client_factory("duty")
    recorded_referral(duty, new_family())
    family = new_family()
    targets = stack.targets()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICS_")}
    env.update(ICS_IDENTITY_ADDRESS=targets.identity, ICS_RECORDS_ADDRESS=targets.records,
               ICS_ALERTS_ADDRESS=targets.alerts, ICS_STATE_DIR=str(tmp_path / "state"), TERM="dumb")
    typed = ["login", "duty", "wrong", "login", "duty", "demo", "alerts",
             *contact_walk("Ezra", family, "2013-03-04"), "quit"]
    result = subprocess.run([sys.executable, "-m", "services.cli", "line", "--data", str(tmp_path / "data")],
                            input="\n".join(typed) + "\n", capture_output=True, text=True, cwd=ROOT, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert_plain(text)
    assert_said_once(text)
    assert [line for line in text.splitlines() if line.startswith("Error:")] == [
        "Error: That username and password do not match. Check them and try again."]
    blocks = answers(text)
    assert blocks[3][0].startswith("You have ") and "Referral decision due" in blocks[3][1]
    assert blocks[4][-1].startswith(f"Saved. Referral for Ezra {family}, born 4 Mar 2013 is awaiting decision")
    assert blocks[-1] == ["Goodbye."]
    assert any(family in r.person_display_name for r in duty.list_referrals(state=pb.REFERRAL_STATE_AWAITING_DECISION,
                                                                             page_size=500))


# -- new alerts, between commands -----------------------------------------------------------------------
def test_a_new_alert_is_said_once_as_a_plain_line_before_the_next_prompt(stack, client_factory, tmp_path):
    colleague = client_factory("duty2")
    family = new_family()
    client = IcsClient(stack.targets())
    out = io.StringIO()
    app: LineApp
    followers = []

    def colleague_records_a_contact():
        wait_for(lambda: app.alerts is not None and app.alerts.tracker.primed)
        followers.append(app.alerts)
        recorded_referral(colleague, family)
        wait_for(lambda: app.alerts.tracker.has_news)

    items = ["login", "duty", "demo", colleague_records_a_contact, "", "", "quit"]
    app = LineApp(client, Script(*items), out, state_dir=tmp_path)
    try:
        assert app.run() == 0
    finally:
        client.close()
    text = out.getvalue()
    assert_plain(text)
    said = f"New alert: Referral decision due for Linetest {family}, born 5 Jun 2017, due {expected_due()}."
    blocks = answers(text)
    assert blocks[2] == [said]  # between the commands, on a line of its own, not on the prompt's
    assert blocks[3] == [] and blocks[4] == ["Goodbye."]  # said once
    assert text.count("New alert:") == 1
    assert app.alerts is None and followers[0].state == "closed"  # stopped following on quit


def test_a_reset_password_is_replaced_at_login(stack, client_factory, tmp_path):
    from ics.identity.v1 import identity_pb2 as ipb
    from services.common.db import Database
    from services.identity import store

    db = Database(stack.config["identity"].database_url)
    try:
        user = db.write_sync(lambda s: store.create_user(s, "fran", "Fran Field", "demo", ["worker"], [2]))
    finally:
        db.dispose()
    admin = client_factory("admin")
    admin._call("identity", admin.identity.ResetPassword, ipb.ResetPasswordRequest(
        name=f"users/{user.id}", temporary_password="Temporary-pass-1"))
    text = drive(stack, ["login", "fran", "Temporary-pass-1", "Fresh-secret-99", "Fresh-secret-98",
                         "login", "fran", "Temporary-pass-1", "Fresh-secret-99", "Fresh-secret-99", "quit"], tmp_path)
    assert "Error: The two new passwords are not the same; nothing was changed. Log in again." in text
    assert "Your new password is set." in text and "Logged in as Fran Field, username fran" in text
    assert "Fresh-secret" not in text and "Temporary-pass" not in text  # passwords are never echoed
    client_factory("fran", "Fresh-secret-99")  # the new one works
