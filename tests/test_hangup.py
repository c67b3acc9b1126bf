"""A dropped link mid-edit loses nothing: the TUI and the line mode, each in a real terminal
(tmux) against the real services, are sent SIGHUP while a contact is being typed. Each exits
129 (128 + SIGHUP), the draft is on the server and in the local draft file with what was typed,
and the next login offers it back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid

import pytest

from tests.conftest import running_stack
from tests.test_end_to_end import ICS, Terminal  # skips this module too when tmux is missing
from tui.core.client import IcsClient

HANGUP_EXIT = "129"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # SQLite only: what is under test is the front ends' signal handling, not the storage.
    data_dir = tmp_path_factory.mktemp("ics-hangup")
    with running_stack("sqlite", data_dir) as running:
        yield running


def write_config(stack, path) -> str:
    """A TOML file giving the front ends the stack's addresses, as /etc/ics/ics.toml would."""
    path.write_text("".join(f'[{name}]\naddress = "{stack.target(name)}"\n\n'
                            for name in ("identity", "records", "alerts")))
    return str(path)


class FrontEnd:
    """One `ics tui` or `ics line` run in its own tmux server; its exit code lands in a file."""

    def __init__(self, tmp_path, command: str, state_dir, run: int):
        self.term = Terminal("ics", f"ics-hup-{uuid.uuid4().hex[:8]}")
        self.marker = tmp_path / f"exit-code-{run}"
        env = ["-e", f"ICS_STATE_DIR={state_dir}", "-e", "TERM=xterm-256color"]
        self.term.tmux("new-session", "-d", "-s", "ics", "-x", "110", "-y", "34", *env,
                       f"{command}; echo $? > {self.marker}; sleep 60")

    def pid(self) -> int:
        """The `ics` process itself (a child of the pane's shell)."""
        pane = self.term.tmux("display", "-p", "-t", "ics", "#{pane_pid}").strip()
        found = subprocess.run(["pgrep", "-P", pane, "-f", ICS], capture_output=True, text=True).stdout.split()
        assert found, f"no ics process under the pane; the screen was:\n{self.term.screen()}"
        return int(found[0])

    def exit_code(self, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while not self.marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert self.marker.exists(), f"ics did not exit; the screen was:\n{self.term.screen()}"
        return self.marker.read_text().strip()

    def close(self) -> None:
        self.term.tmux("kill-server")


@pytest.fixture
def front_ends(tmp_path):
    started: list[FrontEnd] = []

    def start(command: str, state_dir) -> FrontEnd:
        front = FrontEnd(tmp_path, command, state_dir, len(started))
        started.append(front)
        return front

    yield start
    for front in started:
        front.close()


def server_drafts(stack, username: str):
    client = IcsClient(stack.targets())
    try:
        client.login(username, "demo")
        return client.list_drafts("contact")
    finally:
        client.close()


def local_draft(state_dir, username: str) -> dict:
    return json.loads((state_dir / "ics" / "drafts" / username / "contact.json").read_text())["fields"]


def test_sighup_mid_edit_in_the_tui_keeps_the_draft_and_the_next_login_resumes_it(stack, tmp_path, front_ends):
    config = write_config(stack, tmp_path / "ics.toml")
    state = tmp_path / "state"  # ICS_STATE_DIR: the local draft is under state/ics/drafts/<user>/
    family = f"Hup{uuid.uuid4().hex[:6]}"
    command = f"{ICS} tui --config {config}"

    first = front_ends(command, state)
    term = first.term
    term.wait_for("Password", timeout=60)
    term.keys("duty", "Enter", "demo", "Enter")
    term.wait_for("My work for Dana Duty")
    term.keys("n")
    term.wait_for("First name")
    term.keys("Tess", "Tab", family)
    term.wait_for("Draft saved")  # the timer has put the name on the server
    # The date of birth is typed and the link drops before the next timed save (1 s): only the
    # hangup handler can have put it on the server.
    term.keys("Tab", "2016-03-02", pause=0)
    term.wait_for("2016-03-02", timeout=5)
    os.kill(first.pid(), signal.SIGHUP)
    assert first.exit_code() == HANGUP_EXIT

    drafts = server_drafts(stack, "duty")
    assert len(drafts) == 1, drafts
    assert drafts[0].fields["given_name"] == "Tess"
    assert drafts[0].fields["family_name"] == family
    assert drafts[0].fields["date_of_birth"] == "2016-03-02"
    local = local_draft(state, "duty")
    assert (local["given_name"], local["family_name"], local["date_of_birth"]) == ("Tess", family, "2016-03-02")

    # The next login: n offers the draft back, as it was left.
    second = front_ends(command, state)
    term = second.term
    term.wait_for("Password", timeout=60)
    term.keys("duty", "Enter", "demo", "Enter")
    term.wait_for("My work for Dana Duty")
    term.keys("n")
    screen = term.wait_for("Your draft is back as you left it.")
    for typed in ("Tess", family, "2016-03-02"):
        assert typed in screen, screen
    term.keys("Escape")  # back to My work, the draft kept
    term.wait_for("press n to carry on with it")
    term.keys("q")
    assert second.exit_code() == "0"


def test_sighup_mid_walk_in_the_line_mode_keeps_the_draft_and_the_next_contact_resumes_it(stack, tmp_path,
                                                                                         front_ends):
    config = write_config(stack, tmp_path / "ics.toml")
    state = tmp_path / "state"
    family = f"Hup{uuid.uuid4().hex[:6]}"
    command = f"{ICS} line --config {config}"

    def log_in(term: Terminal) -> None:
        term.wait_for("Type login to start", timeout=60)
        term.keys("login", "Enter")
        term.wait_for("Username:")
        term.keys("duty2", "Enter")
        term.wait_for("Password:")
        term.keys("demo", "Enter")
        term.wait_for("Logged in as")

    first = front_ends(command, state)
    term = first.term
    log_in(term)
    term.keys("contact", "Enter")
    term.wait_for("New contact:")
    term.wait_for("First name")
    term.keys("Lena", "Enter")
    term.wait_for("Family name")
    term.keys(family, "Enter")
    term.wait_for("Date of birth")
    term.keys("2017-05-06", "Enter")
    term.wait_for("Field 4 of")  # mid-walk: the next question is being asked
    os.kill(first.pid(), signal.SIGHUP)
    # The line mode saves every answer to the server as it is given (tui/line/contact.py), so a
    # hangup has nothing left to save; it ends as SIGHUP's default does, which the shell reports
    # as 129 (128 + SIGHUP), the same code the TUI returns.
    assert first.exit_code() == HANGUP_EXIT

    drafts = server_drafts(stack, "duty2")
    assert len(drafts) == 1, drafts
    assert (drafts[0].fields["given_name"], drafts[0].fields["family_name"],
            drafts[0].fields["date_of_birth"]) == ("Lena", family, "2017-05-06")
    local = local_draft(state, "duty2")
    assert (local["given_name"], local["family_name"], local["date_of_birth"]) == ("Lena", family, "2017-05-06")

    second = front_ends(command, state)
    term = second.term
    log_in(term)
    term.keys("contact", "Enter")
    term.wait_for("You have an unfinished contact from")
    assert family in term.screen()
    term.keys("resume", "Enter")
    term.wait_for("Carrying on with the contact")
    screen = term.wait_for("now Lena, press Enter to keep it")
    assert "Field 1 of" in screen
