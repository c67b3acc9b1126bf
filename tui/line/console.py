"""Plain input and output for the line mode: one line in, whole lines out.

Nothing here writes an escape sequence. Text that came from the services (names, reasons) is
passed through `plain()` so a stray control or box-drawing character typed by someone elsewhere
cannot reach the worker's screen reader either. readline is deliberately not used: recent GNU
readline switches on bracketed paste with an escape sequence, and the terminal's own line editing
is enough for answering one question at a time.
"""

from __future__ import annotations

import getpass
import os
import re
import textwrap
from typing import Protocol, TextIO

# C0 and C1 controls (tab and newline are handled by the caller), DEL, and box/block drawing.
_NOT_PLAIN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2500-\u259f]")


class EndOfInput(Exception):
    """The worker closed the input (Ctrl-D, or the end of piped input)."""


def plain(text: str) -> str:
    return _NOT_PLAIN.sub(" ", str(text)).replace("\t", " ")


class Guard(Protocol):
    """Around every question (the idle lock, tui/line/lock.py)."""

    def before_prompt(self) -> None: ...

    def after_answer(self) -> bool: ...  # False: do not use the answer; ask again


class Console:
    def __init__(self, stdin: TextIO, stdout: TextIO):
        self.stdin = stdin
        self.stdout = stdout
        self.guard: Guard | None = None
        try:
            self.interactive = bool(stdin.isatty())
        except (AttributeError, ValueError):
            self.interactive = False

    def width(self) -> int:
        """The terminal's width, or 0 when output is not a terminal (a file, a pipe): then lines
        are left whole for whatever reads them."""
        try:
            return os.get_terminal_size(self.stdout.fileno()).columns if self.stdout.isatty() else 0
        except (AttributeError, ValueError, OSError):
            return 0

    def _rows(self, text: str) -> list[str]:
        """A line cut into the terminal's rows at spaces. A screen reader speaks each row and
        pauses at its end; the terminal's own wrapping would cut words in half ("deci, sion")."""
        width = self.width()
        line = plain(text).rstrip()
        if width < 20 or len(line) < width:
            return [line]
        return textwrap.wrap(line, width - 1, break_long_words=False, break_on_hyphens=False) or [""]

    def say(self, text: str = "") -> None:
        """Prints one or more whole lines."""
        for line in str(text).split("\n"):
            for row in self._rows(line):
                self.stdout.write(row + "\n")
        self.stdout.flush()

    def error(self, message: str) -> None:
        self.say(f"Error: {message}")

    def ask(self, prompt: str) -> str:
        """Prints the prompt and returns the answer without its line ending; EndOfInput at the end.
        The guard may ask for a password first, and after an answer, before asking again."""
        return self._guarded(self.read_line, prompt)

    def ask_secret(self, prompt: str) -> str:
        return self._guarded(self.read_secret, prompt)

    def _guarded(self, read, prompt: str) -> str:
        while True:
            if self.guard is not None:
                self.guard.before_prompt()
            answer = read(prompt)
            if self.guard is None or self.guard.after_answer():
                return answer

    def read_line(self, prompt: str) -> str:
        """`ask` without the guard (the guard's own questions).

        In a terminal the worker's Enter moves to the next line; when input is piped nothing
        echoes, so the prompt line is ended here and every answer still starts on its own line."""
        *before, last = self._rows(prompt)
        self.stdout.write("".join(row + "\n" for row in before) + last + " ")
        self.stdout.flush()
        line = self.stdin.readline()
        if not self.interactive:
            self.stdout.write("\n")
            self.stdout.flush()
        if not line:
            if self.interactive:
                self.stdout.write("\n")
                self.stdout.flush()
            raise EndOfInput()
        return line.rstrip("\r\n")

    def read_secret(self, prompt: str) -> str:
        """No echo when a person is typing at a terminal; otherwise an ordinary line. Unguarded."""
        if self.interactive:
            try:
                return getpass.getpass(prompt.rstrip() + " ", stream=self.stdout)
            except EOFError:
                self.stdout.write("\n")
                raise EndOfInput() from None
        return self.read_line(prompt)
