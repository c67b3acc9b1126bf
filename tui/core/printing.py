"""Print or save any document, as both front ends offer it. Workers reach the TUI over SSH from
thin clients with no file system of their own, so a copy goes to a CUPS printer on the TUI host
(`lp`) or into a folder there: the settings `printer`, `save_folder` and `print_command`
(services/common/config.py; deploy/README.md).

Three steps, kept apart so another format (PDF) slots in beside plain text:

    outline_of(client, name) -> Outline          what the document says, fetched in full
    as_text(outline)         -> PrintedDocument  rendered: 80 columns of plain text
    deliver(printed, settings) -> str            to the printer or the folder; the sentence to show

`document_text(client, name)` is the first two together. Never imports Textual.

A copy for someone outside the council (a court, a child protection conference, another agency:
`Audience`, from `audience_for`) says on its first page who it was prepared for, identifies the
child by date of birth and record numbers, and leaves out the questions nobody was ever asked
unless the complete copy is asked for. Every copy carries the protective marking on every page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import textwrap
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as rpb
from services.records.template_library import Question
from tui.core.document_editor import DocumentEditor
from tui.core.errors import ServiceError
from tui.core.phrases import day, day_and_time, say
from tui.core.text import human_date

WIDTH = 80
INDENT = "    "
LONDON = ZoneInfo("Europe/London")
PRINT_TIMEOUT_SECONDS = 20.0

STATE_WORDS = {
    rpb.DOCUMENT_STATE_IN_PROGRESS: "in progress (a draft, not final)",
    rpb.DOCUMENT_STATE_SUBMITTED: "submitted for approval (not final until a team leader approves it)",
    rpb.DOCUMENT_STATE_COMPLETED: "completed (final)",
    rpb.DOCUMENT_STATE_CANCELLED: "cancelled",
    rpb.DOCUMENT_STATE_POSTPONED: "postponed",
}
STATUS_WORDS = {
    cpb.ANSWER_STATUS_NOT_KNOWN: "Not known",
    cpb.ANSWER_STATUS_NOT_APPLICABLE: "Not applicable",
    cpb.ANSWER_STATUS_DECLINED: "Declined",
}
UNASKED = (cpb.ANSWER_STATUS_UNSPECIFIED, cpb.ANSWER_STATUS_NOT_YET_ASKED)
# The roles a signature is given in (services/records/documents.py SIGNER_ROLES), as a reader says them.
ROLE_WORDS = {
    "social_worker": "Social worker", "team_leader": "Team leader", "parent": "Parent or carer",
    "young_person": "Child or young person", "other_professional": "Other professional",
}
# Who signs a final document on paper when they have not signed it in ICS: a printed copy has a
# line for each of them. Nothing in the template or the proto says who must sign, so this is
# everyone but another professional (who is asked only when there is one).
ROLES_TO_SIGN = ("social_worker", "team_leader", "parent", "young_person")
# The blank lines a printed copy leaves for each role still to sign, and how long each is.
SIGNING_BLANKS = (("name", 22), ("signed", 22), ("date", 11))
# The family's own copy asks only the family to sign.
FAMILY_SIGNERS = ("parent", "young_person")

# The UK Government Security Classification marking councils put on children's records, and the
# handling warning on every copy that is not the family's own (a worker's copy may be handed on).
MARKING = "OFFICIAL-SENSITIVE"
PROFESSIONAL_WARNING = "Personal data about a child: do not copy or pass on without the council's agreement."
# Who a professional copy can be for, as `ics admin print --for` and line mode's `print N court` name them.
AUDIENCES = ("court", "conference", "agency")
# The audit line ("a copy for <agency> (PDF)") must stay within records' 200 characters.
AGENCY_NAME_LIMIT = 120
# Where a conference's date is recorded, by template and question, and which conference it is.
CONFERENCE_DATES = {
    ("initial-child-protection-conference-report", "conference_date"): "initial",
    ("outcome-of-s47-enquiries", "icpc_date"): "initial",
    ("child-protection-review", "review_date"): "review",
}


class OutputError(ServiceError):
    """Printing or saving could not be done; the message says why in a plain sentence."""


@dataclass(frozen=True)
class Audience:
    """Who a professional copy is for. `kind` is one of AUDIENCES; `agency` the agency's name;
    `conference_date` the conference's day when the worker gives it (otherwise the document's own
    answer, if it records one); `complete` keeps the questions never asked."""
    kind: str
    agency: str = ""
    conference_date: date | None = None
    complete: bool = False


def audience_for(kind: str, agency: str = "", conference_date: str = "", complete: bool = False) -> Audience:
    """An Audience from what a worker typed, checked; OutputError in a plain sentence otherwise."""
    kind = kind.strip().lower()
    if kind not in AUDIENCES:
        raise OutputError("INVALID_ARGUMENT", f"A copy can be for a court, a conference or an agency, not "
                          f"{kind!r}.", {"whom": "required"})
    agency = " ".join(agency.split())
    if kind == "agency":
        if not agency:
            raise OutputError("INVALID_ARGUMENT", "Say which agency the copy is for, by its name (for example "
                              "Northshire Community Health).", {"agency": "required"})
        if len(agency) > AGENCY_NAME_LIMIT:
            raise OutputError("INVALID_ARGUMENT", f"The agency's name is longer than {AGENCY_NAME_LIMIT} "
                              "characters; give it shorter.", {"agency": "too long"})
        if any(unicodedata.category(c) in ("Cc", "Cf") for c in agency):
            raise OutputError("INVALID_ARGUMENT", "The agency's name holds a character that cannot be printed.",
                              {"agency": "cannot be printed"})
    elif agency:
        raise OutputError("INVALID_ARGUMENT", f"An agency's name goes only on a copy for an agency, not on one "
                          f"for a {kind}.", {"agency": "only for an agency"})
    when = None
    if conference_date.strip():
        if kind != "conference":
            raise OutputError("INVALID_ARGUMENT", "A conference date goes only on a copy for a conference.",
                              {"conference_date": "only for a conference"})
        when = _as_date(conference_date.strip())
        if when is None:
            raise OutputError("INVALID_ARGUMENT", f"The conference date {conference_date.strip()!r} is not a date; "
                              "give it as YYYY-MM-DD, for example 2026-12-08.",
                              {"conference_date": "not a date"})
    return Audience(kind, agency, when, complete)


def command_line_audience(kind: str | None, agency: str = "", conference_date: str = "", complete: bool = False,
                          family: bool = False) -> Audience | None:
    """`ics admin print --for KIND [--agency NAME] [--conference-date D] [--complete]` as an
    Audience, or None for the copy it made before; checked before the password is asked for."""
    if not kind:
        if agency or conference_date or complete:
            raise OutputError("INVALID_ARGUMENT", "--agency, --conference-date and --complete go with --for court, "
                              "--for conference or --for agency.")
        return None
    if family:
        raise OutputError("INVALID_ARGUMENT", "A copy is either the family's own (--family, --welsh) or for a court, "
                          "a conference or an agency (--for), not both.")
    return audience_for(kind, agency or "", conference_date or "", complete)


def prepared_for(audience: Audience, document: rpb.Document | None = None) -> str:
    """Who the copy is for in words: "the family court", "the initial child protection
    conference on Tue 8 Dec 2026", or the agency's name."""
    if audience.kind == "court":
        return "the family court"
    if audience.kind == "agency":
        return audience.agency
    which, recorded = "initial", None
    if document is not None:
        for (template, question), kind in CONFERENCE_DATES.items():
            if document.template_id == template:
                which, answer = kind, document.answers.get(question)
                if answer is not None and answer.status == cpb.ANSWER_STATUS_ANSWERED:
                    recorded = _as_date(answer.value)
    when = audience.conference_date or recorded
    if when is None:
        return "a child protection conference"
    name = "the initial child protection conference" if which == "initial" else \
        "the child protection review conference"
    return f"{name} on {day('en', when)}"


