"""Spell checking in the line mode: after a narrative answer is typed, the possible misspellings
are said once in a plain sentence, and the worker keeps the text (Enter) or types it again.
Against the real services on both engines."""

from __future__ import annotations

import pytest

from ics.records.v1 import records_pb2 as pb
from tests.line.test_line_mode import answers, assert_said_once, drive, new_family
from tui.core.spelling import SpellChecker

needs_dictionary = pytest.mark.skipif(
    not SpellChecker().available,
    reason="needs the British English Hunspell dictionary: install the Debian package hunspell-en-gb")


@needs_dictionary
def test_misspellings_are_said_once_and_the_worker_retypes_or_keeps(stack, client_factory, tmp_path):
    family = new_family()
    text = drive(stack, [
        "login", "duty", "demo",
        "contact", "Amara", family, "2016-02-03", "1", ".", "", "school",
        "Teacher recieved a call about her behavior at Brackenthorpe School, s47 ICPC",  # reason
        "Teacher received a call about her behaviour at Brackenthorpe School, s47 ICPC",  # typed again
        "Mum was concerend",   # details
        "",                    # keep it as typed
        "yes", "quit"], tmp_path)
    walk = answers(text)[2]
    said = ("Possible misspellings: recieved (did you mean received?), behavior (did you mean behaviour?). "
            "Press Enter to keep your text, or type it again.")
    reason_prompt = "Field 8 of 9, Reason for contact, required, why they contacted us, in their words:"
    at = walk.index(reason_prompt)
    assert walk[at + 1:at + 4] == [said, "Reason for contact, type it again or press Enter to keep it:",
                                  "Field 9 of 9, Details, optional, anything else the duty worker was told:"]
    details_said = [line for line in walk if line.startswith("Possible misspellings: concerend")]
    assert details_said == ["Possible misspellings: concerend (did you mean concerned?). "
                            "Press Enter to keep your text, or type it again."]
    assert "8. Reason for contact: Teacher received a call about her behaviour at Brackenthorpe School, s47 ICPC." in walk
    assert "9. Details: Mum was concerend." in walk
    assert not any("Spell checking is off" in line for line in walk)
    assert walk[-1].startswith(f"Saved. Referral for Amara {family}")
    assert_said_once(text)

    duty = client_factory("duty")
    mine = [r for r in duty.list_referrals(state=pb.REFERRAL_STATE_AWAITING_DECISION, page_size=500)
            if family in r.person_display_name]
    assert len(mine) == 1 and mine[0].reason.startswith("Teacher received a call about her behaviour")


def test_line_mode_says_once_when_the_dictionary_is_missing(monkeypatch):
    import io

    from tui.core import spelling
    from tui.core.forms import CONTACT_FORM
    from tui.line.console import Console
    from tui.line.walk import ask_field

    monkeypatch.setattr(spelling, "_shared", spelling.SpellChecker(path="/nonexistent/en_GB"))
    reason = next(f for f in CONTACT_FORM if f.key == "reason")
    out = io.StringIO()
    console = Console(io.StringIO("recieved one\nrecieved two\n"), out)
    assert ask_field(console, reason, 8, 9) == "recieved one"
    assert ask_field(console, reason, 8, 9) == "recieved two"
    lines = out.getvalue().splitlines()
    assert lines.count(spelling.OFF_MESSAGE) == 1
    assert not any(line.startswith("Possible misspellings") for line in lines)
