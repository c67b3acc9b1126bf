"""ICS over SSH, as a thin client reaches it: a real OpenSSH server on loopback, started by the
test, whose ForceCommand is deploy/ssh/ics-session. A newcomer's first case is driven through it
in a real terminal (tmux) and read back from the screen; the wrapper picks the line mode when
asked or when there is no terminal, refuses anything else, and a dropped link keeps the draft."""

from __future__ import annotations

import os
import pty
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import running_stack
from tests.helpers import free_port
from tests.test_end_to_end import Terminal, find_the_child_and_submit_a_case_note  # skips when tmux is missing
from tui.core.client import IcsClient

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if os.access("/usr/sbin/sshd", os.X_OK) else None)
SSH = shutil.which("ssh")
if not SSHD:
    pytest.skip("sshd is not installed (Debian package openssh-server); .ci/run installs it when run as root",
                allow_module_level=True)
if not SSH or not shutil.which("ssh-keygen"):
    pytest.skip("ssh is not installed (Debian package openssh-client); .ci/run installs it when run as root",
                allow_module_level=True)

WRAPPER = Path(__file__).resolve().parent.parent / "deploy" / "ssh" / "ics-session"
USER = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
REFUSED = 'This account opens ICS only; it cannot run "bash".'


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # SQLite only: what is under test is the way in, not the storage.
    data_dir = tmp_path_factory.mktemp("ics-ssh")
    with running_stack("sqlite", data_dir) as running:
        yield running


class SshCommand(list):
    """The ssh command line to reach the test's sshd; `config` is the ICS configuration it sets."""

    config = ""


@pytest.fixture(scope="module")
def sshd(stack, tmp_path_factory):
    """sshd on a free loopback port: key login only, for this user, and only ever the wrapper."""
    here = tmp_path_factory.mktemp("sshd")
    for key in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(here / key)], check=True)
    (here / "authorized_keys").write_text((here / "client_key.pub").read_text())
    config = here / "ics.toml"  # what /etc/ics/ics.toml holds on a thin-client host
    config.write_text("".join(f'[{name}]\naddress = "{stack.target(name)}"\n\n'
                              for name in ("identity", "records", "alerts")))
    port = free_port()
    (here / "sshd_config").write_text(f"""\
ListenAddress 127.0.0.1
Port {port}
HostKey {here / 'host_key'}
PidFile {here / 'sshd.pid'}
AuthorizedKeysFile {here / 'authorized_keys'}
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AllowUsers {USER}
AllowTcpForwarding no
X11Forwarding no
PermitUserEnvironment no
ForceCommand {WRAPPER}
SetEnv ICS_CONFIG={config} ICS_STATE_DIR={here / 'state'} XDG_CONFIG_HOME={here / 'user-config'}
""")
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
    log = open(here / "sshd.log", "w")
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(here / "sshd_config")], stdout=log, stderr=log)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"sshd did not start:\n{(here / 'sshd.log').read_text()}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    ssh = [SSH, "-F", "/dev/null", "-i", str(here / "client_key"), "-p", str(port), "-o", "IdentitiesOnly=yes",
           "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
           f"{USER}@127.0.0.1"]
    ssh = SshCommand(ssh)
    ssh.config = str(config)
    try:
        yield ssh
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@pytest.fixture
def ssh_terminal(sshd):
    """`ssh -tt` in a tmux pane, as a worker's terminal runs it; `command` is what they asked for."""
    made: list[Terminal] = []

    def open_(*command: str) -> Terminal:
        term = Terminal("ics", f"ics-ssh-{uuid.uuid4().hex[:8]}")
        line = " ".join([sshd[0], "-tt", *sshd[1:], *command])
        term.tmux("new-session", "-d", "-s", term.name, "-x", "110", "-y", "34", "-e", "TERM=xterm-256color",
                  f"{line}; echo ssh-ended $?; sleep 60")
        made.append(term)
        return term

    yield open_
    for term in made:
        term.tmux("kill-server")


def test_a_newcomers_first_case_through_sshd_and_the_forcecommand(ssh_terminal, stack):
    term = ssh_terminal()
    family = f"Ssh{uuid.uuid4().hex[:6]}"
    term.wait_for("Password", timeout=60)  # the Textual TUI: a terminal was there and nothing else asked
    term.keys("duty", "Enter", "demo", "Enter")
    term.wait_for("My work for Dana Duty")

    term.keys("n")
    term.wait_for("First name")
    term.keys("Tess", "Tab", family, "Tab", "2016-03-02", "Tab")
    term.keys("Enter", pause=0.6)
    term.keys("female", "Enter", pause=0.6)
    term.wait_for("female")
    term.keys("Tab", "Tab", "Tab")  # Postcode, Date received, then Who contacted us
    term.keys("Enter", pause=0.6)
    term.keys("police", "Enter", pause=0.6)
    term.keys("Tab", "Police report a disturbance at the home")
    term.wait_for("Draft saved")
    term.keys("C-s")
    term.wait_for("Contact recorded")

    def row() -> str:
        return "\n".join(line for line in term.screen().splitlines() if family in line)

    deadline = time.monotonic() + 20
    while "due in 1 working day" not in row() and time.monotonic() < deadline:
        term.keys("r", pause=0.5)
    assert "due in 1 working day" in row(), term.screen()
    assert "Referral decision" in row(), term.screen()

    find_the_child_and_submit_a_case_note(term, "Tess", family, stack.targets())

    term.keys("q")
    term.wait_for("ssh-ended 0")  # leaving ICS ends the SSH session: there is no shell behind it


