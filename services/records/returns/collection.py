"""The collection year a return covers, and the shared ways a return reads the records.

A collection is named by the year it ends: `--year 2026` is the 2025-26 collection, 1 April 2025
to 31 March 2026, the way the DfE names it (and the validators' rulesets, cin2025_26 and
lac2025_26)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import ColumnElement

from ics.records.v1 import records_pb2 as pb

from services.common.auth import Principal
from services.common.errors import InvalidArgument
from services.records import access
from services.records.models import Document, Person
from services.records.template_library import TemplateLibrary

ANSWERED = 1  # ANSWER_STATUS_ANSWERED: a declined or not-known answer is never reported as a value
SEX_LETTER = {pb.SEX_FEMALE: "F", pb.SEX_MALE: "M"}  # anything else is U, not known
DECLINED = 4  # ANSWER_STATUS_DECLINED

# Whoever runs a return at the server's console: it may produce returns and nothing else.
CONSOLE = Principal(user_name="users/0", username="ics admin (console)", display_name="ics admin (console)",
                    permissions=("returns.export:any",))


@dataclass(frozen=True)
class Collection:
    year: int

    @classmethod
    def of(cls, text: str | int) -> "Collection":
        text = str(text).strip()
        if not (text.isdigit() and len(text) == 4 and 2012 <= int(text) <= 2100):
            raise InvalidArgument(f"Give the year the collection ends on 31 March as four digits, like 2026 for "
                                  f"the 2025-26 collection, not {text!r}.")
        return cls(int(text))

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1}-{str(self.year)[2:]}"

    def by_end(self, day: date | None) -> date | None:
        """A date counts in the return only if it happened by 31 March: a later one is not yet known."""
        return day if day is not None and day <= self.end else None

    def overlaps(self, start: date, end: date | None) -> bool:
        """Was something that ran from `start` to `end` (None: still running) open in the year?"""
        return start <= self.end and (end is None or end >= self.start)


def children_in_returns(principal: Principal) -> ColumnElement[bool]:
    """Which children a return may include. A statutory return counts every child the council
    worked with, restricted and sealed records too (the DfE needs them all, and no one opens a
    record to make it), so the only check is that the caller may produce returns; a record merged
    into another is reported once, under the record it was merged into."""
    access.require(principal, "returns.export", "produce statutory returns")
    return Person.merged_into_id.is_(None)


def statutory_answers(library: TemplateLibrary, document: Document, ret: str) -> dict[str, str]:
    """The answers of `document` that feed return `ret`, by the return's item name, through the
    statutory tags on the template version the document was written with."""
    try:
        template = library.get(document.template_id, document.template_version)
    except KeyError:
        return {}
    return template.statutory_answers(json.loads(document.answers_json), ret)


def templates_feeding(library: TemplateLibrary, ret: str) -> list[str]:
    """Every template, in any version, with a question that feeds return `ret`."""
    return sorted({t.name for t in library.all_versions() for q in t.questions()
                   if any(tag == ret for tag, _item in q.statutory)})


def ddmmyyyy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def parse_day(text: str | None) -> date | None:
    """A date as the records hold it (ISO) or as the SSDA903 writes it (dd/mm/yyyy); None when
    it is not one."""
    text = (text or "").strip()
    try:
        if len(text) == 10 and text[2] == "/" and text[5] == "/":
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def write_private(path: Path, data: bytes) -> None:
    """Returns hold children's details: readable by the one who made them and no one else, from
    the moment the file exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def la_child_id(person: Person) -> str:
    """The child's id in both returns: the council's own child id when one was recorded (or came
    in with a migrated return), otherwise ICS's record number. Letters and digits only, as both
    returns require."""
    return person.council_child_id or f"ICS{person.id}"


def ethnicity_code(person: Person, answered: str = "") -> str:
    """The child's ethnicity as both returns code it: the person record's answer, else one a
    form recorded, else the returns' own codes for declined (REFU) and not yet obtained (NOBT)."""
    recorded = next((c for c in person.characteristics if c.key == "ethnicity"), None)
    if recorded is not None and recorded.status == ANSWERED and recorded.value:
        return recorded.value
    if answered:
        return answered
    return "REFU" if recorded is not None and recorded.status == DECLINED else "NOBT"
