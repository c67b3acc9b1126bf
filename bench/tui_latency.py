"""What a worker on a thin client feels (issue 6): start to the first usable screen, keystroke to
updated screen when finding a child, opening records and switching sections, the bytes the front
end writes to the terminal for each screen change, and the memory (RSS) of each mode.

The three services run with the demo council on free ports (`ics demo --no-tui` on a data folder
seeded by `ics admin seed-demo`). Each front end runs in a pseudo-terminal this script owns
(TERM=xterm-256color; `ics tui` at 80x24, `ics tui --large` at 40x12, `ics line` at 80x24), so it
sends real keys and counts every byte written. A screen change is "shown" when the expected words
are in the bytes written since the key, and "settled" at the last byte before 50 ms without any.
Latency is from the key to that last byte; the 50 ms of silence that proves it is not counted.

Baselines in the same run and the same pseudo-terminal: a bare `python -c` (and one that imports
Textual) printing the prompt, for start-up and memory; a raw-mode Python program that redraws one
line per key, for keystroke to screen; a Python line loop answering each line, for the line mode.

Usage: python bench/tui_latency.py [--searches 10] [--starts 3] [--modes tui,large,line]
(about two minutes by default; no tmux needed).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time

import psutil

from _common import free_port, percentiles  # bench/ is on sys.path: it is the script's own folder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICS = os.path.join(os.path.dirname(sys.executable), "ics")
QUIET = 0.05  # no bytes for this long: the screen has settled
TYPE_GAP = 0.12  # between typed characters, a brisk typist
MODES = {  # name: (argv after `ics`, columns, rows)
    "tui": (["tui"], 80, 24),
    "large": (["tui", "--large"], 40, 12),
    "line": (["line"], 80, 24),
}
LABELS = {"tui": "ics tui 80x24", "large": "ics tui --large 40x12", "line": "ics line 80x24"}
KEY = {"enter": b"\r", "escape": b"\x1b", "down": b"\x1b[B", "shift+tab": b"\x1b[Z",
       "home": b"\x01", "kill": b"\x0b", "quit": b"\x11"}
# CSI, OSC, and the two-byte escapes: what is left is the text a reader would see.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78M]")


def plain(data: bytes) -> str:
    return _ESCAPES.sub(b"", data).decode("utf-8", "replace")


class Terminal:
    """A program in a pseudo-terminal of a fixed size; every byte it writes is kept, timed."""

    alive: set[int] = set()  # pids not yet reaped: killed if the run stops early

    def __init__(self, argv: list[str], env: dict[str, str], cols: int, rows: int):
        self.cols, self.rows = cols, rows
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.chdir(ROOT)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        Terminal.alive.add(pid)
        self.chunks: list[tuple[float, bytes]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.chunks.append((time.perf_counter(), data))

    def mark(self) -> int:
        return len(self.chunks)

    def send(self, keys: bytes | str) -> float:
        """Writes the keys; returns when they were sent."""
        sent = time.perf_counter()
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)
        return sent

    def wait(self, since: int, needle: str | None = None, timeout: float = 20.0,
             quiet: float = QUIET) -> tuple[float, float, int]:
        """After chunk `since`: until `needle` has been written (any output, when None) and then
        nothing for `quiet` seconds. Returns (when shown, when settled, bytes written)."""
        deadline = time.perf_counter() + timeout
        shown = None
        while time.perf_counter() < deadline:
            time.sleep(0.003)
            chunks = self.chunks[since:]
            if not chunks:
                continue
            if shown is None:
                if needle is None:
                    shown = chunks[0][0]
                else:
                    data = b""
                    for at, chunk in chunks:
                        data += chunk
                        if needle in plain(data):
                            shown = at
                            break
                    if shown is None:
                        continue
            last = chunks[-1][0]
            if time.perf_counter() - last >= quiet and len(self.chunks) == since + len(chunks):
                return shown, last, sum(len(c) for _, c in chunks)
        tail = plain(b"".join(c for _, c in self.chunks[since:]))[-600:]
        raise TimeoutError(f"{needle!r} was not written within {timeout}s; after the key it wrote:\n{tail}")

    def press(self, keys: bytes | str, needle: str | None = None, timeout: float = 20.0) -> tuple[float, float, int]:
        """Sends keys, waits for the screen to show `needle` and settle: (to shown, to settled, bytes)."""
        since = self.mark()
        sent = self.send(keys)
        shown, settled, written = self.wait(since, needle, timeout)
        return shown - sent, settled - sent, written

    def type(self, text: str, needle: str | None = None) -> tuple[list[tuple[float, int]], tuple[float, float, int]]:
        """Types one character at a time; each but the last is timed to its echo settling. Returns
        the echoes [(to settled, bytes)] and the last character's (to shown, to settled, bytes)."""
        echoes = []
        for char in text[:-1]:
            gap_ends = time.perf_counter() + TYPE_GAP
            since = self.mark()
            sent = self.send(char)
            _, settled, written = self.wait(since, None, timeout=5.0, quiet=min(QUIET, TYPE_GAP / 2))
            echoes.append((settled - sent, written))
            time.sleep(max(0.0, gap_ends - time.perf_counter()))
        return echoes, self.press(text[-1], needle)

    def rss_mb(self) -> float:
        return psutil.Process(self.pid).memory_info().rss / 2**20

    def close(self, keys: bytes = b"") -> None:
        if keys:
            try:
                os.write(self.fd, keys)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        Terminal.alive.discard(self.pid)
        try:
            os.close(self.fd)
        except OSError:
            pass


