"""What the benchmarks share: free ports, percentiles, timing loops, and a council whose three
services run as separate processes (as deployed: an in-process server would share the client's
GIL and slow both) on SQLite or on fresh PostgreSQL databases."""

from __future__ import annotations

import os
import socket
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from services.common.config import SERVICES, IcsConfig
from services.common.scratch_databases import fresh_databases

PG_ADMIN_URL = os.environ.get("ICS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentiles(samples: list[float]) -> dict[str, float]:
    """Milliseconds, from samples in seconds."""
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "mean": statistics.fmean(ordered) * 1000}


def timed(fn: Callable[[], object], calls: int, warm_up: int = 100) -> dict[str, float]:
    for _ in range(min(warm_up, calls)):
        fn()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def print_table(results: dict[str, dict[str, float]], width: int = 44) -> None:
    print(f"{'call':{width}} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, r in results.items():
        print(f"{name:{width}} {r['p50']:8.2f} {r['p95']:8.2f} {r['p99']:8.2f}")


@contextmanager
def council(data_dir: Path, engine: str = "sqlite") -> Iterator[tuple[IcsConfig, dict]]:
    """Migrated databases holding the demo staff, and a configuration on free ports.
    Yields (config, users); nothing is running yet."""
    from services import demo_data
    from services.cli import migrate_all
    from services.common.db import Database
    from services.stack import isolated_config

    if engine not in ("sqlite", "postgresql"):
        raise SystemExit(f"--engine must be sqlite or postgresql, not {engine!r}")
    urls_made = fresh_databases(PG_ADMIN_URL, SERVICES, prefix="ics_bench") if engine == "postgresql" else _nothing()
    with urls_made as urls:
        config = isolated_config(data_dir, urls)
        migrate_all(config)
        identity_db = Database(config["identity"].database_url)
        users = demo_data.seed_identity(identity_db, config)
        identity_db.dispose()
        for name in SERVICES:
            config[name].port = free_port()
        yield config, users


@contextmanager
def _nothing():
    yield None


@contextmanager
def services(config: IcsConfig, log_dir: Path, names=SERVICES):
    """The services as separate processes, each SERVING before this returns; stopped after."""
    from services.launcher import ServiceProcesses

    procs = ServiceProcesses(config, str(log_dir))
    try:
        procs.start(names)
    except TimeoutError:
        for name in names:  # say why, before the temporary folder (and its logs) goes
            log = Path(log_dir) / f"{name}.log"
            tail = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
            print(f"--- {name} log (last lines)", *tail, sep="\n", file=sys.stderr)
        procs.stop()
        raise
    try:
        yield procs
    finally:
        procs.stop()


def client(config: IcsConfig, username: str = "duty"):
    from tui.core.client import IcsClient, Targets

    made = IcsClient(Targets(*(config[name].target() for name in SERVICES)))
    made.login(username, "demo")
    return made


def health_baseline(target: str, calls: int = 1000) -> dict[str, float]:
    """A bare gRPC health check on `target`: the floor any call to that server pays, measured in
    the same run as the figures it is set beside."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        return timed(lambda: stub.Check(health_pb2.HealthCheckRequest(service="")), calls)


def newest_event(records_url: str) -> int:
    """The records outbox's last sequence number (0 when empty)."""
    from sqlalchemy import func, select

    from services.common.db import Database
    from services.records.models import OutboxEvent

    db = Database(records_url)
    try:
        return db.read_sync(lambda s: s.scalar(select(func.max(OutboxEvent.sequence)))) or 0
    finally:
        db.dispose()


def alerts_cursor_reader(alerts_url: str):
    """(read, close): read() is how far the alerts service has applied the records events, from its
    own database (the feed_cursors row)."""
    from services.alerts import engine
    from services.common.db import Database

    db = Database(alerts_url)
    return (lambda: db.read_sync(engine.cursor)), db.dispose