# -- what the document says --------------------------------------------------------------------

@dataclass
class Entry:
    """One question as printed: its label, the answer in words (several lines for a list or
    paragraphs), and a note ("required, not answered", who recorded a shared answer)."""
    label: str
    answer: list[str]
    note: str = ""
    missing: bool = False  # a required question with no answer


@dataclass
class Part:
    title: str
    entries: list[Entry]


@dataclass
class SignedBy:
    role: str          # in words: "Team leader"
    signer: str
    how: str           # "signed electronically", "signed in person, witnessed by Dana Duty"
    when: str          # "Fri 27 Nov 2026 at 14:03"


@dataclass
class Added:
    """An appendment: a later fact added to a completed document, which never changes."""
    author: str
    when: str
    text: str


@dataclass
class Outline:
    """Everything a printed copy shows, in order; renderers lay it out."""
    name: str                       # documents/12
    title: str
    state: str                      # in words
    final: bool                     # completed: it carries the signature block
    facts: list[tuple[str, str]]    # heading lines: ("Child", "Marguerite Quenby"), ...
    parts: list[Part]
    signatures: list[SignedBy] = field(default_factory=list)
    unsigned: list[str] = field(default_factory=list)   # roles in words, with a blank line each
    appendments: list[Added] = field(default_factory=list)
    fingerprint: str = ""           # the completed snapshot's SHA-256
    produced: str = ""              # "Copy taken from ICS by Dana Duty on Fri 27 Nov 2026 at 21:05."
    produced_at: datetime | None = None   # the same moment, for a file's own creation date
    language: str = "en"            # the fixed words around it (tui/core/phrases.py): en or cy
    letter: bool = False            # a letter (tui/core/family_letter.py): no draft notice, no signature block
    child: str = ""                 # whose it is, for the head of every page: "Amira Khan, born 4 Mar 2019"
    prepared_for: str = ""          # a professional copy: "the family court"; on its first page
    marking: str = MARKING          # the protective marking, at the head and foot of every page
    caveat: str = PROFESSIONAL_WARNING   # under the marking: the handling warning, or the family's "Private"
    left_out: int = 0               # questions never asked, left out of a professional copy

    def __post_init__(self) -> None:
        # A letter (tui/core/family_letter.py) always goes to the family: their marking, not the
        # warning meant for professionals.
        if self.letter and self.caveat == PROFESSIONAL_WARNING:
            self.caveat = say(self.language, "private")

    @property
    def stem(self) -> str:
        """A file name for it that holds no personal details: a folder listing shows only what
        kind of document and its number ("single-assessment-document-34")."""
        number = self.name.rsplit("/", 1)[-1]
        if self.letter:
            return f"family-letter-{number}"
        kind = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "document"
        return f"{kind}-document-{number}" if number.isdigit() else kind


