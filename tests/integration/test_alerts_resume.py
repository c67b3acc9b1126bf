"""alerts follows the records outbox from a stored cursor: down for a while, nothing is lost,
nothing is counted twice."""

from __future__ import annotations

import time
import uuid

import grpc

from ics.alerts.v1 import alerts_pb2 as apb
from ics.alerts.v1 import alerts_pb2_grpc
from ics.records.v1 import records_pb2 as pb
from ics.records.v1 import records_pb2_grpc
from services.alerts.models import Clock
from services.common.db import Database
from sqlalchemy import func, select


def _count_clocks(stack, subjects):
    db = Database(stack.config["alerts"].database_url)
    try:
        return db.read_sync(lambda s: (
            s.scalar(select(func.count(Clock.id)).where(Clock.subject.in_(subjects))),
            s.scalar(select(func.count(func.distinct(Clock.subject))).where(Clock.subject.in_(subjects))),
        ))
    finally:
        db.dispose()


def test_alerts_down_while_100_referrals_are_recorded_then_restarted(stack, client_factory):
    duty = client_factory("duty")
    stack.stop_service("alerts")
    family = f"Resume{uuid.uuid4().hex[:6]}"
    subjects = []
    for i in range(100):
        reply = duty.record_contact(pb.RecordContactRequest(
            new_person=pb.Person(given_name=f"Child{i:03d}", family_name=family, date_of_birth="2015-06-01",
                                 sex=pb.SEX_MALE),
            source=pb.CONTACT_SOURCE_POLICE, reason="Incident at home", confirmed_not_duplicate=True))
        subjects.append(reply.referral.name)
    assert _count_clocks(stack, subjects) == (0, 0)

    stack.start_service("alerts")
    deadline = time.monotonic() + 30
    while _count_clocks(stack, subjects)[0] < 100 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _count_clocks(stack, subjects) == (100, 100)

    # A second restart replays nothing.
    stack.stop_service("alerts")
    stack.start_service("alerts")
    time.sleep(1.5)
    assert _count_clocks(stack, subjects) == (100, 100)
    duty = client_factory("duty")
    mine = [c for c in duty.my_alerts(page_size=500) if c.subject in set(subjects)]
    assert len(mine) == 100 and all(c.state == apb.CLOCK_STATE_OPEN for c in mine)


def test_feed_status_reports_the_cursor(stack, client_factory):
    duty = client_factory("duty")
    stub = alerts_pb2_grpc.AlertsServiceStub(grpc.insecure_channel(stack.target("alerts")))
    md = (("authorization", f"Bearer {duty.session.token}"),)
    deadline = time.monotonic() + 10
    status = stub.GetFeedStatus(apb.GetFeedStatusRequest(), metadata=md)
    while not status.connected and time.monotonic() < deadline:
        time.sleep(0.1)
        status = stub.GetFeedStatus(apb.GetFeedStatusRequest(), metadata=md)
    assert status.connected and status.last_sequence > 0


def test_event_stream_is_for_services_only_and_resumable(stack, client_factory):
    duty = client_factory("duty")
    stub = records_pb2_grpc.RecordsServiceStub(grpc.insecure_channel(stack.target("records")))
    md = (("authorization", f"Bearer {duty.session.token}"),)
    try:
        list(stub.WatchEvents(pb.WatchEventsRequest(after_sequence=0), metadata=md, timeout=5))
        raise AssertionError("a social worker could read the raw event stream")
    except grpc.RpcError as exc:
        assert exc.code() == grpc.StatusCode.PERMISSION_DENIED

    service = client_factory(stack.config.alerts_service_username,
                             stack.config.service_password_file.read_text().strip())
    md = (("authorization", f"Bearer {service.session.token}"),)
    everything = list(stub.WatchEvents(pb.WatchEventsRequest(after_sequence=0), metadata=md, timeout=10))
    sequences = [e.sequence for e in everything]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    middle = sequences[len(sequences) // 2]
    rest = list(stub.WatchEvents(pb.WatchEventsRequest(after_sequence=middle), metadata=md, timeout=10))
    assert [e.sequence for e in rest] == [s for s in sequences if s > middle][: len(rest)]
    assert rest and rest[0].sequence > middle
