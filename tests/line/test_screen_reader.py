"""The line mode under a real screen reader: Fenrir, the console screen reader blind Linux users
run, reads `ics line` in its PTY mode on an 80 by 24 terminal, and what it would say is written to
a file instead of a synthesiser (tests/line/fenrir/). A short session is typed a key at a time, as
a person types, and after each Enter the test checks what the worker heard: every line the line
mode printed (the answer and the next prompt) once, in order, and nothing else.

What Fenrir itself adds is allowed for explicitly and nowhere else:
- "Start Fenrir" first and "Quit Fenrir" last, its own greeting and farewell. (Its farewell
  interrupts speech; the line mode's "Goodbye." is heard only because it takes a moment to exit.)
- "blank" after an Enter: the Enter key moves the cursor to the empty line below, and Fenrir reads
  the line the cursor lands on (commands/onCursorChange/55000-present_line_if_cursor_change_
  vertical.py; with sound on it plays a click instead). It is said at most once per Enter and
  only before the answer, and not at all when the answer reaches the screen in the same read.
- Typed characters are not spoken: with Debian's settings (charEcho and wordEcho off) Fenrir takes
  a change on the cursor's line no longer than the cursor's move as the echo of typing
  (commands/onScreenUpdate/70000-incoming.py). A typed answer is therefore not heard, and the
  password is never on the screen at all. The heuristic can fail, and Fenrir then reads a bit of
  the echo: when the answer is typed on a row the terminal wrapped to (a prompt near or past the
  right edge: "g", then "g s", while "Bruising seen at school" is typed), and when Fenrir takes
  in two keys' echo at once on a busy machine ("ts" of "alerts"). So pieces of what was typed are
  let through, but only before the answer, only words of what was typed, and never for a password.
- Fenrir speaks each new screen row, so a line longer than the terminal is heard as its rows, the
  break falling where the terminal wrapped it; the expected speech is cut the same way.
- Punctuation is spoken as Fenrir's default level ("some") says, read from Fenrir's own profile:
  the symbols - / + * $ @ ~ \\ as words ("YYYY dash MM dash DD"), other symbols as silence;
  commas and line ends are pauses, not words, so they are not compared.

Besides, the screen must hold no escape sequence or box drawing, each answer must print each line
once (Fenrir says a line printed twice twice), and the passwords are never heard.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import string
import struct
import subprocess
import sys
import termios
import threading
import time
import uuid
from fcntl import ioctl
from pathlib import Path

import pytest

from ics.records.v1 import records_pb2 as pb
from tests.conftest import running_stack
from tests.helpers import wait_for
from tui.core.client import IcsClient

FENRIR = shutil.which("fenrir") or ("/usr/bin/fenrir" if os.access("/usr/bin/fenrir", os.X_OK) else None)
if not FENRIR:
    pytest.skip("fenrir is not installed (Debian package fenrir); .ci/run installs it when run as root",
                allow_module_level=True)

HERE = Path(__file__).resolve().parent / "fenrir"
ICS = os.path.join(os.path.dirname(sys.executable), "ics")
PUNCTUATION_PROFILE = Path("/etc/fenrirscreenreader/punctuation/default.conf")
COLUMNS, ROWS = 80, 24          # the Linux console's size, where Fenrir's users live
KEY_PAUSE = 0.04                # between keys, as a (fast) person types
SETTLE = 0.4                    # after the expected speech, anything more said would be heard by now
ENTER = "\r"
BLANK = "blank"                 # Fenrir reading the empty line an Enter moved the cursor to
PROMPT = "ics> "
NOT_PLAIN = re.compile("[\x1b\u2500-\u259f]")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    # SQLite only: what is under test is what the worker hears, not the storage.
    data_dir = tmp_path_factory.mktemp("ics-fenrir")
    with running_stack("sqlite", data_dir) as running:
        yield running


# -- what Fenrir makes of a line of text --------------------------------------------------------
def _punctuation() -> tuple[str, dict[str, str], dict[str, str]]:
    """Fenrir's own punctuation profile: the symbols spoken at level "some", every symbol's
    name, and the emoticons it reads as words."""
    sections: dict[str, dict[str, str]] = {}
    current = None
    for line in PUNCTUATION_PROFILE.read_text().splitlines():
        if not line.strip() or line.strip().startswith("#"):
            continue
        if line.strip().upper().startswith("[") and line.strip().upper().endswith("DICT]"):
            current = sections.setdefault(line.strip()[1:-1].upper(), {})
        elif current is not None and ":===:" in line:
            key, _, value = line.partition(":===:")
            current[key] = value
    return sections["LEVELDICT"]["some"], sections["PUNCTDICT"], sections.get("EMOTICONDICT", {})


SOME, NAMES, EMOTICONS = _punctuation() if PUNCTUATION_PROFILE.exists() else ("", {}, {})
PAUSES = "'.,;:?!-"   # kept in the text for the synthesiser's pauses (core/punctuationManager.py)


def as_spoken(text: str) -> str:
    """A screen row as Fenrir hands it to the synthesiser at punctuation level "some"
    (core/punctuationManager.py: emoticons, then named symbols, then the rest silenced)."""
    for emoticon, word in EMOTICONS.items():
        text = text.replace(emoticon, f" {word} ")
    for symbol in SOME:
        if symbol in NAMES:
            text = text.replace(symbol, f" {NAMES[symbol]} ")
    silenced = {ord(c): " " for c in string.punctuation + "\u00a7" if c not in PAUSES and c not in SOME}
    return text.translate(silenced)


def words(text: str) -> list[str]:
    """What is heard, for comparing: the words, without the pauses (commas, line ends)."""
    return re.findall(r"[^\s,]+", text)


def rows(line: str) -> list[str]:
    """A printed line as the terminal shows it: cut into rows of COLUMNS characters."""
    return [line[i:i + COLUMNS] for i in range(0, max(len(line), 1), COLUMNS)]


# -- Fenrir, reading `ics line`, in a terminal of the test's own -----------------------------------
class Fenrir:
    def __init__(self, tmp_path: Path, command: str, env: dict[str, str]):
        self.transcript = tmp_path / "spoken.txt"
        self.transcript.touch()
        settings = (HERE / "settings.conf").read_text()
        for name, value in {"SPEAK": shlex.quote(str(HERE / "speak.sh")),
                            "TRANSCRIPT": shlex.quote(str(self.transcript)),
                            "DEBUG": str(tmp_path / "fenrir-debug.log"), "SHELL": command}.items():
            settings = settings.replace(f"@{name}@", value)
        (tmp_path / "settings.conf").write_text(settings)
        master, slave = os.openpty()
        ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.master = master
        self.proc = subprocess.Popen([FENRIR, "-s", str(tmp_path / "settings.conf")], stdin=slave, stdout=slave,
                                     stderr=slave, env=env, cwd=tmp_path, start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = bytearray()   # everything the line mode put on the screen (Fenrir passes it through)
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.output.extend(data)

    def screen_since(self, offset: int) -> str:
        with self._lock:
            return self.output[offset:].decode("utf-8", errors="replace")

    def utterances(self) -> list[str]:
        return self.transcript.read_text().splitlines()

    def type(self, text: str) -> None:
        for key in text:
            os.write(self.master, key.encode())
            time.sleep(KEY_PAUSE)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        os.close(self.master)


class Session:
    """One typed line at a time. Each step keeps what the line mode printed after the Enter (the
    answer and the next prompt) and what Fenrir said meanwhile."""

    def __init__(self, fenrir: Fenrir):
        self.fenrir = fenrir
        self.steps: list[dict] = []

    def start(self, until: str = PROMPT) -> dict:
        return self._step("", "", until, fenrir_says=["Start Fenrir"])

    def enter(self, typed: str, until: str = PROMPT, secret: bool = False) -> dict:
        return self._step(typed, ENTER, until, secret=secret)

    def _step(self, typed: str, key: str, until: str, secret: bool = False, fenrir_says=()) -> dict:
        fenrir = self.fenrir
        heard_from = len(fenrir.utterances())
        fenrir.type(typed)
        screen_from = len(fenrir.output)
        fenrir.type(key)
        if not within(20, lambda: fenrir.screen_since(screen_from).endswith(until)):
            raise AssertionError(f"after {typed!r} the screen did not reach {until!r}:\n"
                                 f"{fenrir.screen_since(screen_from)}")
        printed = fenrir.screen_since(screen_from).split("\r\n")
        if key:
            assert printed[0] == "", f"something was printed before the line ended: {printed[0]!r}"
            printed = printed[1:]
        step = {"typed": "(password)" if secret else typed, "printed": printed, "enter": bool(key),
                "echo": "" if secret else typed,   # what Fenrir may read back of the typing
                "want": [w for line in [*fenrir_says, *printed] for row in rows(line) for w in words(as_spoken(row))]}
        # Wait until the step's speech is all in (the test says so if it never is), then a moment
        # more for anything said twice or late.
        within(15, lambda: fenrir_extras(fenrir.utterances()[heard_from:], step) is not None)
        time.sleep(SETTLE)
        step["heard"] = fenrir.utterances()[heard_from:]
        self.steps.append(step)
        return step

    def transcript(self) -> str:
        return "\n".join(self.fenrir.utterances())


def within(seconds: float, predicate) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def fenrir_extras(heard: list[str], step: dict) -> list[str] | None:
    """What Fenrir said before the step's answer that is not the answer: None unless the words
    heard are exactly the answer's, once each and in order, after only what Fenrir may add of its
    own: one "blank" for the Enter, and bits of the echo of what was typed (not of a password)."""
    heard_words = [w for u in heard for w in words(u)]
    typed = as_spoken(step["echo"])
    for split in range(len(heard_words) + 1):
        before, rest = heard_words[:split], heard_words[split:]
        if rest != step["want"]:
            continue
        blanks = [w for w in before if w == BLANK]
        echoes = [w for w in before if w != BLANK]
        if len(blanks) > int(step["enter"]):
            return None
        if not all(w in typed for w in echoes):
            return None
        return before
    return None


def describe(steps: list[dict]) -> str:
    return "\n".join(f"typed {s['typed']!r}\n  printed: {s['printed']}\n  heard:   {s['heard']}" for s in steps)


def test_a_short_session_is_heard_once_and_nothing_else(stack, tmp_path):
    known = f"Alerted{uuid.uuid4().hex[:6]}"
    family = f"Heard{uuid.uuid4().hex[:6]}"
    duty = IcsClient(stack.targets())
    try:   # one alert for duty to hear read out
        duty.login("duty", "demo")
        request = pb.RecordContactRequest(source=pb.CONTACT_SOURCE_POLICE, reason="Police called to the home")
        request.new_person.CopyFrom(pb.Person(given_name="Ada", family_name=known, date_of_birth="2017-06-05",
                                              sex=pb.SEX_FEMALE))
        referral = duty.record_contact(request).referral.name
        wait_for(lambda: any(c.subject == referral for c in duty.my_alerts(include_ended=False)))
    finally:
        duty.close()

    config = tmp_path / "ics.toml"   # as /etc/ics/ics.toml gives a thin client the services' addresses
    config.write_text("".join(f'[{name}]\naddress = "{stack.target(name)}"\n\n'
                              for name in ("identity", "records", "alerts")))
    # Fenrir is the system's Python program: nothing of this virtualenv's Python settings, and
    # English, so that its own words ("blank", "Start Fenrir") are the ones expected here.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ICS_", "PYTHON", "LC_", "LANGUAGE"))}
    env.update(ICS_STATE_DIR=str(tmp_path / "state"), HOME=str(tmp_path), LANG="C.UTF-8")
    fenrir = Fenrir(tmp_path, f"{ICS} line --config {config}", env)
    session = Session(fenrir)
    try:
        steps = [session.start(),
                 session.enter("alerts"),
                 session.enter("login", until="Username: "),
                 session.enter("duty", until="Password: "),
                 session.enter("not-the-password", secret=True),
                 session.enter("login", until="Username: "),
                 session.enter("duty", until="Password: "),
                 session.enter("demo", secret=True),
                 session.enter("alerts"),
                 session.enter("xyz"),
                 # A contact about a new child, with one mistake on the way.
                 session.enter("contact", until=": "),
                 session.enter("Bea", until=": "),
                 session.enter(family, until=": "),
                 session.enter("31/02/2016", until=": "),
                 session.enter("2016-02-28", until=": "),
                 session.enter("1", until=": "),                          # sex: female
                 session.enter(".", until=": "),                          # postcode: none
                 session.enter("", until=": "),                           # received: today
                 session.enter("school", until=": "),
                 session.enter("Bruising seen at school", until=": "),
                 session.enter("", until=": "),                           # details: none
                 session.enter("yes")]
        # quit: the line mode says goodbye and ends, and Fenrir, following it out, says so.
        screen_from, heard_from = len(fenrir.output), len(fenrir.utterances())
        fenrir.type("quit" + ENTER)
        fenrir.proc.wait(20)
        time.sleep(SETTLE)
        printed = fenrir.screen_since(screen_from).split("\r\n")[1:]
        goodbye = {"typed": "quit", "printed": printed, "enter": True, "echo": "quit",
                   "want": [w for line in [*printed, "Quit Fenrir"] for w in words(as_spoken(line))],
                   "heard": fenrir.utterances()[heard_from:]}
        steps.append(goodbye)
    finally:
        fenrir.close()
    transcript = session.transcript()
    print("Heard:\n" + transcript + "\n\nStep by step:\n" + describe(steps))

    # Nothing on the screen that is not plain text, and nothing of the kind said aloud.
    screen = fenrir.output.decode("utf-8", errors="replace")
    assert not NOT_PLAIN.findall(screen), f"escape or box-drawing characters on the screen: {screen!r}"
    assert not NOT_PLAIN.findall(transcript)
    said = set(words(transcript.lower()))
    for noise in ("escape", "bracket", "backslash", "tilde", "star"):   # how Fenrir says [ \\ ~ *
        assert noise not in said, f"{noise!r} was spoken:\n{transcript}"
    # The passwords were never on the screen, so never heard.
    assert "not-the-password" not in screen and "demo" not in said

    # The session went as it should, so the checks below are about the right lines.
    printed = [step["printed"] for step in steps]
    assert printed[1][0] == "You are not logged in. Type login first."
    assert printed[4][0] == "Error: That username and password do not match. Check them and try again."
    assert printed[7][0] == "Logged in as Dana Duty, username duty, Duty and Assessment."
    assert printed[8][0] == "You have 1 alert."
    assert printed[8][1].startswith(f"1. Referral decision due for Ada {known}, born 5 Jun 2017")
    assert printed[9][0] == "Error: I don't know 'xyz'. Type help for the list."
    assert printed[13][0].startswith("Error: '31/02/2016' is not a date")
    # The line mode cuts long lines into the terminal's rows at spaces, so no word is split.
    assert " ".join(printed[21][-3:-1]).startswith(f"Saved. Referral for Bea {family}, born 28 Feb 2016 is "
                                                   "awaiting decision")
    assert all(len(row) < 80 for step in printed for row in step)
    assert printed[22] == ["Goodbye.", ""]

    for step in steps:
        # Each line of an answer is printed once (else the screen reader would say it twice) ...
        lines = [line for line in step["printed"] if line.strip()]
        assert len(lines) == len(set(lines)), f"printed twice after {step['typed']!r}: {step['printed']}"
        # ... and heard once, in order, with nothing else but what Fenrir adds of its own.
        assert fenrir_extras(step["heard"], step) is not None, (
            f"after typing {step['typed']!r} the worker heard:\n  " + "\n  ".join(step["heard"])
            + "\nbut the screen said:\n  " + "\n  ".join(step["printed"]) + "\n\nThe whole session:\n"
            + describe(steps))
