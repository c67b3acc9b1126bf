"""p50/p95/p99 of a person lookup over loopback, as a duty worker's TUI makes it.

Loads N synthetic children into SQLite, starts the three real services as separate processes
(as deployed; an in-process server would share this client's GIL and slow both), then times
GetPerson and SearchPeople from the real client. The baseline in the same run is a bare gRPC
health check on the same server: the floor any call pays.
Usage: python bench/lookup_latency.py [--people 5000] [--calls 2000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from ics.records.v1 import records_pb2 as pb
from services import demo_data
from services.cli import migrate_all
from services.common.db import Database
from services.records import frontdoor
from services.launcher import ServiceProcesses
from services.stack import isolated_config

from _common import free_port, timed  # bench/ is on sys.path: it is the script's own folder

GIVEN = ["Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kit", "Lou", "Max", "Noa"]
FAMILY = ["Ashdown", "Brackley", "Carrow", "Dunmore", "Elstree", "Fenwick", "Garrity", "Holloway", "Ingleby"]


def load_people(config, users, count: int) -> list[str]:
    rng = random.Random(7)
    duty = demo_data.staff_principal(users["duty"])
    db = Database(config["records"].database_url)
    names = []
    for i in range(count):
        request = pb.RecordContactRequest(
            new_person=pb.Person(given_name=f"{rng.choice(GIVEN)}{i}", family_name=rng.choice(FAMILY),
                                 date_of_birth=f"20{rng.randint(10, 24):02d}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                                 sex=pb.SEX_FEMALE),
            source=pb.CONTACT_SOURCE_SCHOOL, reason="Benchmark contact", confirmed_not_duplicate=True)
        names.append(db.write_sync(lambda s: frontdoor.record_contact(s, duty, request)).person.name)
    db.dispose()
    return names


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    from tui.core.client import IcsClient

    with tempfile.TemporaryDirectory() as tmp:
        config = isolated_config(Path(tmp))
        migrate_all(config)
        users = demo_data.seed_identity(Database(config["identity"].database_url), config)
        started = time.perf_counter()
        names = load_people(config, users, args.people)
        print(f"loaded {len(names)} children in {time.perf_counter() - started:.1f}s")
        for name in ("identity", "records", "alerts"):
            config[name].port = free_port()
        procs = ServiceProcesses(config, str(Path(tmp) / "logs"))
        procs.start()
        try:
            from tui.core.client import Targets

            client = IcsClient(Targets(*(config[n].target() for n in ("identity", "records", "alerts"))))
            client.login("duty", "demo")
            health = health_pb2_grpc.HealthStub(grpc.insecure_channel(config["records"].target()))
            rng = random.Random(1)
            results = {
                "baseline: health check (records)": timed(
                    lambda: health.Check(health_pb2.HealthCheckRequest(service="")), args.calls),
                "GetPerson": timed(lambda: client.get_person(rng.choice(names)), args.calls),
                "SearchPeople (name)": timed(lambda: client.search_people(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"),
                                             max(200, args.calls // 5)),
            }
            client.close()
        finally:
            procs.stop()
    print(f"{'call':36} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, r in results.items():
        print(f"{name:36} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f}")
    base = results["baseline: health check (records)"]["p50"]
    print(f"GetPerson p50 is {results['GetPerson']['p50'] / base:.1f}x the bare gRPC round trip")


if __name__ == "__main__":
    main()
