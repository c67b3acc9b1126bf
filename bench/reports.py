"""How long each management report takes on a generated large authority (issue: every report
within 5 seconds on a 2-core machine).

Generates a synthetic council once (`ics admin generate`, through the records service's own write
paths; cached and reused like bench/clock_rebuild.py's, `--fresh` to make it again), runs the
three services on it as separate processes, lets alerts build every clock from the event stream
(kept beside the council, so later runs reuse it), then asks every report the services offer
over gRPC, as a manager (every team, case details) and as a performance officer (counts only),
`--runs` times each, for the last year of the history. Prints the worst and median time per
report beside a bare gRPC health check measured in the same run, and the rows each report gave,
and says which reports exceed the target.
Usage: python bench/reports.py [--children 2000] [--years 3] [--seed 1] [--until 2026-10-30] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _common import alerts_cursor_reader, free_port, health_baseline, newest_event, services  # bench/ on path
from clock_rebuild import default_cache, generated_council

TARGET_SECONDS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default="2026-10-30", help="last day of the history (fixed, so the cache holds)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--cache", type=Path, default=default_cache())
    args = parser.parse_args()

    from services.cli import migrate_all
    from services.stack import isolated_config
    from tui.core import reports
    from tui.core.client import IcsClient, Targets

    folder = generated_council(args.cache, args.children, args.years, args.seed, args.until, args.fresh)
    config = isolated_config(folder)
    migrate_all(config)  # a cache made by older code is brought up to date
    for name in ("identity", "records", "alerts"):
        config[name].port = free_port()
    events = newest_event(config["records"].database_url)
    until = date.fromisoformat(args.until)
    since = until - timedelta(days=364)
    with tempfile.TemporaryDirectory() as tmp, services(config, Path(tmp) / "logs"):
        cursor, close = alerts_cursor_reader(config["alerts"].database_url)
        started = time.perf_counter()
        while cursor() < events:  # the first run builds every clock; later runs find them built
            time.sleep(0.5)
        close()
        print(f"{events:,} records events; clocks ready after {time.perf_counter() - started:.0f}s", flush=True)
        baseline = health_baseline(config["records"].target(), calls=300)
        worst_overall = 0.0
        print(f"\nperiod {since} to {until}; {args.runs} runs each; baseline: gRPC health check "
              f"p50 {baseline['p50']:.2f} ms")
        print(f"{'report':22} {'as':12} {'median s':>9} {'worst s':>8} {'rows':>7}  verdict")
        for username in ("manager", "perf"):
            client = IcsClient(Targets(*(config[name].target() for name in ("identity", "records", "alerts"))))
            client.login(username, "demo")
            for item in reports.available(client):
                samples, rows = [], 0
                for _ in range(args.runs):
                    begun = time.perf_counter()
                    report = reports.fetch(client, item.name, since.isoformat(), until.isoformat())
                    samples.append(time.perf_counter() - begun)
                    rows = sum(len(t.rows) for t in report.tables)
                worst = max(samples)
                worst_overall = max(worst_overall, worst)
                verdict = "within 5 s" if worst <= TARGET_SECONDS else "OVER 5 s"
                print(f"{item.name:22} {username:12} {statistics.median(samples):9.2f} {worst:8.2f} {rows:7}  "
                      f"{verdict}", flush=True)
            client.close()
        print(f"\nslowest report: {worst_overall:.2f} s (target {TARGET_SECONDS:.0f} s)")
        return 0 if worst_overall <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
