"""End to end, as a duty worker sees it: `ics demo` on free ports in a real terminal (tmux),
driven by keys and read back from the screen."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid

import pytest

from tests.helpers import free_port

if not shutil.which("tmux"):
    pytest.skip("tmux is not installed (Debian package tmux); .ci/run installs it when run as root",
                allow_module_level=True)

ICS = os.path.join(os.path.dirname(sys.executable), "ics")


class Terminal:
    def __init__(self, name: str, socket_name: str):
        self.name = name
        self.socket = socket_name

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str, pause: float = 0.25) -> None:
        # One key group at a time, as a person types: a Select opens before its option is typed.
        for key in keys:
            self.tmux("send-keys", "-t", self.name, key)
            time.sleep(pause)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {timeout}s; the screen was:\n{self.screen()}")

    def wait_gone(self, text: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and text in self.screen():
            time.sleep(0.1)
        assert text not in self.screen()


def case_note_position(targets) -> int:
    """Where the Case Note is in the list of records to write, as the service lists them."""
    from tui.core.client import IcsClient

    client = IcsClient(targets)
    try:
        client.login("duty", "demo")
        return [t.title for t in client.templates()].index("Case Note")
    finally:
        client.close()


def find_the_child_and_submit_a_case_note(term: Terminal, given: str, family: str, targets) -> None:
    """The rest of a newcomer's first case, after the referral is decided: find the child by a
    misspelt name, read the record, write a case note from its template and submit it."""
    term.keys("/")
    term.wait_for("Find a child")
    term.keys(given, "Space", family[:-1])  # the last letter missed: the search is forgiving
    term.wait_for(f"{given} {family}, born")
    term.keys("Enter", "Enter", pause=0.6)
    term.wait_for("Pen picture: not recorded yet.")
    term.keys("3")
    term.wait_for("Contact received")
    term.keys("w")
    term.wait_for("Write which record?")
    term.keys(*["Down"] * case_note_position(targets), pause=0.1)
    term.keys("Enter")
    term.wait_for(f"Case Note for {given} {family}")
    term.keys("2026-11-02")
    term.keys("Tab", pause=1.5)  # leaving the field saves it, and lays out any question it opens
    term.keys("Enter", pause=0.6)
    term.keys("Home visit", "Enter", pause=0.6)  # not "Home" alone: tmux would send the Home key
    term.wait_for("Home visit")
    term.keys("F10")
    term.wait_for("The Case Note was submitted to your team leader.")
    term.keys("Escape")
    term.wait_for("Find a child")
    term.keys("Escape")
    term.wait_for("My work for")


@pytest.fixture
def demo_terminal(tmp_path):
    ports = {n: free_port() for n in ("IDENTITY", "RECORDS", "ALERTS")}
    term = Terminal("ics", f"ics-e2e-{uuid.uuid4().hex[:8]}")
    env = [x for n, p in ports.items() for x in ("-e", f"ICS_{n}_PORT={p}")]
    env += ["-e", f"ICS_STATE_DIR={tmp_path / 'state'}", "-e", "TERM=xterm-256color"]
    marker = tmp_path / "exit-code"
    command = f"{ICS} demo --data {tmp_path / 'data'}; echo $? > {marker}; sleep 60"
    term.tmux("new-session", "-d", "-s", term.name, "-x", "110", "-y", "34", *env, command)
    term.ports = ports
    term.exit_marker = marker
    try:
        yield term
    finally:
        term.tmux("kill-server")


def test_duty_worker_records_a_contact_and_decides_it_in_the_terminal(demo_terminal):
    term = demo_terminal
    family = f"Tmux{uuid.uuid4().hex[:6]}"
    term.wait_for("Password", timeout=90)
    term.keys("duty", "Enter", "demo", "Enter")
    screen = term.wait_for("My work for Dana Duty")
    screen = term.wait_for("Referral decision")
    assert "OVERDUE" in screen  # the demo council has overdue decisions, shown in words

    term.keys("n")
    term.wait_for("First name")
    term.keys("Tess", "Tab", family, "Tab", "2016-03-02", "Tab")
    term.keys("Enter", pause=0.6)
    term.keys("female", "Enter", pause=0.6)
    term.wait_for("female")
    # Postcode, Date received, then Who contacted us.
    term.keys("Tab", "Tab", "Tab")
    term.keys("Enter", pause=0.6)
    term.keys("police", "Enter", pause=0.6)
    term.keys("Tab", "Police report a disturbance at the home")
    term.wait_for("Draft saved")
    term.keys("C-s")
    term.wait_for("Contact recorded")

    # The new referral's clock, due the next working day, appears in My work.
    def row() -> str:  # every row for the child: deciding on an assessment starts its own clock
        return "\n".join(line for line in term.screen().splitlines() if family in line)

    deadline = time.monotonic() + 20
    while "due in 1 working day" not in row() and time.monotonic() < deadline:
        term.keys("r", pause=0.5)
    assert "due in 1 working day" in row(), term.screen()

    # Select that row and decide it.
    ours = f"Referral decision due for Tess {family}"

    def highlighted() -> bool:  # the sentence under the table describes the highlighted row
        return ours in term.screen().split("────")[-1]

    term.keys("C-Home")
    for _ in range(40):
        if highlighted():
            break
        term.keys("Down", pause=0.3)
    assert highlighted(), term.screen()
    term.keys("d")
    term.wait_for(f"Decide: Tess {family}")  # the decision screen names the child, as a worker checks
    term.keys("Enter", pause=0.6)
    term.keys("assessment", "Enter", pause=0.6)
    term.keys("Tab", "Needs an assessment")
    term.keys("C-s")
    term.wait_for("Decision saved")
    deadline = time.monotonic() + 20
    while "met on" not in row() and time.monotonic() < deadline:
        term.keys("r", pause=0.5)
    assert "met on" in row(), term.screen()

    from tui.core.client import Targets

    find_the_child_and_submit_a_case_note(term, "Tess", family, Targets(
        *(f"127.0.0.1:{term.ports[name]}" for name in ("IDENTITY", "RECORDS", "ALERTS"))))

    # q leaves the TUI and `ics demo` stops all three services.
    term.keys("q")
    deadline = time.monotonic() + 30
    while not term.exit_marker.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert term.exit_marker.read_text().strip() == "0"
    for port in term.ports.values():
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0


def test_sigterm_to_ics_demo_with_the_tui_open_stops_everything(demo_terminal):
    term = demo_terminal
    term.wait_for("Password", timeout=90)
    pane_pid = int(term.tmux("display", "-p", "-t", term.name, "#{pane_pid}").strip())
    demo_pid = int(subprocess.run(["pgrep", "-P", str(pane_pid), "-f", "ics demo"],
                                  capture_output=True, text=True).stdout.split()[0])
    os.kill(demo_pid, 15)
    deadline = time.monotonic() + 30
    while not term.exit_marker.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert term.exit_marker.exists(), term.screen()
    for port in term.ports.values():
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"a service still listens on {port}"