def test_asking_for_line_over_ssh_gets_the_line_mode(ssh_terminal):
    term = ssh_terminal("line")
    term.wait_for("ICS line mode. Type login to start", timeout=60)
    term.keys("quit", "Enter")
    term.wait_for("Goodbye.")
    term.wait_for("ssh-ended 0")


def test_without_a_terminal_the_wrapper_opens_the_line_mode(sshd):
    # A screen reader's plain session, or `ssh -T`: Textual could not draw, so the line mode.
    done = subprocess.run([sshd[0], "-T", *sshd[1:]], input="quit\n", capture_output=True, text=True, timeout=60)
    assert "ICS line mode." in done.stdout, done
    assert "Goodbye." in done.stdout
    assert done.returncode == 0


def test_any_other_command_is_refused_with_a_plain_sentence(sshd):
    done = subprocess.run([*sshd, "bash"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done
    assert REFUSED in done.stderr
    assert "Connect with no command, or with line, large or tui." in done.stderr
    assert done.stdout == ""


def running_tui(config: str) -> list[str]:
    """`ics tui` processes started by the wrapper with this test's configuration."""
    return subprocess.run(["pgrep", "-f", f"tui --config {config}"], capture_output=True, text=True).stdout.split()


def test_a_dropped_ssh_link_keeps_the_draft_for_the_next_login(ssh_terminal, sshd, stack):
    config = sshd.config
    term = ssh_terminal()
    family = f"Drop{uuid.uuid4().hex[:6]}"
    term.wait_for("Password", timeout=60)
    term.keys("worker", "Enter", "demo", "Enter")
    term.wait_for("My work for Wes Worker")
    term.keys("n")
    term.wait_for("First name")
    term.keys("Nia", "Tab", family)
    term.wait_for("Draft saved")
    # The date of birth, then the link drops before the next timed save (1 s): the ssh client
    # dies, sshd closes the terminal, the kernel sends ICS SIGHUP and ICS saves the draft.
    term.keys("Tab", "2015-01-02", pause=0)
    term.wait_for("2015-01-02", timeout=5)
    pane = term.tmux("display", "-p", "-t", term.name, "#{pane_pid}").strip()
    client = subprocess.run(["pgrep", "-P", pane, "-x", "ssh"], capture_output=True, text=True).stdout.split()
    assert client, term.screen()
    os.kill(int(client[0]), signal.SIGKILL)
    deadline = time.monotonic() + 15  # and ICS itself is gone: nothing left running on the host
    while running_tui(config) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not running_tui(config)

    reader = IcsClient(stack.targets())
    try:
        reader.login("worker", "demo")
        deadline = time.monotonic() + 15
        drafts = []
        while time.monotonic() < deadline:
            drafts = reader.list_drafts("contact")
            if drafts and drafts[0].fields.get("date_of_birth") == "2015-01-02":
                break
            time.sleep(0.2)
    finally:
        reader.close()
    assert drafts and drafts[0].fields["family_name"] == family, drafts
    assert drafts[0].fields["date_of_birth"] == "2015-01-02"

    again = ssh_terminal()
    again.wait_for("Password", timeout=60)
    again.keys("worker", "Enter", "demo", "Enter")
    again.wait_for("My work for Wes Worker")
    again.keys("n")
    screen = again.wait_for("Your draft is back as you left it.")
    assert family in screen and "2015-01-02" in screen, screen


@pytest.mark.parametrize("asked, ics_mode, mode_file, tty, term, expected", [
    ("", "", "", True, "xterm-256color", "tui --config /etc/ics-test.toml"),
    ("large", "", "", True, "xterm", "tui --large --config /etc/ics-test.toml"),
    ("", "", "large", True, "xterm", "tui --large --config /etc/ics-test.toml"),  # ~/.config/ics/mode
    ("", "line", "large", True, "xterm", "line --config /etc/ics-test.toml"),     # ICS_MODE first
    ("tui", "line", "", True, "xterm", "tui --config /etc/ics-test.toml"),        # asked beats default
    ("tui", "", "", True, "dumb", "line --config /etc/ics-test.toml"),            # a screen reader's terminal
    ("", "", "", True, "", "line --config /etc/ics-test.toml"),                   # TERM unset
    ("large", "", "", False, "xterm", "line --config /etc/ics-test.toml"),        # no terminal at all
])
def test_the_wrapper_picks_the_mode(tmp_path, asked, ics_mode, mode_file, tty, term, expected):
    """The wrapper alone, with a stand-in for `ics` that prints what it was given."""
    fake = tmp_path / "ics"
    fake.write_text('#!/bin/sh\necho "ics $*"\n')
    fake.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "ICS_BIN": str(fake),
           "ICS_CONFIG": "/etc/ics-test.toml", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    if mode_file:
        (tmp_path / "xdg" / "ics").mkdir(parents=True)
        (tmp_path / "xdg" / "ics" / "mode").write_text(mode_file + "\n")
    if asked:
        env["SSH_ORIGINAL_COMMAND"] = asked
    if ics_mode:
        env["ICS_MODE"] = ics_mode
    if term:
        env["TERM"] = term
    if tty:
        controller, terminal = pty.openpty()
        done = subprocess.run([str(WRAPPER)], stdin=terminal, stdout=terminal, stderr=terminal, env=env, timeout=10)
        os.close(terminal)
        output = os.read(controller, 4096).decode()
        os.close(controller)
    else:
        done = subprocess.run([str(WRAPPER)], capture_output=True, text=True, env=env, timeout=10,
                              stdin=subprocess.DEVNULL)
        output = done.stdout
    assert done.returncode == 0
    assert output.strip() == f"ics {expected}"