def _when(stamp: Timestamp) -> datetime | None:
    if not stamp.seconds and not stamp.nanos:
        return None
    return stamp.ToDatetime(tzinfo=LONDON)


def _date_answer(value: str) -> str:
    try:
        return human_date(date.fromisoformat(value).isoformat())
    except ValueError:
        return value


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _answer_words(editor: DocumentEditor, question: Question, answer: cpb.Answer | None) -> Entry:
    if answer is None or answer.status in UNASKED:
        if question.mandatory:
            return Entry(question.label, ["Required, not answered."], missing=True)
        return Entry(question.label, ["Not answered."])
    if answer.status != cpb.ANSWER_STATUS_ANSWERED:
        words = STATUS_WORDS.get(answer.status, "Not answered")
        lines = [f"{words}: {_sentence(answer.reason)}" if answer.reason.strip() else f"{words}."]
    elif question.type == "multi_choice":
        labels = dict(question.choices)
        chosen = [labels.get(v.strip(), v.strip()) for v in answer.value.split(",") if v.strip()]
        lines = [f"- {label}" for label in chosen] if len(chosen) > 1 else chosen
    elif question.type == "date":
        lines = [_date_answer(answer.value)]
    elif question.type == "yes_no":
        lines = [answer.value.capitalize()]
    else:
        lines = editor.said(question, answer).splitlines() or [""]
    note = ""
    if answer.shared_from or answer.recorded_by:
        where = f" ({answer.shared_from})" if answer.shared_from else ""
        who = f" by {answer.recorded_by}" if answer.recorded_by else ""
        on = f" on {_date_answer(answer.recorded_date)}" if answer.recorded_date else ""
        note = f"Recorded{who}{on}{where}."
    return Entry(question.label, lines, note)


def _signed_by(signature: rpb.Signature) -> SignedBy:
    if signature.method == "witnessed_in_person":
        how = "signed in person" + (f", witnessed by {signature.witnessed_by}" if signature.witnessed_by else "")
    elif signature.method == "printed_copy":
        how = "signed a printed copy" + (f", received by {signature.witnessed_by}" if signature.witnessed_by else "")
        if signature.attachment:
            how += f" (scan {signature.attachment})"
    else:
        how = "signed electronically"
    role = ROLE_WORDS.get(signature.role, signature.role.replace("_", " ").capitalize())
    return SignedBy(role, signature.signer_name, how, day_and_time("en", _when(signature.sign_time)))


