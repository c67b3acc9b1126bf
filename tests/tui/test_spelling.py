"""Spell checking in the Textual contact form, driven by keys through Pilot against the real
services: a misspelt reason is listed in words under the field after a pause in typing, F8
puts the first suggestion in its place, and the fixed text reaches the draft."""

from __future__ import annotations

import uuid

import pytest
from textual.widgets import Static, TextArea

from tests.tui.test_app_pilot import (SIZE, log_in_and_open_contact_form, screen_text, tab_to, type_text,
                                      wait_until)
from tui.app.app import IcsApp
from tui.app.screens.fields import FieldBlock
from tui.core import spelling
from tui.core.spelling import SpellChecker

needs_dictionary = pytest.mark.skipif(
    not SpellChecker().available,
    reason="needs the British English Hunspell dictionary: install the Debian package hunspell-en-gb")


def spelling_line(form, key: str = "reason") -> str:
    line = form.query_one(f"#spelling-{key}", Static)
    return str(line.render()) if line.display else ""


@needs_dictionary
async def test_misspelt_reason_is_listed_under_the_field_and_fixed_with_f8(stack, duty):
    given = f"Qwertina{uuid.uuid4().hex[:4]}"   # a name no dictionary knows
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in_and_open_contact_form(pilot)
        form = app.screen
        await tab_to(pilot, "in-given_name")
        await type_text(pilot, given)
        await tab_to(pilot, "in-reason")
        # The name from the form starts the sentence; Brackenthorpe is mid-sentence; s47 is a code.
        await type_text(pilot, f"{given} told Brackenthorpe School staff she recieved a s47 letter about her behavior")
        # Typing was never held up: every key is in the field at once.
        area = form.query_one("#in-reason", TextArea)
        assert area.text.endswith("about her behavior")

        expected = "Check spelling: recieved (received?), behavior (behaviour?)."
        await wait_until(pilot, lambda: expected in spelling_line(form), timeout=15, what="the spelling line")
        assert expected in screen_text(app)  # in words, on screen, under the field
        assert form.query_one("#field-reason", FieldBlock).has_class("-misspelt")
        # F8 is in the footer while there is something to fix.
        await wait_until(pilot, lambda: "f8 Fix spelling" in screen_text(app), what="F8 in the footer")

        await pilot.press("f8")  # the cursor is just after "behavior"
        assert area.text.endswith("about her behaviour")
        await wait_until(pilot, lambda: spelling_line(form) == "Check spelling: recieved (received?). "
                                                              "F8 fixes the word at the cursor.",
                         what="behavior gone from the list")

        # Onto the start of "recieved", a word at a time (ctrl+left) from the end of the text.
        for _ in range(7):
            await pilot.press("ctrl+left")
        await pilot.press("f8")
        assert area.text == f"{given} told Brackenthorpe School staff she received a s47 letter about her behaviour"
        await wait_until(pilot, lambda: spelling_line(form) == "", what="the spelling line cleared")
        assert "Check spelling" not in screen_text(app)
        await wait_until(pilot, lambda: form.keeper.fields["reason"] == area.text, what="the fix in the draft")

        await pilot.press("f8")  # nothing left to fix: the key does nothing and says nothing wrong
        assert area.text.endswith("about her behaviour")


async def test_without_the_dictionary_the_form_works_and_says_so_once(stack, duty, monkeypatch):
    monkeypatch.setattr(spelling, "_shared", SpellChecker(path="/nonexistent/en_GB"))
    app = IcsApp(stack.targets())
    async with app.run_test(size=SIZE) as pilot:
        await log_in_and_open_contact_form(pilot)
        form = app.screen
        said: list[str] = []
        status = form.query_one("#status")
        original = status.note
        monkeypatch.setattr(status, "note", lambda text: (said.append(text), original(text)))
        await tab_to(pilot, "in-reason")
        await type_text(pilot, "Teacher recieved a call")
        await tab_to(pilot, "in-details")
        await type_text(pilot, "Mum was concerend")
        await wait_until(pilot, lambda: spelling.OFF_MESSAGE in said, what="the off message")
        await pilot.pause(1.0)
        assert said.count(spelling.OFF_MESSAGE) == 1   # once, not for every field or pause
        assert spelling_line(form) == "" and spelling_line(form, "details") == ""
        assert form.query_one("#in-details", TextArea).text == "Mum was concerend"
