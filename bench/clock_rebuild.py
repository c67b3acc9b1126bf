"""How long the alerts service takes to build every clock from nothing: a clean rebuild against a
generated council's records.

Generates a synthetic council once (`ics admin generate --children N --years Y --seed S --until D`,
through the records service's own write paths) into a cached data folder, reused by later runs
(`--fresh` makes it again). Then starts identity and records on it as separate processes, starts
alerts on an empty database, and times the wall clock from launching alerts until its cursor
reaches the records' last event: process start, sign-in, reading the stream and applying every
event in batches. Prints events, clocks, events/s (overall, and over the first and last quarter
of the events, to show whether the rate falls as the tables grow) and an EXTRAPOLATION to
2,000,000 events; generating that many is the bulk loader's job (a later issue), so that figure
is arithmetic on the measured rate, not a measurement. The baseline in the same run is a bare
gRPC health check on records.
Usage: python bench/clock_rebuild.py [--children 2000] [--years 3] [--seed 1] [--fresh] [--cache DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (alerts_cursor_reader, free_port, health_baseline, newest_event,  # bench/ is on sys.path
                     services)

REPO = Path(__file__).resolve().parent.parent
TWO_MILLION = 2_000_000
DONE = "generated.txt"


def default_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ics-bench"


def generated_council(cache: Path, children: int, years: int, seed: int, until: str, fresh: bool) -> Path:
    """The data folder of a generated council (identity, records and the signing key), made once."""
    folder = cache / f"council-c{children}-y{years}-s{seed}-{until}"
    if (folder / DONE).is_file() and not fresh:
        print(f"reusing {folder}: {(folder / DONE).read_text().strip()}", flush=True)
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICS_")}  # only this folder counts
    print(f"generating {children} children over {years} years (seed {seed}, until {until}) into {folder} ...",
          flush=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "services.cli", "admin", "generate", "--data", str(folder),
                           "--children", str(children), "--years", str(years), "--seed", str(seed),
                           "--until", until], cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"generate failed:\n{done.stdout}\n{done.stderr}")
    summary = done.stdout.strip()
    print(f"{summary} (wall {time.perf_counter() - started:.0f}s)", flush=True)
    (folder / DONE).write_text(summary + "\n")
    return folder


def count_rows(alerts_url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from services.alerts.models import Clock, PersonSeen
    from services.common.db import Database

    db = Database(alerts_url)
    try:
        return db.read_sync(lambda s: (s.scalar(select(func.count(Clock.id))),
                                       s.scalar(select(func.count()).select_from(PersonSeen))))
    finally:
        db.dispose()


def rate_between(progress: list[tuple[float, int]], low: int, high: int) -> float:
    """Events per second while the cursor went from `low` to `high` (from the sampled progress)."""
    start = next((t, c) for t, c in progress if c >= low)
    end = next((t, c) for t, c in progress if c >= high)
    return (end[1] - start[1]) / (end[0] - start[0]) if end[0] > start[0] else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default="2026-10-30", help="last day of the history (fixed, so the cache holds)")
    parser.add_argument("--fresh", action="store_true", help="generate the council again")
    parser.add_argument("--cache", type=Path, default=default_cache(), help="where generated councils are kept")
    args = parser.parse_args()

    from services.cli import migrate_all
    from services.common import migrations
    from services.launcher import ServiceProcesses
    from services.stack import isolated_config

    folder = generated_council(args.cache, args.children, args.years, args.seed, args.until, args.fresh)
    with tempfile.TemporaryDirectory() as tmp:
        alerts_url = f"sqlite:///{Path(tmp) / 'alerts.db'}"
        config = isolated_config(folder, {"alerts": alerts_url})
        migrate_all(config, ("identity", "records"))  # a cache made by older code is brought up to date
        migrations.upgrade("alerts", alerts_url)
        for name in ("identity", "records", "alerts"):
            config[name].port = free_port()
        events = newest_event(config["records"].database_url)
        with services(config, Path(tmp) / "logs", names=("identity", "records")):
            baseline = health_baseline(config["records"].target())
            cursor, close = alerts_cursor_reader(alerts_url)
            alerts = ServiceProcesses(config, str(Path(tmp) / "logs"))
            launched = time.perf_counter()
            try:
                alerts.start(["alerts"])
                serving = time.perf_counter()
                progress = [(serving, 0)]
                while progress[-1][1] < events:
                    time.sleep(0.05)
                    progress.append((time.perf_counter(), cursor()))
                    if alerts.procs["alerts"].poll() is not None:
                        raise SystemExit(f"alerts exited with {alerts.procs['alerts'].returncode}; "
                                         f"see {Path(tmp) / 'logs' / 'alerts.log'}")
                finished = progress[-1][0]
            finally:
                alerts.stop()
                close()
        clocks, people = count_rows(alerts_url)

    wall, applying = finished - launched, finished - serving
    rate = events / wall
    first = rate_between(progress, 1, events // 4)
    last = rate_between(progress, events - events // 4, events)
    per_event_ms = wall / events * 1000
    print(f"\nclean rebuild of the alerts clocks, SQLite, {args.children} children over {args.years} years "
          f"(seed {args.seed})")
    print(f"events {events}, clocks {clocks}, people {people}")
    print(f"wall time from launching alerts to its cursor at the last event: {wall:.1f}s "
          f"(process start to SERVING {serving - launched:.1f}s, then {applying:.1f}s reading and applying)")
    print(f"rate: {rate:.0f} events/s overall ({per_event_ms:.2f} ms an event, "
          f"{per_event_ms / baseline['p50']:.1f}x the bare gRPC round trip of {baseline['p50']:.2f} ms p50); "
          f"{first:.0f} events/s over the first quarter of the events, {last:.0f} over the last")
    print(f"EXTRAPOLATED, not measured: {TWO_MILLION:,} events would take about {TWO_MILLION / rate / 60:.0f} min "
          f"at the overall rate, {TWO_MILLION / last / 60:.0f} min at the last quarter's rate "
          f"(linear; assumes the rate holds {TWO_MILLION // events}x further)")


if __name__ == "__main__":
    main()
