"""Plain input and output for the line mode: one line in, whole lines out.

Nothing here writes an escape sequence. Text that came from the services (names, reasons) is
passed through `plain()` so a stray control or box-drawing character typed by someone elsewhere
cannot reach the worker's screen reader either. readline is deliberately not used: recent GNU
readline switches on bracketed paste with an escape sequence, and the terminal's own line editing
is enough for answering one question at a time.
"""

from __future__ import annotations

import getpass
import re
from typing import TextIO

# C0 and C1 controls (tab and newline are handled by the caller), DEL, and box/block drawing.
_NOT_PLAIN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2500-\u259f]")


class EndOfInput(Exception):
    """The worker closed the input (Ctrl-D, or the end of piped input)."""


def plain(text: str) -> str:
    return _NOT_PLAIN.sub(" ", str(text)).replace("\t", " ")


class Console:
    def __init__(self, stdin: TextIO, stdout: TextIO):
        self.stdin = stdin
        self.stdout = stdout
        try:
            self.interactive = bool(stdin.isatty())
        except (AttributeError, ValueError):
            self.interactive = False

    def say(self, text: str = "") -> None:
        """Prints one or more whole lines."""
        for line in str(text).split("\n"):
            self.stdout.write(plain(line).rstrip() + "\n")
        self.stdout.flush()

    def error(self, message: str) -> None:
        self.say(f"Error: {message}")

    def ask(self, prompt: str) -> str:
        """Prints the prompt and returns the answer without its line ending; EndOfInput at the end.

        In a terminal the worker's Enter moves to the next line; when input is piped nothing
        echoes, so the prompt line is ended here and every answer still starts on its own line."""
        self.stdout.write(plain(prompt).rstrip() + " ")
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

    def ask_secret(self, prompt: str) -> str:
        """No echo when a person is typing at a terminal; otherwise an ordinary line."""
        if self.interactive:
            try:
                return getpass.getpass(prompt.rstrip() + " ", stream=self.stdout)
            except EOFError:
                self.stdout.write("\n")
                raise EndOfInput() from None
        return self.ask(prompt)