def outline_of(client, name: str, now: datetime | None = None, family: bool = False,
               language: str = "en", audience: Audience | None = None) -> Outline:
    """The document `name` ("documents/12") fetched in full, with its template (the version it
    was written with), arranged for printing. `family`: the plain-language version for the child
    and family (recommendation 6): the template's family wording, only its short version, only
    what was answered, none of the office's own facts; in English or Welsh (`language`).
    `audience`: a copy for a court, a conference or an agency (see `Audience`)."""
    if family and audience is not None:
        raise OutputError("INVALID_ARGUMENT", "A copy is either the family's own or for a court, a conference or "
                          "an agency, not both.")
    editor = DocumentEditor.open(client, name)
    document = editor.document
    snapshot = json.loads(document.snapshot_json) if document.snapshot_json else {}
    final = document.state == rpb.DOCUMENT_STATE_COMPLETED

    # The child's name as records gives it ("Amira Khan, born 4 Mar 2019"); a completed document's
    # snapshot holds the child as they were that day.
    child = document.person_display_name or snapshot.get("child", {}).get("display_name", "") or "not known"
    if family:
        return _family_outline(client, editor, child, final, now, language)
    facts = [("Child", child)]
    if audience is not None:
        facts += _identifiers(client, document, snapshot)
    facts.append(("Child's record", document.person))
    facts += [("Document", f"{document.name}, {editor.template.title} version {document.template_version}"),
              ("State", STATE_WORDS.get(document.state, "not known"))]
    if document.end_reason:
        facts.append(("Reason", document.end_reason))
    facts.append(("Started", human_date(document.start_date)))
    ended = _when(document.end_time)
    if final:
        facts.append(("Completed", day("en", ended.date() if ended else None)))
    elif document.state in (rpb.DOCUMENT_STATE_CANCELLED, rpb.DOCUMENT_STATE_POSTPONED):
        facts.append(("Ended", day("en", ended.date() if ended else None)))
    facts.append(("Author", document.author.display_name or document.author.username or "not known"))
    if document.entered_by.display_name:
        facts.append(("Entered by", f"{document.entered_by.display_name}, on the author's behalf"))
    if document.submitted_by.display_name and not final:
        facts.append(("Submitted by", document.submitted_by.display_name))
    completed_by = snapshot.get("completed_by", {}).get("name", "")
    if completed_by:
        facts.append(("Completed by", completed_by))
    if snapshot.get("appointed_social_worker"):
        facts.append(("Allocated worker", snapshot["appointed_social_worker"]))
    if document.supersedes:
        facts.append(("Replaces", document.supersedes))
    if document.return_comments and not final:
        facts.append(("Returned because", document.return_comments))

    # A professional copy leaves out what nobody was ever asked: pages of "Not answered." hide what
    # was said. "Not known", "declined" and "not applicable" are answers and stay; so does a
    # required question still open on a draft, which says the draft is unfinished.
    keep_all = audience is None or audience.complete
    parts, left_out = [], 0
    for section, questions in editor.template.visible(editor.values()):
        entries = []
        for q in questions:
            entry = _answer_words(editor, q, document.answers.get(q.id))
            if keep_all or entry.missing or not _never_asked(document.answers.get(q.id)):
                entries.append(entry)
            else:
                left_out += 1
        if entries or keep_all:
            parts.append(Part(section.title, entries))

    signatures = [_signed_by(s) for s in document.signatures]
    signed_roles = {s.role for s in document.signatures}
    unsigned = [ROLE_WORDS[r] for r in ROLES_TO_SIGN if r not in signed_roles] if final else []
    appendments = [Added(a.author.display_name or "not known", day_and_time("en", _when(a.create_time)), a.text)
                   for a in document.appendments]
    moment, produced = copy_taken(client, now)
    return Outline(document.name, document.title or editor.template.title, STATE_WORDS.get(document.state, ""),
                   final, facts, parts, signatures, unsigned, appendments, document.snapshot_sha256, produced, moment,
                   child=child, prepared_for=prepared_for(audience, document) if audience else "",
                   left_out=left_out)


def _never_asked(answer: cpb.Answer | None) -> bool:
    return answer is None or answer.status in UNASKED


