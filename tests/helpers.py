"""Small helpers the integration tests share."""

from __future__ import annotations

import socket
import time

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb


def call(client, method: str, request, service: str = "records"):
    """Any method of `service` (records unless told) by name, through the client's own error
    mapping and session."""
    return client._call(service, getattr(getattr(client, service), method), request)


def free_port() -> int:
    """A TCP port on 127.0.0.1 free at the moment of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def a(value: str) -> cpb.Answer:
    """An answered question."""
    return cpb.Answer(value=value, status=cpb.ANSWER_STATUS_ANSWERED)


class Outbox:
    """The records outbox as the alerts service reads it (log in as the service account): a
    refused change must add nothing to it."""

    def __init__(self, service_client):
        self.client, self.cursor = service_client, 0

    def _after(self, sequence: int) -> list[pb.Event]:
        metadata = (("authorization", f"Bearer {self.client.session.token}"),)
        return list(self.client.records.WatchEvents(pb.WatchEventsRequest(after_sequence=sequence, follow=False),
                                                    metadata=metadata, timeout=10))

    def mark(self) -> None:
        events = self._after(self.cursor)
        if events:
            self.cursor = events[-1].sequence

    def added(self) -> list[pb.Event]:
        return self._after(self.cursor)


def wait_for(predicate, timeout: float = 15.0, what: str = "condition", interval: float = 0.05):
    """The first truthy value of `predicate`, polled until `timeout`: for what another service
    does a moment later (a clock after a referral, a pushed alert)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what}: not true within {timeout}s")


class FakeClock:
    """A monotonic clock a test moves by hand (idle locks, timers)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def create_colleague(stack, display_name: str, password: str) -> str:
    """A duty worker with a password of their own (every demo account's is "demo"); returns
    the username."""
    import uuid

    from services.common.db import Database
    from services.identity import store

    db = Database(stack.config["identity"].database_url)
    try:
        username = f"{display_name.split()[0].lower()}{uuid.uuid4().hex[:4]}"
        db.write_sync(lambda s: store.create_user(s, username, display_name, password, ["duty"], [1]))
    finally:
        db.dispose()
    return username


def referred_child_with_a_visit(duty) -> pb.RecordContactResponse:
    """A child known from a school contact, with a home visit in the chronology (recorded by duty)."""
    import uuid

    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name="Marguerite", family_name=f"Quenby{uuid.uuid4().hex[:4]}",
                             date_of_birth="2017-09-09", sex=pb.SEX_FEMALE, postcode="ZZ3 3ZZ"),
        source=pb.CONTACT_SOURCE_SCHOOL, reason="Worried about attendance", confirmed_not_duplicate=True))
    call(duty, "AddChronologyEntry", pb.AddChronologyEntryRequest(person=reply.person.name, entry=pb.ChronologyEntry(
        date="2026-11-02", title="Home visit with the school nurse")))
    return reply


def referred_child(duty, given: str, received: str = "", decide: bool = True) -> pb.RecordContactResponse:
    """A new child with a school's referral, decided for assessment unless told (an open episode,
    nobody allocated); `received` back-dates it, e.g. to make its decision clock overdue."""
    import uuid

    reply = duty.record_contact(pb.RecordContactRequest(
        new_person=pb.Person(given_name=given, family_name=f"Ref{uuid.uuid4().hex[:6]}",
                             date_of_birth="2015-05-05", sex=pb.SEX_FEMALE),
        received_date=received, source=pb.CONTACT_SOURCE_SCHOOL, reason="School concern",
        confirmed_not_duplicate=True))
    if decide:
        duty.decide_referral(reply.referral.name, pb.REFERRAL_DECISION_ASSESSMENT, "Assess")
    return reply


def run_admin(stack, data_dir, *args: str, password: str = "demo", env: dict | None = None):
    """`ics admin ARGS --password-stdin` as a console user runs it, against the running stack."""
    import os
    import subprocess
    import sys

    environment = {**os.environ, **(env or {})}
    for name in ("identity", "records", "alerts"):
        host, port = stack.target(name).rsplit(":", 1)
        environment[f"ICS_{name.upper()}_HOST"], environment[f"ICS_{name.upper()}_PORT"] = host, port
    return subprocess.run([sys.executable, "-m", "services.cli", "admin", *args, "--password-stdin",
                           "--data", str(data_dir)], input=password + "\n", env=environment,
                          capture_output=True, text=True, timeout=60)
