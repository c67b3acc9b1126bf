"""Follows the records event stream from the stored cursor, as the alerts service account.

If records or identity is down the follower waits and retries; when it comes back it resumes
after the last applied event, so a clock is never missed and never started twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from pathlib import Path

import grpc

from ics.records.v1 import records_pb2, records_pb2_grpc
from services.alerts import engine
from services.alerts.background import BackgroundTask, ServiceAccount
from services.alerts.rules import RuleSet
from services.common import tls
from services.common.dates import today_london
from services.common.db import Database
from services.common.signals import EventSignal

log = logging.getLogger("ics.alerts.feed")


class RecordsFeed(BackgroundTask):
    name = "records-feed"

    def __init__(self, db: Database, rule_set: RuleSet, identity_target: str, records_target: str,
                 username: str, password_file: Path, signal: EventSignal | None = None):
        self.db = db
        self.signal = signal or EventSignal()
        self.rule_set = rule_set
        self.identity_target = identity_target
        self.records_target = records_target
        self.account = ServiceAccount(username, password_file)
        self.connected = False
        self.last_event_time: datetime | None = None

    async def _run(self) -> None:
        delay = 0.2
        async with tls.aio_channel(self.identity_target) as identity, \
                tls.aio_channel(self.records_target) as records:
            stub = records_pb2_grpc.RecordsServiceStub(records)
            token = ""
            while True:
                try:
                    if not token:
                        token = await self.account.login(identity)
                    after = await self.db.read(engine.cursor)
                    call = stub.WatchEvents(
                        records_pb2.WatchEventsRequest(after_sequence=after, follow=True),
                        metadata=(("authorization", f"Bearer {token}"),),
                    )
                    self.connected = True
                    delay = 0.2
                    await self._apply_in_batches(call)
                except asyncio.CancelledError:
                    raise
                except grpc.aio.AioRpcError as exc:
                    if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
                        token = ""
                    log.info("records feed interrupted (%s); retrying in %.1fs", exc.code().name, delay)
                except Exception:
                    log.exception("records feed failed; retrying in %.1fs", delay)
                self.connected = False
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)


    async def _apply_in_batches(self, call) -> None:
        """Applies events as they arrive; when they arrive faster than one transaction each (a
        rebuild, a backlog after an outage), everything waiting goes in one transaction, with the
        cursor, so it is still all or nothing."""
        queue: asyncio.Queue = asyncio.Queue(maxsize=BATCH * 4)

        async def read():
            try:
                async for event in call:
                    await queue.put(event)
                await queue.put(_END)
            except BaseException as exc:  # handed to the applier, which raises it
                await queue.put(exc)

        reader = asyncio.create_task(read(), name="records-feed-reader")
        try:
            while True:
                batch = [await queue.get()]
                while len(batch) < BATCH and not queue.empty():
                    batch.append(queue.get_nowait())
                ended = next((item for item in batch if not isinstance(item, records_pb2.Event)), None)
                events = [_feed_event(e) for e in batch if isinstance(e, records_pb2.Event)]
                if events:
                    await self.db.write(lambda s: [engine.apply_event(s, self.rule_set, e) for e in events])
                    self.last_event_time = datetime.now(timezone.utc)
                    self.signal.notify()
                    if any(e.type == "person.disposed" for e in events):
                        # The disposed child's clocks are gone: leave no copy in the log either.
                        await self.db.scrub(["clocks", "clock_changes", "people_seen"])
                if ended is _END:
                    return
                if ended is not None:
                    raise ended
        finally:
            reader.cancel()


BATCH = 500
_END = object()


def _feed_event(event: records_pb2.Event) -> engine.FeedEvent:
    return engine.FeedEvent.parse(event.sequence, event.type, event.subject, event.person, event.payload_json,
                                  today_london(event.occur_time.ToDatetime(tzinfo=timezone.utc)))
