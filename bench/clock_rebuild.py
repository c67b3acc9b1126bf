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

`--replicate K` measures a large authority instead of extrapolating to one: it builds (once, cached
beside the council) a copy of the generated records database whose `outbox_events` table holds the
generated events K times over, as K independent councils' worth of children. In copy k every
resource name `<collection>/<number>` in the subject and inside the payload (people, referrals,
episodes, documents, plans, allocations, care periods, placements, carers, ...) and the person id
get k times an offset larger than any id in the source, so copies never share a child or a piece
of work; "teams/N" and "users/N" are kept, so clocks still go to the demo teams and workers.
Sequences are renumbered consecutively, in the original order within a copy and the copies one
after another. Chronologically that is unrealistic (the whole history of council 1, then all of
council 2's from the same dates again), but the alerts engine applies each child's events in order
and never compares one child's dates with another's, which is what the rebuild's work depends on.
The other records tables stay those of the one generated council: during a rebuild alerts reads
only the WatchEvents stream (services/alerts/feed.py, engine.py); records are looked up only when
someone asks alerts for a child's clocks. Rows go in with executemany in chunks, so 2 million take
well under a minute rather than the hours the write paths would. Dates and times are kept.

A progress line is printed every `--report-every` seconds (events applied, events/s overall and
since the last line, RSS of the alerts process); Ctrl+C or SIGTERM stops the rebuild and reports
what completed, so a stopped run still gives a measured rate.
Usage: python bench/clock_rebuild.py [--children 2000] [--years 3] [--seed 1] [--fresh] [--cache DIR]
                                     [--replicate K] [--report-every 60]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sqlite3
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
REPLICATED = "replicated.txt"
KEPT_COLLECTIONS = ("teams", "users")  # shared by every copy: the demo staff
RESOURCE = re.compile(r"(?<![A-Za-z0-9_-])([a-z][a-z-]*)/(\d+)(?!\d)")
OUTBOX_COLUMNS = ("sequence", "type", "subject", "person_id", "payload_json", "actor_user", "actor_username",
                  "actor_name", "occurred_at")
CHUNK = 20_000


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


def replicated_council(source: Path, copies: int, fresh: bool) -> Path:
    """A copy of the council folder whose records outbox holds the source's events `copies` times
    over, each copy's identifiers moved out of the others' way (see the module docstring); made once."""
    folder = source.with_name(f"{source.name}-x{copies}")
    marker = folder / REPLICATED
    if (marker.is_file() and not fresh
            and marker.stat().st_mtime >= (source / DONE).stat().st_mtime):
        print(f"reusing {folder}: {marker.read_text().strip()}", flush=True)
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("alerts.db*", DONE, REPLICATED))
    db = sqlite3.connect(folder / "records.db", isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=OFF")
        columns = ", ".join(OUTBOX_COLUMNS)
        rows = db.execute(f"SELECT {columns} FROM outbox_events ORDER BY sequence").fetchall()
        largest = max([int(m[2]) for r in rows for text in (r[2], r[4]) for m in RESOURCE.finditer(text)
                       if m[1] not in KEPT_COLLECTIONS] + [r[3] or 0 for r in rows] + [1])
        offset = 10 ** len(str(largest))  # copy k's people/12 is people/(k*offset + 12)
        per_copy = len(rows)
        print(f"replicating {per_copy} events x {copies} = {per_copy * copies:,} into {folder} "
              f"(ids moved by k x {offset:,} in copy k; largest source id {largest})", flush=True)

        def moved(text: str, by: int) -> str:
            return RESOURCE.sub(lambda m: m[0] if m[1] in KEPT_COLLECTIONS else f"{m[1]}/{int(m[2]) + by}", text)

        db.execute("BEGIN")
        db.execute("DELETE FROM outbox_events")  # copy 0 goes back in renumbered like the others
        insert = f"INSERT INTO outbox_events ({columns}) VALUES ({', '.join('?' * len(OUTBOX_COLUMNS))})"
        for k in range(copies):
            by, base = k * offset, k * per_copy
            for low in range(0, per_copy, CHUNK):
                db.executemany(insert, [
                    (base + low + i + 1, type_, moved(subject, by) if by else subject,
                     None if person is None else person + by, moved(payload, by) if by else payload,
                     actor, username, name, at)
                    for i, (_, type_, subject, person, payload, actor, username, name, at)
                    in enumerate(rows[low:low + CHUNK])])
            if (k + 1) % 5 == 0 or k + 1 == copies:
                print(f"  {k + 1}/{copies} copies ({(k + 1) * per_copy:,} events, "
                      f"{time.perf_counter() - started:.0f}s)", flush=True)
        db.execute("COMMIT")
        total = db.execute("SELECT count(*), max(sequence) FROM outbox_events").fetchone()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    summary = (f"{copies} copies of {source.name}: {total[0]:,} outbox events (last sequence {total[1]:,}), "
               f"id offset {offset:,} a copy, built in {time.perf_counter() - started:.0f}s")
    print(summary, flush=True)
    marker.write_text(summary + "\n")
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


def memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB; the peak from the kernel's high-water mark."""
    current = peak = float("nan")
    try:
        import psutil

        current = psutil.Process(pid).memory_info().rss / 2**20
    except Exception:  # psutil missing, or the process gone
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    except OSError:
        pass
    return current, peak


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default="2026-10-30", help="last day of the history (fixed, so the cache holds)")
    parser.add_argument("--fresh", action="store_true", help="generate the council (and any replica) again")
    parser.add_argument("--cache", type=Path, default=default_cache(), help="where generated councils are kept")
    parser.add_argument("--replicate", type=int, default=1, metavar="K",
                        help="rebuild from the generated events repeated K times as K councils' children")
    parser.add_argument("--report-every", type=float, default=60.0, metavar="SECONDS",
                        help="print a progress line this often during the rebuild")
    args = parser.parse_args()
    if args.replicate < 1:
        raise SystemExit("--replicate must be 1 or more")

    from services.cli import migrate_all
    from services.common import migrations
    from services.launcher import ServiceProcesses
    from services.stack import isolated_config

    folder = generated_council(args.cache, args.children, args.years, args.seed, args.until, args.fresh)
    if args.replicate > 1:
        folder = replicated_council(folder, args.replicate, args.fresh)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # a stopped run still reports what completed
    stopped = False
    peak_mb = float("nan")
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
                pid = alerts.procs["alerts"].pid
                progress = [(serving, 0)]
                print(f"alerts SERVING after {serving - launched:.1f}s; rebuilding {events:,} events "
                      f"(a line every {args.report_every:.0f}s)", flush=True)
                reported = progress[0]
                while progress[-1][1] < events:
                    time.sleep(0.05)
                    progress.append((time.perf_counter(), cursor()))
                    if alerts.procs["alerts"].poll() is not None:
                        raise SystemExit(f"alerts exited with {alerts.procs['alerts'].returncode}; "
                                         f"see {Path(tmp) / 'logs' / 'alerts.log'}")
                    now, done = progress[-1]
                    if now - reported[0] >= args.report_every:
                        rss, peak_mb = memory_mb(pid)
                        overall = done / (now - serving)
                        recent = (done - reported[1]) / (now - reported[0])
                        left = (events - done) / recent / 60 if recent > 0 else float("inf")
                        print(f"[{now - serving:6.0f}s] {done:>9,} of {events:,} events applied "
                              f"({100 * done / events:4.1f}%): {overall:.0f} events/s overall, "
                              f"{recent:.0f} over the last {now - reported[0]:.0f}s; alerts RSS {rss:.0f} MB; "
                              f"about {left:.0f} min left at the recent rate", flush=True)
                        reported = (now, done)
                finished = progress[-1][0]
                peak_mb = memory_mb(pid)[1]
            except KeyboardInterrupt:
                stopped = True
                progress.append((time.perf_counter(), cursor()))
                finished = progress[-1][0]
                peak_mb = memory_mb(alerts.procs["alerts"].pid)[1] if "alerts" in alerts.procs else peak_mb
            finally:
                alerts.stop()
                close()
        clocks, people = count_rows(alerts_url)

    applied = progress[-1][1]
    wall, applying = finished - launched, finished - serving
    rate = applied / wall if wall > 0 else float("nan")
    per_event_ms = wall / applied * 1000 if applied else float("nan")
    copies = f", the generated events x {args.replicate} as {args.replicate} councils" if args.replicate > 1 else ""
    print(f"\n{'STOPPED (partial) ' if stopped else ''}clean rebuild of the alerts clocks, SQLite, "
          f"{args.children} children over {args.years} years (seed {args.seed}){copies}")
    if args.replicate > 1:
        print("the copies' events follow one another (council 1's whole history, then council 2's over the same "
              "dates, ...): unrealistic as a timeline, but each child's events arrive in order, which is what "
              "alerts depends on")
    print(f"events {applied:,}{f' of {events:,}' if stopped else ''}, clocks {clocks:,}, people {people:,}")
    print(f"wall time from launching alerts to its cursor at {'the last event' if not stopped else 'the stop'}: "
          f"{wall:.1f}s (process start to SERVING {serving - launched:.1f}s, then {applying:.1f}s reading and "
          f"applying); alerts peak RSS {peak_mb:.0f} MB")
    if applied >= 4:
        first = rate_between(progress, 1, applied // 4)
        last = rate_between(progress, applied - applied // 4, applied)
        print(f"rate: {rate:.0f} events/s overall ({per_event_ms:.2f} ms an event, "
              f"{per_event_ms / baseline['p50']:.1f}x the bare gRPC round trip of {baseline['p50']:.2f} ms p50); "
              f"{first:.0f} events/s over the first quarter of the {'applied ' if stopped else ''}events, "
              f"{last:.0f} over the last")
        if stopped:
            print(f"EXTRAPOLATED, not measured: all {events:,} events would take about {events / rate / 60:.0f} min "
                  f"at the overall rate, {events / last / 60:.0f} min at the last quarter's rate")
        elif events < 0.9 * TWO_MILLION:
            print(f"EXTRAPOLATED, not measured: {TWO_MILLION:,} events would take about "
                  f"{TWO_MILLION / rate / 60:.0f} min at the overall rate, {TWO_MILLION / last / 60:.0f} min at the "
                  f"last quarter's rate (linear; assumes the rate holds {TWO_MILLION // events}x further)")
    if stopped:
        raise SystemExit(130)


if __name__ == "__main__":
    main()
