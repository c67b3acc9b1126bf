"""`make bench`: every benchmark in turn; each prints its figures beside its own baseline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ["lookup_latency.py", "--people", "5000", "--calls", "2000"],
    ["record_open.py", "--runs", "300", "--engine", "sqlite"],
    ["record_open.py", "--runs", "300", "--engine", "postgresql"],
    ["template_change.py", "--runs", "3"],
    ["startup_and_memory.py", "--runs", "3"],
    ["tui_latency.py", "--searches", "10", "--starts", "3"],
    ["alert_latency.py", "--samples", "200", "--engine", "sqlite"],
    ["alert_latency.py", "--samples", "200", "--engine", "postgresql"],
    ["access_cost.py", "--runs", "2000", "--children", "3000", "--engine", "sqlite"],
    # 500 children (~14,000 events) keeps `make bench` short; generated once, then cached.
    ["clock_rebuild.py", "--children", "500", "--years", "3"],
    # Every management report on a generated large authority (issue 8: each within 5 s).
    ["reports.py", "--children", "2000", "--years", "3", "--runs", "3"],
]


def postgres_unavailable() -> str:
    """Empty when PostgreSQL answers where the benchmarks look for it; otherwise why not."""
    sys.path.insert(0, str(HERE))
    from _common import PG_ADMIN_URL

    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        return ""
    except Exception as exc:  # any failure to connect: skip the PostgreSQL run, and say why
        return f"PostgreSQL is not answering at {PG_ADMIN_URL} ({exc.__class__.__name__})"


if __name__ == "__main__":
    failed = 0
    no_postgres = postgres_unavailable()
    for script, *args in BENCHMARKS:
        print(f"== {script} {' '.join(args)}", flush=True)
        if "postgresql" in args and no_postgres:
            print(f"skipped: {no_postgres}", flush=True)
            continue
        failed |= subprocess.call([sys.executable, str(HERE / script), *args])
    sys.exit(failed)