class Figures:
    """What the final tables print: per (table, measurement, mode), the samples of seconds to shown,
    seconds to settled and bytes written; and the RSS of each mode at each stage."""

    TABLES = {"start": "Start to first usable screen (spawn to the prompt written)",
              "keys": "Key to updated screen, and bytes written to the terminal for that change"}

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, str], dict[str, list]] = {}
        self.rss: dict[str, dict[str, float]] = {}

    def add(self, table: str, what: str, mode: str, shown: float | None = None, settled: float | None = None,
            written: int | None = None) -> None:
        row = self.rows.setdefault((table, what, mode), {"shown": [], "settled": [], "bytes": []})
        for key, value in (("shown", shown), ("settled", settled), ("bytes", written)):
            if value is not None:
                row[key].append(value)

    def memory(self, mode: str, stage: str, megabytes: float) -> None:
        self.rss.setdefault(mode, {})[stage] = megabytes

    def print(self) -> None:
        def pick(values: list, q: float):
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

        def ms(values: list, q: float) -> str:
            return f"{pick(values, q) * 1000:8.1f}" if values else f"{'-':>8}"

        def count(values: list, q: float) -> str:
            return f"{pick(values, q):9d}" if values else f"{'-':>9}"

        for table, title in self.TABLES.items():
            print(f"\n{title}")
            print(f"{'measurement':44} {'mode':26} {'n':>3} {'shown50':>8} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'bytes50':>9} {'bytes95':>9}")
            for (in_table, what, mode), row in self.rows.items():
                if in_table != table:
                    continue
                n = max(len(v) for v in row.values())
                print(f"{what:44} {mode:26} {n:3d} {ms(row['shown'], .5)} {ms(row['settled'], .5)} "
                      f"{ms(row['settled'], .95)} {count(row['bytes'], .5)} {count(row['bytes'], .95)}")
        stages = ["at login prompt", "after login", "after opening records"]
        print("\nRSS of the front-end process, MiB")
        print(f"{'mode':44} " + " ".join(f"{s:>22}" for s in stages))
        for mode, by_stage in self.rss.items():
            print(f"{mode:44} " + " ".join(f"{by_stage[s]:22.1f}" if s in by_stage else f"{'-':>22}"
                                           for s in stages))


def choose_children(env: dict[str, str], data: str, searches: int) -> list[tuple[str, list[str]]]:
    """Given names duty can find with at least two children, and the family names of the first two
    matches (in the order the screen lists them): what each search and open waits to see."""
    saved = dict(os.environ)
    os.environ.update({k: v for k, v in env.items() if k.startswith("ICS_")})
    try:
        from services.demo_data import GIVEN
        from tui.core.client import IcsClient, Targets

        client = IcsClient(Targets.from_config(data))
        client.login("duty", "demo")
        chosen = []
        for given in [name for names in GIVEN.values() for name in names]:
            found = client.search_people(given.lower(), limit=20)
            if len(found) >= 2 and found[0].person.given_name == given:
                chosen.append((given, [m.person.family_name for m in found[:2]]))
        client.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if not chosen:
        raise SystemExit("duty can find no demo child by given name; is the demo council seeded?")
    return [chosen[i % len(chosen)] for i in range(searches)]


def start_up(argv: list[str], env: dict[str, str], cols: int, rows: int, needle: str) -> tuple[Terminal, float, float, int]:
    """Spawns the program; returns it once `needle` is on screen and the screen has settled, with
    seconds from spawn to shown and to settled, and the bytes of that first screen."""
    term = Terminal(argv, env, cols, rows)
    shown, settled, written = term.wait(0, needle, timeout=60)
    return term, shown - term.started, settled - term.started, written


SECTIONS = [("2", "Case story"), ("3", "Chronology"), ("4", "Documents"), ("5", "Family"), ("6", "Allocation"),
            ("7", "Timescales"), ("1", "Summary")]


