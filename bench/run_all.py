"""`make bench`: every benchmark in turn; each prints its figures beside its own baseline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    ["lookup_latency.py", "--people", "5000", "--calls", "2000"],
    ["startup_and_memory.py", "--runs", "3"],
]

if __name__ == "__main__":
    failed = 0
    for script, *args in BENCHMARKS:
        print(f"== {script} {' '.join(args)}", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / script), *args])
    sys.exit(failed)
