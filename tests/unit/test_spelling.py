"""The British English spell checker both front ends share (tui/core/spelling.py), against
Debian's real Hunspell en_GB dictionary, read offline by spylls."""

from __future__ import annotations

import time

import pytest

from tui.core import spelling
from tui.core.spelling import OFF_MESSAGE, SpellChecker, suggestion_list, word_at

needs_dictionary = pytest.mark.skipif(
    not SpellChecker().available,
    reason="needs the British English Hunspell dictionary: install the Debian package hunspell-en-gb")


@pytest.fixture(scope="module")
def checker() -> SpellChecker:
    return spelling.checker()


def words(found) -> list[str]:
    return [m.word for m in found]


@needs_dictionary
def test_british_spellings_are_right_and_american_ones_wrong(checker):
    for word in ("behaviour", "organise", "colour", "paediatrician", "safeguarding", "centre", "Behaviour"):
        assert checker.known(word), word
    for word in ("behavior", "color", "pediatrician", "center"):
        assert not checker.known(word), word
    found = checker.check("Her behavior and the color of the bruise worried the center.")
    assert words(found) == ["behavior", "color", "center"]
    assert found[0].suggestions[0] == "behaviour" and found[1].suggestions[0] == "colour"


@needs_dictionary
def test_misspellings_come_with_positions_and_a_few_suggestions(checker):
    text = "Teacher recieved a call and was concerend."
    found = checker.check(text)
    assert words(found) == ["recieved", "concerend"]
    for m in found:
        assert text[m.start:m.end] == m.word
        assert 1 <= len(m.suggestions) <= 3
    assert found[0].best == "received" and "concerned" in found[1].suggestions
    assert suggestion_list(found) == f"recieved (received?), concerend ({found[1].best}?)"
    assert suggestion_list(found, ask="did you mean {}?").startswith("recieved (did you mean received?)")


@needs_dictionary
def test_names_codes_numbers_and_proper_nouns_are_not_misspellings(checker):
    text = ("Zorblax told the school. Mum said Qwertina and Mr Fenwaddle from Brackenthorpe Academy "
            "attended the ICPC after the s47 enquiry; LAC review and RCPC booked, IRO informed, "
            "PIR sent, CIN plan and CP plan ended, section 20 agreed under s20. NHS number 943 476 5919, "
            "postcode ZZ9 9ZZ, record people/1234, ref AB12345C, on 12/03/2024 at 10:30. "
            "Zorblax's bag. See duty@example.org or www.example.org/page. Multi-agency meeting; "
            "lac review, cin plan, icpc.")
    assert checker.check(text, ignore=["Zorblax Smith"]) == []
    # Without the name from the form, a made-up name at the start of a sentence is checked.
    assert words(checker.check("Zorblax told the school.")) == ["Zorblax"]
    # A capitalised misspelling at the start of a sentence is still caught.
    assert words(checker.check("He was fine. Recieved a call.")) == ["Recieved"]


@needs_dictionary
def test_hyphenated_words_report_only_the_wrong_part(checker):
    text = "A well-known famly-support worker."
    found = checker.check(text)
    assert words(found) == ["famly"]
    assert text[found[0].start:found[0].end] == "famly"


@needs_dictionary
def test_fast_enough_for_every_pause_in_typing(checker):
    text = "The child recieved a visit at home and her behaviour was calm. " * 40
    checker.check(text)
    started = time.perf_counter()
    for _ in range(5):
        checker.check(text + " more")
    assert (time.perf_counter() - started) / 5 < 0.1


def test_word_at_finds_the_word_under_or_just_before_the_cursor():
    text = "a recieved b"
    assert word_at(text, 5) == (2, 10)
    assert word_at(text, 10) == (2, 10)
    assert word_at("a recieved. ", 12) == (2, 10)
    assert word_at("", 0) is None


def test_missing_dictionary_turns_checking_off_with_one_plain_message(tmp_path, monkeypatch):
    monkeypatch.setattr(spelling, "SEARCH_PATHS", (str(tmp_path / "en_GB"),))
    monkeypatch.delenv("ICS_DICTIONARY", raising=False)
    off = SpellChecker()
    assert off.check("recieved behavior") == []
    assert off.known("recieved") and off.suggest("recieved") == ()
    assert not off.available
    assert off.off_message() == OFF_MESSAGE
    assert "hunspell-en-gb" in OFF_MESSAGE and "Spell checking is off" in OFF_MESSAGE
    assert off.off_message() == ""  # said once
    assert SpellChecker(path=tmp_path / "nowhere").problem == OFF_MESSAGE


def test_a_damaged_dictionary_is_off_not_a_crash(tmp_path):
    (tmp_path / "en_GB.dic").write_text("not a count\n\x00\x01", encoding="latin-1")
    (tmp_path / "en_GB.aff").write_text("SFX X Y nonsense\n", encoding="utf-8")
    (tmp_path / "en_GB.aff").write_bytes(b"\xff\xfe SET nonsense\nPFX")
    broken = SpellChecker(path=tmp_path / "en_GB")
    assert isinstance(broken.check("recieved behavior"), list)  # whatever spylls makes of it
    if not broken.available:
        assert broken.problem.startswith("Spell checking is off")


@needs_dictionary
def test_on_when_the_dictionary_is_there(checker):
    assert checker.available and checker.problem == "" and checker.off_message() == ""