def _identifiers(client, document: rpb.Document, snapshot: dict) -> list[tuple[str, str]]:
    """The child's date of birth and the council's own id, so a court or agency can match the copy
    to the child they know. The record as it is now; a completed document's snapshot if the
    record cannot be read (the document can be, so this seldom happens)."""
    try:
        person = client.get_person(document.person)
        born, council_id = person.date_of_birth, person.council_child_id
    except ServiceError:
        child = snapshot.get("child", {})
        born, council_id = child.get("date_of_birth", ""), child.get("council_child_id", "")
    facts = [("Date of birth", day("en", _as_date(born)) if _as_date(born) else "not recorded")]
    if council_id:
        facts.append(("Council's child id", council_id))
    return facts


def copy_taken(client, now: datetime | None, language: str = "en") -> tuple[datetime, str]:
    """When a copy is taken and the line that says by whom, in the copy's language."""
    moment = (now or datetime.now(LONDON)).astimezone(LONDON)
    user = client.session.user
    who = say(language, "by", name=user.display_name) if user is not None and user.display_name else ""
    return moment, say(language, "produced", who=who, when=day_and_time(language, moment))


def _family_outline(client, editor: DocumentEditor, child: str, final: bool, now: datetime | None,
                    language: str) -> Outline:
    """The family's copy: the template's family wording in `language`, only the short version,
    only what was said, and the fixed words and dates in the same language (tui/core/phrases.py)."""
    document, template = editor.document, editor.template
    facts = [(say(language, "for"), child),
             (say(language, "written_by"), document.author.display_name or say(language, "your social worker")),
             (say(language, "started"), day(language, _as_date(document.start_date)))]
    if final:
        ended = _when(document.end_time)
        facts.append((say(language, "finished"), day(language, ended.date() if ended else None)))
    parts = []
    for section, questions in template.visible(editor.values()):
        if not section.short:
            continue
        entries = [Entry(q.family_label.get(language) or q.label, _family_answer(editor, q, document.answers[q.id],
                                                                                 language))
                   for q in questions
                   if q.short and q.id in document.answers and document.answers[q.id].status not in UNASKED]
        if entries:  # nothing said in a part: nothing for the family to read there
            parts.append(Part(section.family_title.get(language) or section.title, entries))
    signatures = [SignedBy(say(language, s.role) if s.role in ROLE_WORDS else s.role, s.signer_name,
                           say(language, "in_person") + (say(language, "witnessed", name=s.witnessed_by)
                                                         if s.witnessed_by else "")
                           if s.method == "witnessed_in_person" else say(language, "electronically"),
                           day_and_time(language, _when(s.sign_time)))
                  for s in document.signatures]
    signed_roles = {s.role for s in document.signatures}
    unsigned = [say(language, r) for r in FAMILY_SIGNERS if r not in signed_roles] if final else []
    moment, produced = copy_taken(client, now, language)
    state = say(language, {rpb.DOCUMENT_STATE_SUBMITTED: "submitted",
                           rpb.DOCUMENT_STATE_COMPLETED: "completed"}.get(document.state, "in progress"))
    return Outline(document.name, template.family_title.get(language) or template.title, state, final, facts,
                   parts, signatures, unsigned, [], "", produced, moment, language, child=child,
                   marking=say(language, "marking"), caveat=say(language, "private"))


def _as_date(iso_date: str) -> date | None:
    try:
        return date.fromisoformat(iso_date)
    except ValueError:
        return None


def _family_answer(editor: DocumentEditor, question: Question, answer: cpb.Answer, language: str) -> list[str]:
    """An answer as the family's copy gives it: statuses, yes and no, and dates in `language`;
    what the worker wrote as they wrote it."""
    if answer.status != cpb.ANSWER_STATUS_ANSWERED:
        words = say(language, STATUS_WORDS.get(answer.status, "Not known").lower())
        return [f"{words}: {_sentence(answer.reason)}" if answer.reason.strip() else f"{words}."]
    if question.type == "yes_no" and answer.value in ("yes", "no"):
        return [say(language, answer.value)]
    if question.type == "date" and _as_date(answer.value):
        return [day(language, _as_date(answer.value))]
    return _answer_words(editor, question, answer).answer


# -- plain text ----------------------------------------------------------------------------------

@dataclass
class PrintedDocument:
    """A document rendered for output. `text` for plain text; another format (PDF, tui/core/pdf.py)
    sets its own `extension` and its bytes in `data`, which `payload()` then gives."""
    title: str
    stem: str           # file name without date or extension, no personal details
    text: str
    extension: str = "txt"
    data: bytes = b""   # the rendered file when it is not plain text
    prepared_for: str = ""   # a professional copy: whom, as its first page says (for the audit line)

    def payload(self) -> bytes:
        return self.data or self.text.encode("utf-8")


