"""A worker's caseload and unfinished work, as both front ends show them on My work: the children
allocated to them, and their drafts (records being written or waiting for approval, and a
contact they began). Also the team leader's list of cases waiting for a worker. Plain sentences;
never imports Textual."""

from __future__ import annotations

from dataclasses import dataclass

from ics.records.v1 import records_pb2 as rpb
from tui.core.text import human_date

CONTACT_DRAFT = "contact"


@dataclass(frozen=True)
class DraftRow:
    key: str           # "documents/N", or "drafts/N" for a contact being recorded
    sentence: str
    document: str = ""  # set when the draft is a document to open in the editor


def caseload_sentence(entry: rpb.CaseloadEntry, own: bool = True) -> str:
    """One child of a caseload; `own` when it is the reader's caseload ("yours since")."""
    person = entry.person
    parts = [f"{person.display_name} ({person.name})"]
    if entry.allocation.name:
        since = human_date(entry.allocation.start_date)
        parts.append(f"yours since {since}" if own else
                     f"allocated to {entry.allocation.worker_display_name} since {since}")
    if entry.episode_opened_date:
        parts.append(f"open since {human_date(entry.episode_opened_date)}")
    if entry.open_documents:
        parts.append(f"{entry.open_documents} record{'s' if entry.open_documents != 1 else ''} being written")
    return ", ".join(parts) + "."


def waiting_sentence(entry: rpb.CaseloadEntry) -> str:
    """A case waiting for a worker, as a team leader reads it."""
    opened = f", open since {human_date(entry.episode_opened_date)}" if entry.episode_opened_date else ""
    return f"{entry.person.display_name} ({entry.person.name}){opened}, nobody allocated."


def document_draft_sentence(document: rpb.Document) -> str:
    child = document.person_display_name or document.person
    if document.state == rpb.DOCUMENT_STATE_SUBMITTED:
        where = "submitted, waiting for your team leader"
    elif document.return_comments:
        where = f"returned by your team leader: {document.return_comments}"
    else:
        where = "being written"
    return f"{document.title} for {child}, started {human_date(document.start_date)}, {where} ({document.name})."


def draft_rows(documents: list[rpb.Document], contacts: list[rpb.Draft]) -> list[DraftRow]:
    """Returned work first (it needs the worker), then what they are writing, then what waits
    for approval; a contact being recorded first of all, as it is about a child not yet known."""
    def rank(d: rpb.Document) -> int:
        if d.state != rpb.DOCUMENT_STATE_IN_PROGRESS:
            return 2  # waiting for approval
        return 0 if d.return_comments else 1

    contact_rows = [DraftRow(d.name, f"{d.title or 'A contact you began recording'}, not recorded yet: "
                                     f"n carries on with it ({d.name}).") for d in contacts]
    ranked = sorted(documents, key=lambda d: (rank(d), d.start_date, d.name))
    return contact_rows + [DraftRow(d.name, document_draft_sentence(d), d.name) for d in ranked]


def load_drafts(client) -> list[DraftRow]:
    return draft_rows(client.my_documents(), client.list_drafts(CONTACT_DRAFT))


def caseload_summary(entries: list[rpb.CaseloadEntry]) -> str:
    count = len(entries)
    return f"{count} child{'ren' if count != 1 else ''} allocated to you" if count else "No children allocated to you."


def drafts_summary(rows: list[DraftRow]) -> str:
    count = len(rows)
    return f"{count} unfinished piece{'s' if count != 1 else ''} of work" if count else "No unfinished work."
