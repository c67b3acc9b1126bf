"""E-mails overdue and stale work through the council's SMTP relay, once per clock per level.

Runs in the alerts service as a background task when `[alerts] smtp_host` is set. Every
`notify_interval_seconds` it looks for open, unpaused clocks that are overdue or stale and not yet
e-mailed at that level (`Clock.notified_level`), and sends one message per clock to the allocated
worker and the leaders of the clock's team (managers are not mailed). Addresses come from identity
(`ListUsers`, `GetUser`) called as the alerts service account.

A message names the work by its references only (clocks/N, the referral or episode, people/N) and
never carries the child's name, date of birth, address or any free text: e-mail leaves the
council's systems, so the reader opens ICS to see the child. If the relay cannot be reached the
clock is not marked, and the next interval tries again.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import grpc
from sqlalchemy import select, update

from ics.alerts.v1 import alerts_pb2 as apb
from ics.identity.v1 import identity_pb2, identity_pb2_grpc
from services.alerts import rules
from services.alerts.background import IDENTITY_TIMEOUT_SECONDS, BackgroundTask, ServiceAccount
from services.alerts.models import Clock
from services.alerts.service import level
from services.common import tls
from services.common.config import ServiceSettings
from services.common.dates import human, today_london
from services.common.db import Database

log = logging.getLogger("ics.alerts.notify")

# Levels worth an e-mail, and how the subject names them.
MAILED_LEVELS = {apb.ALERT_LEVEL_OVERDUE: "overdue", apb.ALERT_LEVEL_STALE: "stale"}
SMTP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class DueMail:
    """What one message may say about a clock: references and dates, nothing about the child."""

    clock_id: int
    level: int
    title: str
    subject: str
    person: str
    team: str
    assignee: str
    due_date: date
    today: date
    working_days_late: int
    idle_working_days: int

    @property
    def clock_name(self) -> str:
        return f"clocks/{self.clock_id}"


@dataclass
class Person:
    name: str
    display_name: str
    email: str
    roles: frozenset[str]
    active: bool


@dataclass
class Directory:
    """Who is in which team, as identity says at the start of a round."""

    teams: dict[str, str] = field(default_factory=dict)           # teams/N -> display name
    members: dict[str, list[Person]] = field(default_factory=dict)  # teams/N -> members
    users: dict[str, Person] = field(default_factory=dict)         # users/N -> person


def due_mail(session, rule_set: rules.RuleSet, today: date) -> list[DueMail]:
    """Open, unpaused clocks past their due date whose level has not yet been e-mailed."""
    found = []
    query = select(Clock).where(Clock.state == apb.CLOCK_STATE_OPEN, Clock.paused_since.is_(None),
                                Clock.due_date < today).order_by(Clock.due_date, Clock.id)
    calendar = rule_set.calendar
    for clock in session.scalars(query):
        current = level(clock, rule_set, today)
        if current not in MAILED_LEVELS or current <= clock.notified_level:
            continue
        found.append(DueMail(
            clock_id=clock.id, level=current, title=clock.title, subject=clock.subject, person=clock.person,
            team=clock.team, assignee=clock.assignee, due_date=clock.due_date, today=today,
            working_days_late=calendar.working_days_between(clock.due_date, today),
            idle_working_days=calendar.working_days_between(clock.last_activity_date or clock.start_date, today)))
    return found


def mark_notified(session, sent: list[tuple[int, int]]) -> None:
    # Not a change anyone made to the clock: its etag (version) stays as it was.
    for clock_id, lvl in sent:
        session.execute(update(Clock).where(Clock.id == clock_id, Clock.notified_level < lvl)
                        .values(notified_level=lvl))


def compose(mail: DueMail, sender: str, recipients: list[str], directory: Directory) -> EmailMessage:
    label = MAILED_LEVELS[mail.level]
    team = directory.teams.get(mail.team, "")
    team_line = f"{team} ({mail.team})" if team and mail.team else (mail.team or "none")
    if mail.assignee:
        worker = directory.users.get(mail.assignee)
        holder = f"{worker.display_name} ({mail.assignee})" if worker else mail.assignee
    else:
        holder = "not allocated: held by the team"
    days_late = (mail.today - mail.due_date).days
    if mail.level == apb.ALERT_LEVEL_STALE:
        headline = (f"{mail.title} is overdue, and nothing has been recorded on the child's record for "
                    f"{_plural(mail.idle_working_days, 'working day')}.")
    else:
        headline = f"{mail.title} is overdue."
    lines = [
        headline,
        "",
        f"Clock:          {mail.clock_name}",
        f"About:          {mail.subject or 'none'}",
        f"Child's record: {mail.person or 'none'}",
        f"Team:           {team_line}",
        f"Allocated to:   {holder}",
        f"Due:            {human(mail.due_date)} ({mail.due_date.isoformat()})",
        f"Late by:        {_plural(mail.working_days_late, 'working day')} "
        f"({_plural(days_late, 'calendar day')})",
    ]
    lines += [
        "",
        "Open ICS to see the child's details.",
        "",
        "ICS e-mails each level once and never includes a child's details.",
    ]
    msg = EmailMessage()
    msg["Subject"] = f"ICS: {label} — {mail.title} ({mail.clock_name})"
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid("ics-alert", domain=sender.rpartition("@")[2] or None)
    msg.set_content("\n".join(lines) + "\n")
    return msg


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Notifier(BackgroundTask):
    name = "alert-email"

    def __init__(self, db: Database, rule_set: rules.RuleSet, settings: ServiceSettings, identity_target: str,
                 username: str, password_file: Path, ready=lambda: True):
        self.db = db
        self.rule_set = rule_set
        self.settings = settings
        self.identity_target = identity_target
        self.account = ServiceAccount(username, password_file)
        # A round waits while this is false (the records feed is not following), so work that
        # was finished while alerts was away is not e-mailed as overdue.
        self.ready = ready
        self.interval = float(settings.notify_interval_seconds)
        self._logged_no_address: set[str] = set()

    async def _run(self) -> None:
        # The first round waits an interval too, so the feed has caught up with records first.
        while True:
            await asyncio.sleep(self.interval)
            if not self.ready():
                log.info("alert e-mail: the records feed is not following yet; trying next interval")
                continue
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except grpc.aio.AioRpcError as exc:
                log.warning("alert e-mail: identity did not answer (%s); trying next interval", exc.code().name)
            except Exception:
                log.exception("alert e-mail round failed; trying next interval")

    async def run_once(self) -> int:
        """One round: returns how many clocks were e-mailed (or found nobody to e-mail)."""
        today = today_london()
        due = await self.db.read(lambda s: due_mail(s, self.rule_set, today))
        if not due:
            return 0
        directory = await self._directory({m.team for m in due if m.team}, {m.assignee for m in due if m.assignee})
        batch: list[tuple[DueMail, EmailMessage, list[str]]] = []
        nobody: list[tuple[int, int]] = []
        for mail in due:
            recipients = self._recipients(mail, directory)
            if not recipients:
                log.info("alert e-mail: nobody with an e-mail address to tell about %s (%s)",
                         mail.clock_name, MAILED_LEVELS[mail.level])
                nobody.append((mail.clock_id, mail.level))
                continue
            batch.append((mail, compose(mail, self.settings.smtp_from, recipients, directory), recipients))
        sent = await asyncio.to_thread(self._send, batch) if batch else []
        done = nobody + sent
        if done:
            await self.db.write(lambda s: mark_notified(s, done))
        return len(done)

    def _recipients(self, mail: DueMail, directory: Directory) -> list[str]:
        people = []
        if mail.assignee and (worker := directory.users.get(mail.assignee)):
            people.append(worker)
        people += [p for p in directory.members.get(mail.team, []) if "leader" in p.roles]
        addresses: list[str] = []
        for person in people:
            if not person.active:
                continue
            if not person.email:
                if person.name not in self._logged_no_address:
                    self._logged_no_address.add(person.name)
                    log.info("alert e-mail: %s has no e-mail address; not e-mailed", person.name)
                continue
            if person.email.lower() not in {a.lower() for a in addresses}:
                addresses.append(person.email)
        return addresses

    async def _directory(self, teams: set[str], assignees: set[str]) -> Directory:
        directory = Directory()
        async with tls.aio_channel(self.identity_target) as channel:
            stub = identity_pb2_grpc.IdentityServiceStub(channel)
            metadata = (("authorization", f"Bearer {await self.account.login(channel)}"),)
            token = ""
            while True:
                reply = await stub.ListTeams(identity_pb2.ListTeamsRequest(page_size=100, page_token=token),
                                             metadata=metadata, timeout=IDENTITY_TIMEOUT_SECONDS)
                directory.teams.update({t.name: t.display_name for t in reply.teams})
                if not (token := reply.next_page_token):
                    break
            for team in sorted(teams):
                members = directory.members.setdefault(team, [])
                token = ""
                while True:
                    reply = await stub.ListUsers(
                        identity_pb2.ListUsersRequest(team_name=team, page_size=100, page_token=token),
                        metadata=metadata, timeout=IDENTITY_TIMEOUT_SECONDS)
                    for user in reply.users:
                        person = _person(user)
                        members.append(person)
                        directory.users[person.name] = person
                    if not (token := reply.next_page_token):
                        break
            for name in sorted(assignees - set(directory.users)):
                try:
                    user = await stub.GetUser(identity_pb2.GetUserRequest(name=name), metadata=metadata,
                                              timeout=IDENTITY_TIMEOUT_SECONDS)
                except grpc.aio.AioRpcError as exc:
                    if exc.code() != grpc.StatusCode.NOT_FOUND:
                        raise
                    continue
                directory.users[name] = _person(user)
            try:
                await stub.Logout(identity_pb2.LogoutRequest(), metadata=metadata, timeout=IDENTITY_TIMEOUT_SECONDS)
            except grpc.aio.AioRpcError:
                pass  # the session expires on its own
        return directory

    def _send(self, batch: list[tuple[DueMail, EmailMessage, list[str]]]) -> list[tuple[int, int]]:
        """In a worker thread: one connection to the relay for the round. Returns what was sent;
        anything not sent is tried again next interval."""
        settings = self.settings
        sent: list[tuple[int, int]] = []
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.smtp_username:
                    smtp.login(settings.smtp_username, Path(settings.smtp_password_file).read_text().strip())
                for mail, message, recipients in batch:
                    try:
                        refused = smtp.send_message(message, to_addrs=recipients)
                        if refused:
                            log.warning("alert e-mail for %s: the relay refused %d of %d recipient(s)",
                                        mail.clock_name, len(refused), len(recipients))
                    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                        log.warning("alert e-mail for %s refused by %s:%s (%s); trying next interval",
                                    mail.clock_name, settings.smtp_host, settings.smtp_port, _why(exc))
                        continue
                    sent.append((mail.clock_id, mail.level))
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("alert e-mail: could not send through %s:%s (%s); %d message(s) wait for the next interval",
                        settings.smtp_host, settings.smtp_port, _why(exc), len(batch) - len(sent))
        return sent


def _why(exc: BaseException) -> str:
    """The failure without anything secret: the class and the relay's code, never a password."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__} {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{type(exc).__name__} for {len(exc.recipients)} recipient(s)"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return type(exc).__name__


def _person(user: identity_pb2.User) -> Person:
    return Person(name=user.name, display_name=user.display_name, email=user.email, roles=frozenset(user.roles),
                  active=user.active)