def _wrap(text: str, indent: str = "", hanging: str | None = None) -> list[str]:
    hanging = indent if hanging is None else hanging
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        if not paragraph.strip():
            out.append("")
            continue
        out += textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=hanging,
                             break_on_hyphens=False) or [indent.rstrip()]
    return out


def _heading(text: str, rule: str) -> list[str]:
    lines = _wrap(text)
    return lines + [rule * min(WIDTH, max(len(line) for line in lines))]


def prepared_for_line(outline: Outline) -> str:
    return f"Prepared for: {outline.prepared_for}"


def left_out_line(outline: Outline) -> str:
    n = outline.left_out
    return (f"{n} question{'s' if n != 1 else ''} that nobody was asked {'are' if n != 1 else 'is'} left out of "
            "this copy; the complete copy shows every question.")


def signer_line(language: str, signed: SignedBy) -> str:
    """"Dana Duty, signed electronically, on Fri 27 Nov 2026 at 10:02." """
    return say(language, "signer_line", signer=signed.signer, how=signed.how, when=signed.when)


def text_lines(outline: Outline) -> list[str]:
    """The outline as lines of at most WIDTH characters: no box drawing, nothing but text, so it
    prints on any printer and reads in any editor."""
    marking = [outline.marking] + (_wrap(outline.caveat) if outline.caveat else [])
    lines = marking + [""] + _heading(outline.title, "=") + [""]
    if outline.prepared_for:
        lines += _wrap(prepared_for_line(outline)) + [""]
    label_width = max(len(label) for label, _ in outline.facts) + 2
    for label, value in outline.facts:
        lines += _wrap(f"{label + ':':<{label_width}}{value}", hanging=" " * label_width)
    if outline.left_out:
        lines += [""] + _wrap(left_out_line(outline))
    if not outline.final and not outline.letter:
        lines += [""] + _wrap(say(outline.language, "not_final", state=outline.state))
    for part in outline.parts:
        lines += [""] + _heading(part.title, "-")
        for entry in part.entries:
            lines += [""] + _wrap(entry.label)
            for answer in entry.answer:
                hanging = INDENT + "  " if answer.startswith("- ") else INDENT
                lines += _wrap(answer, INDENT, hanging)
            if entry.note:
                lines += _wrap(entry.note, INDENT)
    if outline.final and not outline.letter:
        lines += [""] + _heading(say(outline.language, "signatures"), "-") + [""]
        language = outline.language
        for signed in outline.signatures:
            lines += _wrap(f"{signed.role}: " + signer_line(language, signed), hanging=INDENT)
        if not outline.signatures:
            lines.append(say(language, "nobody_signed"))
        for role in outline.unsigned:
            lines += ["", say(language, "not_yet_signed", role=role), "",
                      "  ".join(f"{say(language, key)}: {'_' * width}" for key, width in SIGNING_BLANKS)]
    if outline.appendments:
        lines += [""] + _heading(say(outline.language, "added"), "-")
        for added in outline.appendments:
            lines += [""] + _wrap(f"{added.author}, {added.when}:") + _wrap(added.text, INDENT)
    lines.append("")
    if outline.fingerprint:
        lines += _wrap("The completed record is fixed and signed in ICS; its fingerprint (SHA-256) is:") + \
            [outline.fingerprint]
    lines += _wrap(outline.produced)
    return lines + [""] + marking


def spoken_lines(outline: Outline) -> list[str]:
    """The same outline as sentences for the line mode and a screen reader: no rules of = or -,
    no blank signature lines, no fingerprint read out digit by digit."""
    lines = [f"{outline.title}."] + ([prepared_for_line(outline) + "."] if outline.prepared_for else [])
    lines += [f"{label}: {value}." for label, value in outline.facts]
    if outline.left_out:
        lines.append(left_out_line(outline))
    if not outline.final:
        lines.append(f"This is not the final record: it is {outline.state}.")
    for part in outline.parts:
        lines.append(f"{part.title}:")
        for entry in part.entries:
            answer = "; ".join(a.removeprefix("- ") for a in entry.answer)
            lines.append(f"{entry.label}: {answer}" + (f" {entry.note}" if entry.note else ""))
    if outline.final:
        lines += [f"Signed by {signed.signer} as {signed.role.lower()}, {signed.how}, on {signed.when}."
                  for signed in outline.signatures] or ["Nobody has signed it in ICS yet."]
        if outline.unsigned:
            lines.append(f"Not yet signed by: {', '.join(role.lower() for role in outline.unsigned)}.")
    lines += [f"Added after completion by {added.author}, {added.when}: {added.text}" for added in outline.appendments]
    return lines


