"""How soon a new clock reaches a worker's screen: RecordContact to "Referral decision due" on the
duty worker's WatchMyAlerts stream.

The three services run as separate processes on free ports (as deployed). One client follows
WatchMyAlerts as the duty worker (the raw alerts stub, in a thread) while the duty worker records
contacts one at a time through the real client; each new referral starts a "Referral decision
due" clock for the duty team. Latency is from the RecordContact reply arriving to the clock
arriving on the stream (records -> outbox -> WatchEvents -> alerts applies it -> WatchMyAlerts);
it is also shown from the request being sent. For comparison the same is measured by polling
ListMyAlerts back to back (the best a polling screen could do; a real one polls every few seconds).
The duty worker's open list grows by one clock per sample, as a busy front door's does.
The baseline in the same run is a bare gRPC health check on alerts.
Usage: python bench/alert_latency.py [--samples 200] [--engine sqlite|postgresql] [--no-polling]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import grpc

from ics.alerts.v1 import alerts_pb2 as apb
from ics.alerts.v1 import alerts_pb2_grpc
from ics.records.v1 import records_pb2 as pb

from _common import client, council, health_baseline, percentiles, print_table, services  # bench/ is on sys.path

RULE = "referral_decision"
WARM_UP = 10


class Watcher(threading.Thread):
    """Follows WatchMyAlerts and notes when each referral's decision clock first arrives."""

    def __init__(self, target: str, token: str):
        super().__init__(name="watch-my-alerts", daemon=True)
        self.channel = grpc.insecure_channel(target)
        stub = alerts_pb2_grpc.AlertsServiceStub(self.channel)
        self.call = stub.WatchMyAlerts(apb.WatchMyAlertsRequest(),
                                       metadata=(("authorization", f"Bearer {token}"),))
        self.arrived: dict[str, float] = {}
        self.updates = 0
        self.changed = threading.Condition()
        self.initial = threading.Event()
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            for update in self.call:
                now = time.perf_counter()
                with self.changed:
                    self.updates += 1
                    for clock in update.clocks:
                        if clock.rule == RULE and clock.state == apb.CLOCK_STATE_OPEN:
                            self.arrived.setdefault(clock.subject, now)
                    self.changed.notify_all()
                self.initial.set()
        except grpc.RpcError as exc:
            if exc.code() != grpc.StatusCode.CANCELLED:
                self.failure = exc
        finally:
            self.initial.set()
            with self.changed:
                self.changed.notify_all()

    def wait_for(self, subject: str, timeout: float = 15.0) -> float:
        deadline = time.monotonic() + timeout
        with self.changed:
            while subject not in self.arrived:
                if self.failure or not self.is_alive():
                    raise RuntimeError(f"WatchMyAlerts ended: {self.failure!r}")
                if not self.changed.wait(max(0.0, deadline - time.monotonic())):
                    raise TimeoutError(f"{subject}'s clock did not arrive within {timeout:.0f}s")
            return self.arrived[subject]

    def close(self) -> None:
        self.call.cancel()
        self.join(5)
        self.channel.close()


def contact(i: int) -> pb.RecordContactRequest:
    return pb.RecordContactRequest(
        new_person=pb.Person(given_name=f"Latency{i}", family_name="Bench", date_of_birth="2014-03-03",
                             sex=pb.SEX_FEMALE),
        source=pb.CONTACT_SOURCE_POLICE, reason="Police report a domestic incident with the child present.",
        confirmed_not_duplicate=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--no-polling", action="store_true", help="skip the ListMyAlerts polling comparison")
    args = parser.parse_args()

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, council(Path(tmp), args.engine) as (config, _users):
        with services(config, Path(tmp) / "logs"):
            duty = client(config, "duty")
            results["baseline: health check (alerts)"] = health_baseline(config["alerts"].target())

            watcher = Watcher(config["alerts"].target(), duty.session.token)
            watcher.start()
            watcher.initial.wait(10)
            record, from_reply, from_sent, early = [], [], [], 0
            for i in range(WARM_UP + args.samples):
                sent = time.perf_counter()
                reply = duty.record_contact(contact(i))
                replied = time.perf_counter()
                arrived = watcher.wait_for(reply.referral.name)
                if i < WARM_UP:
                    continue
                record.append(replied - sent)
                from_reply.append(max(0.0, arrived - replied))
                from_sent.append(arrived - sent)
                early += arrived < replied
            updates = watcher.updates
            watcher.close()
            results["RecordContact (the write itself)"] = percentiles(record)
            results["push: reply -> clock on WatchMyAlerts"] = percentiles(from_reply)
            results["push: request sent -> clock on stream"] = percentiles(from_sent)

            polls_each: list[int] = []
            if not args.no_polling:
                polled = []
                request = apb.ListMyAlertsRequest(include_ended=False, page_size=500)
                for i in range(max(30, args.samples // 4)):
                    reply = duty.record_contact(contact(100_000 + i))
                    replied = time.perf_counter()
                    polls = 0
                    while True:
                        polls += 1
                        page = duty._call("alerts", duty.alerts.ListMyAlerts, request)
                        if any(c.subject == reply.referral.name for c in page.clocks):
                            break
                    polled.append(time.perf_counter() - replied)
                    polls_each.append(polls)
                results["poll: reply -> seen by ListMyAlerts (back to back)"] = percentiles(polled)
            duty.close()

    print(f"\n{args.engine}, {args.samples} samples (after {WARM_UP} warm-up), "
          f"{updates} stream updates received")
    print_table(results, width=52)
    base = results["baseline: health check (alerts)"]
    push = results["push: reply -> clock on WatchMyAlerts"]
    quarter = max(1, len(from_reply) // 4)
    first, last = percentiles(from_reply[:quarter]), percentiles(from_reply[-quarter:])
    print(f"push p50 over the first {quarter} samples {first['p50']:.2f} ms, over the last {quarter} "
          f"{last['p50']:.2f} ms (the duty worker's open list grew from {WARM_UP} to {WARM_UP + len(from_reply)}; "
          "each wake re-reads it)")
    print(f"push latency: p50 {push['p50']:.2f} ms ({push['p50'] / base['p50']:.1f}x the bare gRPC round trip), "
          f"p95 {push['p95']:.2f} ms ({push['p95'] / base['p95']:.1f}x), p99 {push['p99']:.2f} ms "
          f"({push['p99'] / base['p99']:.1f}x)")
    if early:
        print(f"{early} clocks arrived on the stream before the RecordContact reply (counted as 0 ms from the reply)")
    if polls_each:
        poll = results["poll: reply -> seen by ListMyAlerts (back to back)"]
        print(f"polling back to back: p50 {poll['p50']:.2f} ms ({poll['p50'] / base['p50']:.1f}x the round trip), "
              f"{sum(polls_each) / len(polls_each):.1f} ListMyAlerts calls per new clock")


if __name__ == "__main__":
    main()
