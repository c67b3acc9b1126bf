"""Asking for one form field at a time, the same way for every form.

    Choices for Sex:
    1. female
    2. male
    ...
    Field 4 of 9, Sex, required, type a number from 1 to 4:

Enter keeps the answer that is already there (blank for a new form); a full stop clears it.
Answers are stored as the worker would read them (a choice's label, not its number), so a draft
reads the same in either front end.

A narrative answer is checked against the British English dictionary once it is typed:

    Possible misspellings: recieved (did you mean received?). Press Enter to keep your text, or type it again.
    Reason for contact, type it again or press Enter to keep it:
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tui.core import spelling
from tui.core.forms import Field, choice_label, choice_value
from tui.line.console import Console

CLEAR = "."


def is_date_field(field: Field) -> bool:
    return field.help.startswith("YYYY-MM-DD")


def field_prompt(field: Field, number: int, total: int, current: str = "") -> str:
    parts = [f"Field {number} of {total}", field.label, "required" if field.required else "optional"]
    if is_date_field(field):
        parts.append("format YYYY-MM-DD")
        rest = field.help[len("YYYY-MM-DD"):].lstrip(";, ")
        if rest:
            parts.append(rest)
    elif field.choices:
        parts.append(f"type a number from 1 to {len(field.choices)}")
    elif field.help:
        parts.append(field.help)
    if current:
        parts.append(f"now {current}, press Enter to keep it")
    return ", ".join(parts) + ":"


def check_date(text: str) -> str:
    """An error sentence, or "" when the text is a date written as YYYY-MM-DD."""
    try:
        if len(text) == 10:
            date.fromisoformat(text)
            return ""
    except ValueError:
        pass
    return f"'{text}' is not a date; write it as YYYY-MM-DD, for example 2019-03-04."


def spelling_sentence(found: list[spelling.Misspelling]) -> str:
    return (f"Possible misspellings: {spelling.suggestion_list(found, ask='did you mean {}?')}. "
            "Press Enter to keep your text, or type it again.")


def check_spelling(console: Console, field: Field, typed: str, names: Iterable[str] = ()) -> str:
    """Says once which words may be misspelt; the worker keeps the text (Enter) or types it
    again, and the new text is checked in turn. Returns the text to keep."""
    checker = spelling.checker()
    names = list(names)
    while True:
        off = checker.off_message()   # once per run of the line mode, then silence
        if off:
            console.say(off)
        found = checker.check(typed, ignore=names)
        if not found:
            return typed
        console.say(spelling_sentence(found))
        again = console.ask(f"{field.label}, type it again or press Enter to keep it:").strip()
        if not again or again == typed:
            return typed
        if again == CLEAR:
            return ""
        typed = again


def ask_field(console: Console, field: Field, number: int, total: int, current: str = "",
              names: Iterable[str] = ()) -> str:
    """The answer to store: the current one kept on Enter, "" after a full stop.
    `names`: people named elsewhere in the form, never called misspellings."""
    if field.multiline:
        spelling.checker().warm_up()   # the dictionary loads while the answer is typed
    if field.choices:
        console.say(f"Choices for {field.label}:")
        for i, (label, _value) in enumerate(field.choices, 1):
            console.say(f"{i}. {label}")
    while True:
        typed = console.ask(field_prompt(field, number, total, current)).strip()
        if not typed:
            return current
        if typed == CLEAR:
            return ""
        if field.choices:
            value = choice_value(field, typed)
            if value <= 0:
                console.error(f"'{typed}' is not one of the choices; type a number from 1 to {len(field.choices)}.")
                continue
            return choice_label(field, value)
        if is_date_field(field):
            problem = check_date(typed)
            if problem:
                console.error(problem)
                continue
        if field.multiline:
            return check_spelling(console, field, typed, names)
        return typed


def shown(value: str) -> str:
    return value if value else "not given"