def as_text(outline: Outline) -> PrintedDocument:
    return PrintedDocument(outline.title, outline.stem, "\n".join(text_lines(outline)) + "\n",
                           prepared_for=outline.prepared_for)


def document_text(client, name: str) -> PrintedDocument:
    """The document `name` in full, as 80 columns of plain text."""
    return as_text(outline_of(client, name))


# -- where it goes -------------------------------------------------------------------------------

@dataclass
class OutputSettings:
    printer: str = ""           # a CUPS queue on the TUI host
    save_folder: str = ""       # a folder on the TUI host
    print_command: str = "lp"
    format: str = "pdf"         # "pdf" (tui/core/pdf.py) or "text"


def configured_output(targets) -> OutputSettings:
    """The front end's settings: as the `ics` command read them with the service addresses, or,
    for a front end started without them, from the configuration now."""
    return targets.output if targets.output is not None else output_settings()


def output_settings(config=None) -> OutputSettings:
    """The settings as configured (services/common/config.py): `config` an IcsConfig, or read
    now from ICS_CONFIG and the environment."""
    if config is None:
        from services.common.config import load_config

        config = load_config()
    return OutputSettings(config.printer, config.save_folder, config.print_command or "lp", config.print_format)


def rendered(client, name: str, settings: OutputSettings, large_print: bool = False,
             family: bool = False, language: str = "en", audience: Audience | None = None) -> PrintedDocument:
    """The document `name` in the configured format: what print or save sends. A worker in the
    large-font mode gets large print; `family` is the family's plain-language version; `audience`
    a copy for a court, a conference or an agency. A child ("people/3") gives the letter to their
    family about their records."""
    if name.startswith("people/"):
        if audience is not None:
            raise OutputError("INVALID_ARGUMENT", "The letter about a family's records is for the family, not for "
                              "a court, a conference or an agency.")
        from tui.core.family_letter import letter_outline

        outline = letter_outline(client, name)
    else:
        outline = outline_of(client, name, family=family, language=language, audience=audience)
    return render(outline, settings, large_print)


def print_copy(client, name: str, settings: OutputSettings, to: str = "", large_print: bool = False,
               family: bool = False, language: str = "en", audience: Audience | None = None) -> str:
    """Renders `name` (a document, or "people/N" for the letter to the family), tells records a
    copy is being made (the child's access report shows it, and whom a professional copy was
    for), then prints or saves it. Returns the sentence for the worker."""
    where = destination(settings, to)
    printed = rendered(client, name, settings, large_print, family, language, audience)
    if audience is not None:
        whom = printed.prepared_for or prepared_for(audience)
        kind = f"a {'complete ' if audience.complete else ''}copy for {whom}"
    else:
        kind = "the family's copy in Welsh" if language == "cy" else "the family's copy" if family else "a copy"
    what = kind + f" ({printed.extension.upper()}" + (", large print)" if large_print else ")")
    client.record_output(name, what, f"the printer {settings.printer}" if where == "printer" else "a saved file")
    return deliver(printed, settings, to=where)


def render(outline: Outline, settings: OutputSettings, large_print: bool = False) -> PrintedDocument:
    if settings.format == "pdf":
        from tui.core.pdf import as_pdf

        return as_pdf(outline, large_print=large_print)
    return as_text(outline)


NOT_SET_UP = ("Printing and saving are not set up on this server. Ask IT to set a printer near you, or a "
              "folder for saved copies, in the ICS configuration (printer, save_folder).")


def destination(settings: OutputSettings, to: str = "") -> str:
    """Where a copy goes: "printer" or "folder", as asked (`to`) or, by default, the printer when
    one is set, otherwise the folder. Raises OutputError with a plain sentence when it is not set up."""
    if to not in ("", "printer", "folder"):
        raise ValueError(f"to must be 'printer' or 'folder', not {to!r}")
    if to == "printer" and not settings.printer:
        raise OutputError("FAILED_PRECONDITION", "No printer is set up on this server. Ask IT to set `printer` "
                          "in the ICS configuration.")
    if to == "folder" and not settings.save_folder:
        raise OutputError("FAILED_PRECONDITION", "No folder for saved copies is set up on this server. Ask IT "
                          "to set `save_folder` in the ICS configuration.")
    where = to or ("printer" if settings.printer else "folder" if settings.save_folder else "")
    if not where:
        raise OutputError("FAILED_PRECONDITION", NOT_SET_UP)
    return where