def run_tui(mode: str, env: dict[str, str], data: str, children, starts: int, figures: Figures) -> None:
    args, cols, rows = MODES[mode]
    label = LABELS[mode]
    argv = [ICS, *args, "--data", data]

    def key(what: str, keys: bytes | str, needle: str | None, timeout: float = 20.0) -> None:
        shown, settled, written = term.press(keys, needle, timeout)
        figures.add("keys", what, label, shown, settled, written)

    for i in range(starts):
        term, shown, settled, written = start_up(argv, env, cols, rows, "Username")
        figures.add("start", "spawn to login screen (Username)", label, shown, settled, written)
        if i < starts - 1:
            term.close(KEY["quit"])
    time.sleep(0.3)
    figures.memory(label, "at login prompt", term.rss_mb())

    term.press("duty", None)
    term.press(KEY["enter"], None)
    term.type("demo")
    # The heading with the counts: "My work for Dana Duty: 22 open, ..." ("My work: 22 open" when large).
    key("Enter logs in: My work with counts", KEY["enter"], "My work:" if mode == "large" else "My work for", 30)
    time.sleep(1.0)  # alerts and the table settle
    since = term.mark()
    time.sleep(2.0)
    figures.add("keys", "idle on My work: bytes per second", label,
                written=sum(len(c) for _, c in term.chunks[since:]) // 2)
    figures.memory(label, "after login", term.rss_mb())

    key("/ opens Find a child", "/", "Find a child")
    for n, (given, families) in enumerate(children):
        if n:
            key("Escape back to the matches (**)", KEY["escape"], "Find a child")
            term.press(KEY["shift+tab"], None)  # from the matches to the name box
            term.press(KEY["home"], None)
            term.press(KEY["kill"], None)
            time.sleep(0.4)  # the emptied box's pause passes (it searches nothing)
        echoes, (shown, settled, written) = term.type(given.lower(), families[0])
        for echo, echo_bytes in echoes:
            figures.add("keys", "a letter typed in the search box echoes", label, None, echo, echo_bytes)
        figures.add("keys", "search: last letter to matches listed (*)", label, shown, settled, written)
        term.press(KEY["enter"], None)  # Enter in the box: to the list of matches
        key("Enter opens a record (summary)", KEY["enter"], families[0])
        time.sleep(0.1)
        for number, title in SECTIONS:
            key("1..7 switch section", number, title)
        # Moving between records: back to the matches, the next one down, open it.
        key("Escape back to the matches (**)", KEY["escape"], "Find a child")
        key("Down to the next match", KEY["down"], None)
        key("Enter opens a record (summary)", KEY["enter"], families[1])
        key("1..7 switch section", "3", "Chronology")
    figures.memory(label, "after opening records", term.rss_mb())
    term.close(KEY["quit"])


def run_line(env: dict[str, str], data: str, children, starts: int, figures: Figures) -> None:
    args, cols, rows = MODES["line"]
    label = LABELS["line"]
    argv = [ICS, *args, "--data", data]
    for i in range(starts):
        term, shown, settled, written = start_up(argv, env, cols, rows, "ics>")
        figures.add("start", "spawn to first prompt (ics>)", label, shown, settled, written)
        if i < starts - 1:
            term.close(b"quit\r")
    time.sleep(0.3)
    figures.memory(label, "at login prompt", term.rss_mb())

    def command(line: str, what: str, needle: str = "ics>", table: str = "keys") -> None:
        """Enter to the next prompt: the answer's last line is written just before it."""
        shown, settled, written = term.press(line + "\r", needle, timeout=30)
        figures.add(table, what, label, shown, settled, written - len(line) - 2)  # less the echoed command

    command("login", "then login Enter to Username:", "Username:", table="start")
    term.press("duty\r", "Password:")
    shown, settled, written = term.press("demo\r", "ics>", timeout=30)  # the password is not echoed
    figures.add("keys", "Enter logs in (line mode)", label, shown, settled, written)
    figures.memory(label, "after login", term.rss_mb())
    for given, _ in children:
        command(f"find {given.lower()}", "find NAME: Enter to the matches")
        command("open 1", "open 1: Enter to the record (summary)")
        for section in ("story", "chronology", "documents", "family", "timescales", "summary"):
            command(section, "a section (story .. summary)")
        command("open 2", "open 2: Enter to the next record")
        command("chronology", "a section (story .. summary)")
    figures.memory(label, "after opening records", term.rss_mb())
    term.close(b"quit\r")


BASE_STARTS = {
    "baseline: python -c print": "import sys; print('Username'); sys.stdin.read(1)",
    "baseline: python+textual": "import sys, textual.app; print('Username'); sys.stdin.read(1)",
}
# Raw mode, and for each key one line redrawn at the top: the floor of key to screen in this pty.
BASE_KEYS = ("import os, tty; tty.setraw(0); os.write(1, b'ready\\r\\n')\n"
             "while (c := os.read(0, 1)) != b'q': os.write(1, b'\\x1b[H\\x1b[2Kkey ' + c + b'\\r\\n')")
BASE_LINE = ("import sys\nprint('ok>', end=' ', flush=True)\n"
             "for line in sys.stdin: print('you typed', line.strip()); print('ok>', end=' ', flush=True)")


def baselines(env: dict[str, str], starts: int, figures: Figures) -> None:
    py = sys.executable
    for name, code in BASE_STARTS.items():
        for _ in range(starts):
            term, shown, settled, written = start_up([py, "-c", code], env, 80, 24, "Username")
            figures.add("start", "spawn to prompt", name, shown, settled, written)
            time.sleep(0.2)
            rss = term.rss_mb()
            term.close(b"x")
        figures.memory(name, "at login prompt", rss)
    term = Terminal([py, "-c", BASE_KEYS], env, 80, 24)
    term.wait(0, "ready")
    for i in range(20):
        char = "abcdefghij"[i % 10]
        shown, settled, written = term.press(char, f"key {char}")
        figures.add("keys", "a key redraws one line", "baseline: python raw echo", shown, settled, written)
    term.close(b"q")
    term = Terminal([py, "-c", BASE_LINE], env, 80, 24)
    term.wait(0, "ok>")
    for i in range(20):
        line = f"line {i}"
        shown, settled, written = term.press(line + "\r", "ok>")
        figures.add("keys", "Enter to a one-line answer", "baseline: python line loop", shown, settled,
                    written - len(line) - 2)
    term.close(b"\x04")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--searches", type=int, default=10, help="searches per TUI mode (2 records opened each)")
    parser.add_argument("--starts", type=int, default=3, help="timed starts per mode")
    parser.add_argument("--modes", default="tui,large,line")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    unknown = set(modes) - set(MODES)
    if unknown:
        sys.exit(f"unknown modes {sorted(unknown)}; choose from {', '.join(MODES)}")

    data = tempfile.mkdtemp(prefix="ics-bench-tui-")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ICS_", "TEXTUAL", "COLORTERM", "NO_COLOR", "TMUX", "LINES", "COLUMNS", "ESCDELAY"))}
    env.update({f"ICS_{n}_PORT": str(free_port()) for n in ("IDENTITY", "RECORDS", "ALERTS")})
    env.update({"TERM": "xterm-256color", "ICS_STATE_DIR": os.path.join(data, "state"), "LANG": "C.UTF-8"})
    began = time.perf_counter()
    subprocess.run([ICS, "admin", "seed-demo", "--data", data], env=env, cwd=ROOT, check=True, capture_output=True)
    stack = subprocess.Popen([ICS, "demo", "--no-tui", "--data", data], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    figures = Figures()
    try:
        for line in stack.stdout:
            if "ICS is running" in line:
                break
        else:
            sys.exit(f"the services did not start (exit {stack.wait()})")
        threading.Thread(target=stack.stdout.read, daemon=True).start()  # keep its pipe drained
        children = choose_children(env, data, args.searches)
        baselines(env, args.starts, figures)
        for mode in modes:
            if mode == "line":
                run_line(env, data, children, args.starts, figures)
            else:
                run_tui(mode, env, data, children, args.starts, figures)
    finally:
        for pid in list(Terminal.alive):
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        stack.send_signal(signal.SIGTERM)
        try:
            stack.wait(30)
        except subprocess.TimeoutExpired:
            stack.kill()
        shutil.rmtree(data, ignore_errors=True)

    print(f"Front-end latency, bytes to the terminal and memory; demo council, services on free ports, "
          f"TERM=xterm-256color pty; {args.searches} searches per mode ({time.perf_counter() - began:.0f}s).")
    print(f"Latency: key sent to the last byte of the change (settled = then {QUIET * 1000:.0f} ms without "
          f"a byte). Bytes: all the front end wrote for that change (line mode: less the echoed command).")
    figures.print()
    print("(*) includes the search box's deliberate 300 ms pause after the last letter "
          "(tui/app/screens/search.py SEARCH_PAUSE_SECONDS).")
    print("(**) includes Textual's 100 ms wait after Escape for the rest of an escape sequence (ESCDELAY).")
    print("shown50: median to the first byte that puts the expected words on screen; p50/p95: to settled.")
    for mode in modes:
        _, cols, rows = MODES[mode]
        print(f"reference: one full {cols}x{rows} screen of plain text is {cols * rows} bytes ({LABELS[mode]}).")


if __name__ == "__main__":
    main()
