"""A child's record as both front ends show it: fetched in one go, and told as sections of plain
sentences (summary, story, chronology, documents, family, allocation, clocks), so the Textual
screen and the line mode say the same things in the same words. Never imports Textual."""

from __future__ import annotations

from dataclasses import dataclass, field

from ics.alerts.v1 import alerts_pb2 as apb
from ics.records.v1 import records_pb2 as rpb
from tui.core.errors import ServiceError
from tui.core.text import clock_sentence, human_date

SECTIONS = (("summary", "Summary"), ("story", "Case story"), ("chronology", "Chronology"),
            ("documents", "Documents"), ("family", "Family"), ("allocation", "Allocation"),
            ("clocks", "Timescales"))
DOCUMENT_STATES = {rpb.DOCUMENT_STATE_IN_PROGRESS: "in progress", rpb.DOCUMENT_STATE_SUBMITTED: "submitted",
                   rpb.DOCUMENT_STATE_COMPLETED: "completed", rpb.DOCUMENT_STATE_CANCELLED: "cancelled",
                   rpb.DOCUMENT_STATE_POSTPONED: "postponed"}
ACCESS_WORDS = {rpb.ACCESS_LEVEL_RESTRICTED: "This record is restricted: only people granted it can see it.",
                rpb.ACCESS_LEVEL_SEALED: "This record is sealed: only people granted it can see it."}


@dataclass
class ChildRecord:
    person: rpb.Person
    story: rpb.CaseStory = field(default_factory=rpb.CaseStory)
    chronology: list[rpb.ChronologyEntry] = field(default_factory=list)
    documents: list[rpb.Document] = field(default_factory=list)
    allocations: list[rpb.Allocation] = field(default_factory=list)
    relationships: list[rpb.Relationship] = field(default_factory=list)
    clocks: list[apb.Clock] = field(default_factory=list)
    # Parts that could not be fetched, with why ("Timescales: alerts is not answering").
    missing: list[str] = field(default_factory=list)


def load(client, name: str) -> ChildRecord:
    """The child (NOT_FOUND raises: not known to you), then each part; a part that fails is
    said, not fatal, so a slow alerts service never hides the chronology."""
    record = ChildRecord(client.get_person(name))
    parts = (
        ("story", "Case story", lambda: client.case_story(name)),
        ("chronology", "Chronology", lambda: list(client.chronology(name).entries)),
        ("documents", "Documents", lambda: client.documents_of(name)),
        ("allocations", "Allocation", lambda: client.allocations_of(name)),
        ("relationships", "Family", lambda: client.relationships_of(name)),
        ("clocks", "Timescales", lambda: client.person_clocks(name)),
    )
    for attribute, label, fetch in parts:
        try:
            setattr(record, attribute, fetch())
        except ServiceError as exc:
            record.missing.append(f"{label}: {exc.message}")
    return record


def split_query(text: str) -> tuple[str, str]:
    """What a worker typed to find a child, as (name words, date of birth): a word written
    YYYY-MM-DD is the date of birth, the rest the name."""
    words = text.split()
    dob = next((w for w in words if len(w) == 10 and w[4] == "-" and w[7] == "-"), "")
    return " ".join(w for w in words if w != dob), dob


def person_sentence(person: rpb.Person) -> str:
    where = f", {person.postcode}" if person.postcode else ""
    return f"{person.display_name}{where} ({person.name})"


def match_sentence(match: rpb.PersonMatch) -> str:
    """A search result: the child, then their family, so two children of one name are told apart."""
    family = f". {'; '.join(match.family)}." if match.family else ""
    return person_sentence(match.person) + family


def document_sentence(document: rpb.Document) -> str:
    return (f"{document.title}, {DOCUMENT_STATES.get(document.state, 'unknown')}, started "
            f"{human_date(document.start_date)} by {document.author.display_name} ({document.name})")


def section_lines(record: ChildRecord, section: str) -> list[str]:
    """One section as sentences; never empty (an empty part says so)."""
    person = record.person
    if section == "summary":
        lines = [person_sentence(person)]
        if person.access_level in ACCESS_WORDS:
            lines.append(ACCESS_WORDS[person.access_level])
        if person.school:
            lines.append(f"School: {person.school}.")
        for label, part in (("Pen picture", record.story.pen_picture),
                            ("Key case summary", record.story.key_case_summary)):
            lines.append(f"{label}, {part.said_where}: {part.value}" if part.value else f"{label}: not recorded yet.")
        current = next((a for a in record.allocations if not a.end_date), None)
        lines.append(f"Allocated to {current.worker_display_name} since {human_date(current.start_date)}."
                     if current else "Not allocated to a worker.")
        open_clocks = [c for c in record.clocks if c.state == apb.CLOCK_STATE_OPEN]
        overdue = sum(c.overdue for c in open_clocks)
        lines.append(f"{len(open_clocks)} open timescale{'s' if len(open_clocks) != 1 else ''}"
                     + (f", {overdue} overdue." if overdue else "."))
        live = [d for d in record.documents if d.state in (rpb.DOCUMENT_STATE_IN_PROGRESS,
                                                           rpb.DOCUMENT_STATE_SUBMITTED)]
        lines.append(f"{len(record.documents)} document{'s' if len(record.documents) != 1 else ''}, "
                     f"{len(live)} still being written.")
        lines.extend(f"Not shown: {why}" for why in record.missing)
        return lines
    if section == "story":
        paragraphs = [p.strip() for p in record.story.text.split("\n\n") if p.strip()]
        return paragraphs or ["No case story yet."]
    if section == "chronology":
        return [f"{human_date(e.date)}: {e.title}" + (f". {e.detail}" if e.detail else "")
                + (f" (recorded by {e.recorded_by}" + (f", entered by {e.entered_by}" if e.entered_by else "") + ")"
                   if e.curated else "")
                for e in reversed(record.chronology)] or ["Nothing in the chronology yet."]
    if section == "documents":
        return [document_sentence(d) for d in record.documents] or ["No documents yet."]
    if section == "family":
        lines = []
        for r in record.relationships:
            living = ", lives with the child" if r.lives_with_child else ""
            ended = f", ended {human_date(r.end_date)}" if r.end_date else ""
            lines.append(f"{r.label}: {r.other_display_name}{living}{ended}.")
        return lines or ["No family or other relationships recorded."]
    if section == "allocation":
        return [f"{a.worker_display_name}, from {human_date(a.start_date)}"
                + (f" to {human_date(a.end_date)}" if a.end_date else ", now")
                + (f". Reason: {a.reason}" if a.reason else "")
                + (f". Allocated by {a.allocated_by.display_name}." if a.allocated_by.display_name else ".")
                for a in record.allocations] or ["Never allocated to a worker."]
    if section == "clocks":
        return [clock_sentence(c) for c in record.clocks] or ["No timescales running for this child."]
    raise ValueError(section)
