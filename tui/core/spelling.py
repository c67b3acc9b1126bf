"""Spell checking of narrative text against the British English Hunspell dictionary, offline.

The dictionary is Debian's `hunspell-en-gb` (/usr/share/hunspell/en_GB.dic and .aff), read by
spylls, a pure-Python port of Hunspell, so nothing is compiled and nothing leaves the computer.
Loading takes about a second, so it happens once, lazily, on first use (or in the background
with `warm_up()`); every word looked up and every suggestion made is cached after that.

What is never called a misspelling: words with a digit in them (numbers, "s47", NHS numbers,
postcodes, record numbers), words in capitals ("ICPC", "LAC"), capitalised words in the middle
of a sentence (the names of people, places, schools and agencies), the names of people given in
the form, web and e-mail addresses, and the social-work terms in `ICS_WORDS`.

When the dictionary is not installed the checker is off: `check()` returns nothing and
`off_message()` says why, in words a worker can pass on to IT. It never raises.
Both front ends use it, so it must not import Textual or Rich.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DEBIAN_PACKAGE = "hunspell-en-gb"
OFF_MESSAGE = ("Spell checking is off: the British English dictionary "
               f"(Debian package {DEBIAN_PACKAGE}) is not installed.")
NO_LIBRARY_MESSAGE = ("Spell checking is off: the spylls library that reads the British English "
                      "dictionary is not installed.")
BROKEN_MESSAGE = "Spell checking is off: the British English dictionary could not be read"

# Where distributions put the en_GB Hunspell files (without the .dic / .aff ending).
# ICS_DICTIONARY=/path/to/en_GB points somewhere else.
SEARCH_PATHS = (
    "/usr/share/hunspell/en_GB",
    "/usr/share/myspell/en_GB",
    "/usr/share/myspell/dicts/en_GB",
    "/usr/local/share/hunspell/en_GB",
)

# Social-work words a general dictionary does not know (see the glossary), always right.
# Codes with a digit ("s47", "s17", "SSDA903") and all-capital abbreviations are skipped anyway;
# they are listed too so a lower-case "lac review" or "cin plan" is not called wrong.
ICS_WORDS = frozenset(word.lower() for word in """
    s17 s20 s31 s47 ICPC RCPC LAC CLA IRO PIR CIN CP CPP CSSR IA CA APR SGO UASC SSDA903 SAR
    MASH LADO PLO EHCP EHCP's SENCO CAMHS GP GPs DSL ICS Ofsted CAFCASS Cafcass ISW
    safeguarding multi-agency multiagency chronology chronologies genogram genograms ecomap ecomaps
    kinship careleaver careleavers signposting signposted signpost pre-birth prebirth
    neglectful co-sleeping cosleeping dysregulated dysregulation deescalate de-escalate
    """.split())

WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*(?:-[^\W_]+(?:['\u2019][^\W_]+)*)*")
SKIP = re.compile(r"\S+@\S+|\b(?:https?://|www\.)\S+")
SENTENCE_END = re.compile(r"[.!?:;\n]\s*[\"'\u2018\u201c(\[]*\s*$|^\s*[\"'\u2018\u201c(\[]*\s*$")
MAX_SUGGESTIONS = 3
SUGGEST_LIMIT = 12   # misspellings given suggestions in one check; the rest are still listed


@dataclass(frozen=True)
class Misspelling:
    word: str
    start: int           # offset in the text checked; text[start:end] == word
    end: int
    suggestions: tuple[str, ...] = ()

    @property
    def best(self) -> str:
        return self.suggestions[0] if self.suggestions else ""


class SpellChecker:
    """One British English checker. Thread-safe: the Textual front end checks in a worker."""

    def __init__(self, path: str | os.PathLike | None = None, extra_words: Iterable[str] = ICS_WORDS):
        self.path = str(path) if path is not None else None
        self.extra = frozenset(w.lower() for w in extra_words)
        self._lock = threading.RLock()
        self._loaded = False
        self._dictionary = None
        self._problem = ""
        self._told = False
        self._known: dict[str, bool] = {}
        self._suggested: dict[str, tuple[str, ...]] = {}

    # -- loading -----------------------------------------------------------------------------
    def _find(self) -> str | None:
        candidates = [self.path] if self.path else [os.environ.get("ICS_DICTIONARY", ""), *SEARCH_PATHS]
        for base in candidates:
            if base and Path(base + ".dic").is_file() and Path(base + ".aff").is_file():
                return base
        return None

    def load(self) -> bool:
        """Reads the dictionary the first time; True if spell checking is on."""
        if self._loaded:
            return self._dictionary is not None
        with self._lock:
            if self._loaded:
                return self._dictionary is not None
            base = self._find()
            if base is None:
                self._problem = OFF_MESSAGE
            else:
                try:
                    from spylls.hunspell import Dictionary
                except ImportError:
                    self._problem = NO_LIBRARY_MESSAGE
                else:
                    try:
                        self._dictionary = Dictionary.from_files(base)
                    except Exception as exc:  # a damaged file must not take the form down
                        self._problem = f"{BROKEN_MESSAGE} ({exc.__class__.__name__}: {exc})."
            self._loaded = True
            return self._dictionary is not None

    def warm_up(self) -> None:
        """Loads the dictionary in a background thread, so the first check does not wait."""
        if not self._loaded:
            threading.Thread(target=self.load, name="ics-spelling-load", daemon=True).start()

    @property
    def available(self) -> bool:
        return self.load()

    @property
    def problem(self) -> str:
        """Why spell checking is off ("" when it is on)."""
        self.load()
        return self._problem

    def off_message(self) -> str:
        """Why spell checking is off, the first time it is asked; "" afterwards or when it is on."""
        self.load()
        with self._lock:
            if not self._problem or self._told:
                return ""
            self._told = True
            return self._problem

    # -- words -------------------------------------------------------------------------------
    def known(self, word: str) -> bool:
        """Is this one word (no spaces) spelt right? True when checking is off."""
        word = word.replace("\u2019", "'")
        if word.lower() in self.extra or not self.load():
            return True
        found = self._known.get(word)
        if found is None:
            with self._lock:
                found = bool(self._dictionary.lookup(word))
                if not found and "-" in word:   # "multi-agency" may be in as a whole, else its parts
                    found = all(part and self.known(part) for part in word.split("-"))
            self._known[word] = found
        return found

    def suggest(self, word: str, limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
        """A few corrections, best first (may be empty)."""
        word = word.replace("\u2019", "'")
        if not self.load():
            return ()
        found = self._suggested.get(word)
        if found is None:
            found = []
            with self._lock:
                try:
                    for suggestion in self._dictionary.suggest(word):
                        if suggestion not in found and suggestion != word:
                            found.append(suggestion)
                        if len(found) >= MAX_SUGGESTIONS:
                            break
                except Exception:   # a corner of the port; no suggestion is better than a crash
                    pass
            found = tuple(found)
            self._suggested[word] = found
        return found[:limit]

    # -- text --------------------------------------------------------------------------------
    def check(self, text: str, ignore: Iterable[str] = (), suggest: bool = True) -> list[Misspelling]:
        """The words in `text` that may be misspelt, in order, with their positions.
        `ignore`: names of people in the form (any case; several words each are fine)."""
        if not text or not self.load():
            return []
        ignored = {part.lower() for name in ignore for part in WORD.findall(name or "")}
        skipped = [m.span() for m in SKIP.finditer(text)]
        found: list[Misspelling] = []
        for match in WORD.finditer(text):
            word, start, end = match.group(), match.start(), match.end()
            if any(a <= start < b for a, b in skipped) or self._ignored(word, text, start, ignored):
                continue
            if self.known(word):
                continue
            if "-" in word:   # report only the parts that are wrong
                offset = start
                for part in word.split("-"):
                    if part and not self._ignored(part, text, offset, ignored) and not self.known(part):
                        found.append(Misspelling(part, offset, offset + len(part)))
                    offset += len(part) + 1
            else:
                found.append(Misspelling(word, start, end))
        if suggest:
            found = [Misspelling(m.word, m.start, m.end, self.suggest(m.word)) if n < SUGGEST_LIMIT else m
                     for n, m in enumerate(found)]
        return found

    def _ignored(self, word: str, text: str, start: int, ignored: set[str]) -> bool:
        plain = word.replace("\u2019", "'")
        lower = plain.lower()
        if lower in ignored or lower in self.extra:
            return True
        if lower.endswith("'s") and (lower[:-2] in ignored or lower[:-2] in self.extra):
            return True   # "Amara's"
        if any(c.isdigit() for c in word):
            return True   # numbers, s47, NHS numbers, postcodes, record numbers
        letters = [c for c in word if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            return True   # ICPC, LAC, NSPCC
        if word[0].isupper() and not starts_sentence(text, start):
            return True   # a proper noun mid-sentence: a person, a school, a place
        return False


def starts_sentence(text: str, start: int) -> bool:
    """Does the word at `start` begin a sentence (or a line)?"""
    return bool(SENTENCE_END.search(text[max(0, start - 6):start])) if start else True


def suggestion_list(misspellings: list[Misspelling], ask: str = "{}?", limit: int = 5) -> str:
    """'recieved (received?), behavior (behaviour?)'; each word once, at most `limit` of them."""
    seen: list[Misspelling] = []
    for m in misspellings:
        if m.word not in (s.word for s in seen):
            seen.append(m)
    parts = [f"{m.word} ({ask.format(m.best)})" if m.best else m.word for m in seen[:limit]]
    more = len(seen) - limit
    text = ", ".join(parts)
    if more > 0:
        text += f" and {more} more"
    return text


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The span of the word the cursor is in or just after ("recieved|" or "recieved |")."""
    for match in WORD.finditer(text):
        if match.start() <= offset <= match.end():
            return match.span()
        if match.start() > offset:
            break
    back = offset
    while back > 0 and text[back - 1] in " ,.;:!?)\"'":
        back -= 1
        if offset - back > 2:
            break
    if back != offset:
        for match in WORD.finditer(text):
            if match.end() == back:
                return match.span()
    return None


_shared: SpellChecker | None = None
_shared_lock = threading.Lock()


def checker() -> SpellChecker:
    """The one checker both front ends share (the dictionary is loaded once per process)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SpellChecker()
        return _shared