def deliver(printed: PrintedDocument, settings: OutputSettings, to: str = "",
            now: datetime | None = None) -> str:
    """Sends `printed` to the printer or saves it in the folder (see `destination`). Returns the
    sentence to show the worker; raises OutputError with a plain sentence when it could not be
    done. Printing can take up to PRINT_TIMEOUT_SECONDS: the Textual front end calls this in a
    thread worker."""
    if destination(settings, to) == "printer":
        return send_to_printer(printed, settings)
    return save_in_folder(printed, settings, now)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def send_to_printer(printed: PrintedDocument, settings: OutputSettings) -> str:
    printer, command = settings.printer, settings.print_command or "lp"
    try:
        result = subprocess.run([command, "-d", printer, "-t", printed.title], input=printed.payload(),
                                capture_output=True, timeout=PRINT_TIMEOUT_SECONDS, check=False)
    except FileNotFoundError:
        raise OutputError("UNAVAILABLE", f"Not printed: the print command {command!r} is not on this server. "
                          "Tell IT (the setting print_command).") from None
    except subprocess.TimeoutExpired:
        raise OutputError("DEADLINE_EXCEEDED", f"Not known whether it printed: the printer {printer!r} did not "
                          f"answer within {PRINT_TIMEOUT_SECONDS:g} seconds. Check the printer before trying "
                          "again, or tell IT.") from None
    except OSError as exc:
        raise OutputError("UNAVAILABLE", f"Not printed: the print command {command!r} could not be run "
                          f"({exc.strerror or exc}). Tell IT.") from None
    said = _first_line(result.stderr.decode("utf-8", "replace"))
    if result.returncode != 0:
        reason = _sentence(said) if said else f"it stopped with exit status {result.returncode}."
        raise OutputError("UNAVAILABLE", f"Not printed: the printer {printer!r} did not take the document. "
                          f"The print system said: {reason} Tell IT if it keeps happening.")
    job = re.search(r"request id is (\S+)", result.stdout.decode("utf-8", "replace"))
    return f"Sent to the printer {printer!r} as job {job.group(1)}." if job else f"Sent to the printer {printer!r}."


def save_in_folder(printed: PrintedDocument, settings: OutputSettings, now: datetime | None = None) -> str:
    """Writes a new file, mode 600, named for the document and the time; never overwrites one
    already there (a second save the same second gets "-2"), and leaves nothing behind if the
    write fails."""
    folder = Path(settings.save_folder)
    if not folder.is_dir():
        raise OutputError("FAILED_PRECONDITION", f"Not saved: the folder {folder} set up for saved copies is not "
                          "there. Tell IT (the setting save_folder).")
    stamp = (now or datetime.now(LONDON)).astimezone(LONDON).strftime("%Y%m%d-%H%M%S")
    base = f"{printed.stem}-{stamp}"
    try:
        handle, part = tempfile.mkstemp(prefix=f".{base}-", suffix=".part", dir=folder)  # mode 600
    except OSError as exc:
        raise OutputError("FAILED_PRECONDITION", f"Not saved: ICS may not write in {folder} "
                          f"({exc.strerror or exc}). Tell IT (the setting save_folder).") from None
    try:
        try:
            with os.fdopen(handle, "wb") as out:
                os.fchmod(out.fileno(), 0o600)
                out.write(printed.payload())
                out.flush()
                os.fsync(out.fileno())
            for n in range(1, 1000):
                target = folder / f"{base}{'' if n == 1 else f'-{n}'}.{printed.extension}"
                try:
                    os.link(part, target)  # fails rather than replace a file already there
                except FileExistsError:
                    continue
                return f"Saved as {target}"
            raise OutputError("FAILED_PRECONDITION", f"Not saved: {folder} already holds too many copies named "
                              f"{base}. Try again in a second.")
        except OSError as exc:
            raise OutputError("UNAVAILABLE", f"Not saved in {folder}: {exc.strerror or exc}. Nothing was left "
                              "half-written. Tell IT if it keeps happening.") from None
    finally:
        try:
            os.unlink(part)
        except FileNotFoundError:
            pass
