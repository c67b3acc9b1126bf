"""Overdue work is e-mailed through the council's SMTP relay: once per clock per level, to the
allocated worker and the team's leaders (not managers), naming the work by its references only —
never the child's name or date of birth. A relay that refuses the connection is tried again next
interval, and the mail goes once it answers.

The relay is a local aiosmtpd server the test starts on a free loopback port; alerts restarts
with its SMTP settings pointing at it and a short interval.
"""

from __future__ import annotations

import email
import email.policy
import logging
import threading
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from ics.alerts.v1 import alerts_pb2 as apb
from ics.identity.v1 import identity_pb2 as ipb
from services.alerts.models import Clock
from services.common.dates import today_london
from services.common.db import Database
from tests.conftest import running_stack
from tests.helpers import free_port, wait_for
from tests.integration.test_alerts_clocks import SINGLE, clock_of, referred_and_allocated
from tui.core.client import IcsClient

INTERVAL = 0.4
SENDER = "ics-alerts@example.org"


class Relay:
    """A local SMTP server that keeps every message it is given; started and stopped at will."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[tuple[str, list[str], bytes]] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self._lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def about(self, clock_name: str) -> list[tuple[str, list[str], bytes]]:
        with self._lock:
            return [m for m in self.messages if f"({clock_name})".encode() in _decoded(m[2]).encode()]


def _decoded(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return f"Subject: {msg['Subject']}\nTo: {msg['To']}\nFrom: {msg['From']}\n\n{msg.get_content()}"


@pytest.fixture(scope="module")
def relay(engine_name):  # one relay per engine: clock numbers start again in each stack
    relay = Relay(free_port())
    yield relay
    relay.stop()


@pytest.fixture(scope="module")
def mail_stack(engine_name, relay, tmp_path_factory):
    with running_stack(engine_name, tmp_path_factory.mktemp(f"ics-mail-{engine_name}")) as running:
        # running_stack takes top-level settings only; alerts starts again with its own.
        running.stop_service("alerts")
        settings = running.config["alerts"]
        settings.smtp_host, settings.smtp_port, settings.smtp_from = "127.0.0.1", relay.port, SENDER
        settings.notify_interval_seconds = INTERVAL
        running.start_service("alerts")
        yield running


@pytest.fixture(scope="module")
def team(mail_stack):
    made = {}
    for name in ("duty", "leader", "worker"):
        made[name] = IcsClient(mail_stack.targets())
        made[name].login(name, "demo")
    yield made
    for client in made.values():
        client.close()


def overdue_clock(team) -> tuple[str, apb.Clock]:
    """A single assessment that started 120 days ago, allocated to Wes Worker in teams/2."""
    duty, leader, worker = team["duty"], team["leader"], team["worker"]
    # Allocated before the decision starts the clock, so it is the worker's from its first moment.
    child = referred_and_allocated(duty, leader, worker, (today_london() - timedelta(days=120)).isoformat(),
                                   allocate_first=True)
    clock = wait_for(lambda: (c := clock_of(worker, child, SINGLE)) and c.assignee and c)
    assert clock.overdue and clock.level == apb.ALERT_LEVEL_OVERDUE
    return child, clock


def notified_level(stack, clock_name: str) -> int:
    db = Database(stack.config["alerts"].database_url)
    try:
        clock_id = int(clock_name.split("/")[1])
        return db.read_sync(lambda s: s.scalar(select(Clock.notified_level).where(Clock.id == clock_id)))
    finally:
        db.dispose()


def test_overdue_work_is_e_mailed_once_to_the_worker_and_the_team_leader_without_the_childs_details(
        mail_stack, relay, team):
    relay.start()
    child, clock = overdue_clock(team)
    wait_for(lambda: relay.about(clock.name), timeout=15)

    [(sender, recipients, raw)] = relay.about(clock.name)
    # Wes Worker holds it; Lee Leader leads teams/2. Morgan Manager is in teams/2 too, but managers
    # are not mailed, and neither is the duty worker who recorded the contact.
    assert sender == SENDER and sorted(recipients) == ["leader@example.org", "worker@example.org"]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["Subject"] == f"ICS: overdue — Single assessment due ({clock.name})"
    assert sorted(a.strip() for a in msg["To"].split(",")) == ["leader@example.org", "worker@example.org"]
    body = msg.get_content()
    for expected in ("Single assessment due is overdue.", f"Clock:          {clock.name}",
                     f"About:          {clock.subject}", f"Child's record: {child}",
                     "Team:           Children in Need North (teams/2)", f"({clock.due_date})",
                     "Late by:", "Open ICS to see the child's details."):
        assert expected in body, expected
    assert clock.subject.startswith(("referrals/", "episodes/")) and child.startswith("people/")

    # Nothing about the child beyond the references: not the name, not the date of birth.
    family_name = clock.person_display_name.split()[-1]
    decoded = _decoded(raw)
    for secret in (clock.person_display_name, family_name, "Clock Child", "2015-05-05", "5 May 2015",
                   "School worried"):
        assert secret and secret.encode() not in raw and secret not in decoded, secret

    # Each level goes once: marked once sent, later intervals send nothing more.
    wait_for(lambda: notified_level(mail_stack, clock.name) == apb.ALERT_LEVEL_OVERDUE, timeout=5)
    count = len(relay.messages)
    time.sleep(INTERVAL * 4)
    assert len(relay.messages) == count and len(relay.about(clock.name)) == 1


def test_a_refused_connection_is_tried_again_and_the_mail_goes_once_the_relay_answers(
        mail_stack, relay, team, caplog):
    relay.stop()
    caplog.set_level(logging.INFO, logger="ics.alerts.notify")
    child, clock = overdue_clock(team)
    wait_for(lambda: f"could not send through 127.0.0.1:{relay.port}" in caplog.text, timeout=15)
    time.sleep(INTERVAL * 2)  # a further failed round
    assert notified_level(mail_stack, clock.name) == 0 and not relay.about(clock.name)
    assert "Traceback" not in caplog.text and "Bearer" not in caplog.text

    relay.start()
    wait_for(lambda: relay.about(clock.name), timeout=15)
    wait_for(lambda: notified_level(mail_stack, clock.name) == apb.ALERT_LEVEL_OVERDUE, timeout=5)
    time.sleep(INTERVAL * 3)
    [(_, recipients, _)] = relay.about(clock.name)
    assert sorted(recipients) == ["leader@example.org", "worker@example.org"]


def test_the_alerts_service_account_reads_team_members_addresses_and_never_a_password(mail_stack):
    client = IcsClient(mail_stack.targets())
    try:
        client.login(mail_stack.config.alerts_service_username, mail_stack.config.service_password_file.read_text())
        reply = client._call("identity", client.identity.ListUsers, ipb.ListUsersRequest(team_name="teams/2"))
    finally:
        client.close()
    found = {u.username: (u.email, tuple(u.roles)) for u in reply.users}
    assert found == {"worker": ("worker@example.org", ("worker",)), "leader": ("leader@example.org", ("leader",)),
                     "manager": ("manager@example.org", ("manager",)), "senior": ("senior@example.org", ("senior",)),
                     "support": ("support@example.org", ("support",))}
    assert not {f.name for f in ipb.User.DESCRIPTOR.fields} & {"password", "password_hash", "hash"}


def test_an_administrator_gives_a_user_an_address_which_is_checked_plainly(tmp_path, monkeypatch, capsys):
    import io

    from services.cli import main
    from services.identity.models import User

    assert main(["admin", "migrate", "identity", "--data", str(tmp_path)]) == 0
    assert main(["admin", "create-team", "Children in Need South", "--data", str(tmp_path)]) == 0

    def create(username: str, *extra: str) -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO("synthetic-password\n"))
        return main(["admin", "create-user", username, "--role", "worker", "--team", "1", "--password-stdin",
                     "--data", str(tmp_path), *extra])

    assert create("sam", "--email", " sam.worker@example.org ") == 0
    assert create("nobody") == 0
    for bad in ("sam.example.org", "sam@example", "sam @example.org", "@example.org", "sam@.example.org"):
        capsys.readouterr()
        assert create("bad", "--email", bad) == 1, bad
        assert "email: not an e-mail address" in capsys.readouterr().err
    db = Database(f"sqlite:///{tmp_path.resolve()}/identity.db")
    try:
        found = db.read_sync(lambda s: dict(s.execute(select(User.username, User.email)).all()))
    finally:
        db.dispose()
    assert found == {"sam": "sam.worker@example.org", "nobody": ""}
