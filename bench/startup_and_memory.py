"""What a worker waits for and what a server holds: `ics demo` warm start to a usable login
screen, and the idle memory (RSS) of each service and of the TUI.

Runs the real `ics demo` in tmux (as a worker over SSH would see it) on free ports with a data
folder seeded by a first, untimed run, and reads the screen until the login form is drawn.
Baselines measured in the same run: a bare `python -c pass` start, and the RSS of a Python
process that has only imported grpc. Needs tmux. Usage: python bench/startup_and_memory.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import psutil

from _common import free_port  # bench/ is on sys.path: it is the script's own folder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICS = os.path.join(os.path.dirname(sys.executable), "ics")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def wait_screen(session: str, needle: str, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in tmux("capture-pane", "-p", "-t", session):
            return time.perf_counter()
        time.sleep(0.02)
    raise TimeoutError(f"{needle!r} never appeared:\n{tmux('capture-pane', '-p', '-t', session)}")


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def one_run(data: str, env: dict[str, str], session: str) -> tuple[float, dict[str, float]]:
    command = f"cd {ROOT} && exec {ICS} demo --data {data}"
    started = time.perf_counter()
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-e", f"PATH={os.environ['PATH']}",
         *[x for k, v in env.items() if k.startswith("ICS_") for x in ("-e", f"{k}={v}")], command)
    shown = wait_screen(session, "Password")
    time.sleep(3)  # let everything settle to idle before reading memory
    pane_pid = int(tmux("display", "-p", "-t", session, "#{pane_pid}").strip())
    demo = psutil.Process(pane_pid)
    memory = {"ics demo process (launcher + TUI)": rss_mb(demo.pid)}
    for child in demo.children(recursive=True):
        cmd = " ".join(child.cmdline())
        for name in ("identity", "records", "alerts"):
            if cmd.endswith(f"serve {name}"):
                memory[f"service {name}"] = rss_mb(child.pid)
    # The TUI on its own, as each worker's SSH session runs it against shared services.
    tui_session = f"{session}tui"
    tmux("new-session", "-d", "-s", tui_session, "-x", "100", "-y", "30",
         *[x for k, v in env.items() if k.startswith("ICS_") for x in ("-e", f"{k}={v}")],
         f"cd {ROOT} && exec {ICS} tui --data {data}")
    wait_screen(tui_session, "Password")
    time.sleep(2)
    memory["TUI alone (ics tui, login screen)"] = rss_mb(int(tmux("display", "-p", "-t", tui_session, "#{pane_pid}").strip()))
    tmux("kill-session", "-t", tui_session)
    tmux("send-keys", "-t", session, "C-q")
    deadline = time.monotonic() + 20
    while demo.is_running() and demo.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.1)
    tmux("kill-session", "-t", session)
    return shown - started, memory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("needs tmux")
    data = tempfile.mkdtemp(prefix="ics-bench-")
    env = {**os.environ, **{f"ICS_{n}_PORT": str(free_port()) for n in ("IDENTITY", "RECORDS", "ALERTS")}}
    # First run seeds the data folder (cold); the timed runs are warm starts.
    subprocess.run([ICS, "admin", "seed-demo", "--data", data], env=env, check=True, capture_output=True)
    starts, memories = [], []
    for i in range(args.runs):
        seconds, memory = one_run(data, env, f"icsbench{os.getpid()}{i}")
        starts.append(seconds)
        memories.append(memory)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    python_start = time.perf_counter() - t0
    bare = subprocess.Popen([sys.executable, "-c", "import grpc, time; time.sleep(30)"])
    time.sleep(1.5)
    bare_rss = rss_mb(bare.pid)
    bare.kill()
    shutil.rmtree(data, ignore_errors=True)

    print(f"ics demo warm start to login screen: median {statistics.median(starts):.2f}s "
          f"(runs: {', '.join(f'{s:.2f}' for s in starts)}); baseline python -c pass {python_start:.3f}s")
    print(f"{'idle RSS':40} {'MiB':>8}")
    for key in memories[-1]:
        print(f"{key:40} {statistics.median(m[key] for m in memories if key in m):8.1f}")
    print(f"{'baseline: python + import grpc':40} {bare_rss:8.1f}")


if __name__ == "__main__":
    main()
