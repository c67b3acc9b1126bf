"""Subject access requests (UK GDPR article 15; SPEC §5, L994): everything held about one person,
with third parties' information redacted, released with a log of every redaction.

    open_request   a person asks: who asked, when it was received; due one calendar month later.
                   Everything held about them is gathered at once and frozen as numbered items of
                   text (sar_items), so the officer redacts exactly the text that is released,
                   whatever is recorded on the person's record afterwards.
    redact         an exact span of an item's text, or the whole item withheld, with a reason from
                   REASONS and a note; undone (with a note, and kept) until release.
    release        the copy with every redaction applied, as plain text and an A4 PDF, plus the
                   redaction log for the council's own file; the request is then closed.

Nothing here changes the person's record: items are copies. Every step is written to the
records audit against the person, so their "who has seen this record" report shows it; the
audit rows name items and reasons, never the redacted words or notes (the audit outlives a
disposal and holds no names).

Who may do this: `access.review` at scope "any" (the service manager's role). A request gathers
what every team holds about the person, so a team-scoped reviewer would release an incomplete
copy; and because the council must disclose what it holds whether or not its staff may open the
record, a request reaches restricted and sealed records too, as legal holds do (retention.py).
The console's principal (CONSOLE, console_principal) holds exactly that permission.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import add_months, as_utc, human, parse_date, today_london
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.common.names import make_name
from services.records import access, audit, people
from services.records.access_report import sentence
from services.records.documents import STATE_WORDS, answers_of
from services.records.frontdoor import DECISION_LABELS
from services.records.models import (Allocation, Attachment, AuditEntry, AuditPerson, Carer, CarePeriod,
                                     ChronologyEntry, Contact, Document, DocumentAppendment, DocumentSignature,
                                     Episode, Household, HouseholdMember, LegalStatusSpan, OutcomeReview, Person,
                                     Placement, Plan, PlanAction, PlanOutcome, Referral, Relationship,
                                     RelationshipType, SubjectAccessItem, SubjectAccessRedaction,
                                     SubjectAccessRequest)
from services.records.template_library import Question, Template, TemplateLibrary

PERMISSION = "access.review"
COLLECTION = "subject-access-requests"
OPEN, RELEASED = "open", "released"
# The reasons the law allows information to be left out of a copy, as the copy says them.
REASONS = {
    "third_party": "third party",
    "referrer_identity": "referrer's identity",
    "serious_harm": "likely to cause serious harm",
    "legal_privilege": "legal privilege",
}
REQUESTER_MAX, NOTE_MAX, SPAN_MAX = 300, 2000, 2000
WIDTH = 80
INDENT = "    "

# The admin console has no login: what it does is recorded under this name, with only the
# permission a request needs.
CONSOLE = Principal(user_name="users/0", username="ics admin (console)", display_name="ics admin (console)",
                    roles=frozenset({"admin"}), permissions=(f"{PERMISSION}:any",))


def console_principal(officer: str = "") -> Principal:
    """The console, naming the officer at it, so the redaction log and the audit say who."""
    officer = " ".join(officer.split())[:150]
    if not officer:
        return CONSOLE
    return Principal(user_name=CONSOLE.user_name, username=CONSOLE.username,
                     display_name=f"{officer} (ics admin console)", roles=CONSOLE.roles,
                     permissions=CONSOLE.permissions)


# -- who may, and which request ------------------------------------------------------------------

def _require(principal: Principal, doing: str) -> None:
    access.require(principal, PERMISSION, doing)
    if principal.scope(PERMISSION) != "any":
        raise PermissionDenied(f"Only someone who reviews access to every record (such as a service manager) can "
                               f"{doing}: a subject access request gathers what every team holds about the person, "
                               "so a team-wide permission would release an incomplete copy.")


def _number(raw: str) -> bool:
    """A whole number a database column can hold (a longer one would be a database error)."""
    return raw.isdigit() and len(raw) <= 12


def request_id_of(text: str) -> int:
    """3 or subject-access-requests/3."""
    raw = str(text).strip().removeprefix(f"{COLLECTION}/")
    if not _number(raw):
        raise InvalidArgument(f"Give the request's number, like 3 or {COLLECTION}/3, not {text!r}.",
                              {"request": "a number"})
    return int(raw)


def _request(session: Session, request_id: int | str, for_update: bool = False) -> SubjectAccessRequest:
    ident = request_id if isinstance(request_id, int) else request_id_of(request_id)
    query = select(SubjectAccessRequest).where(SubjectAccessRequest.id == ident)
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()  # two officers redacting and releasing at once see one order
    row = session.scalar(query)
    if row is None:
        raise NotFound(f"There is no subject access request {COLLECTION}/{ident}.")
    return row


def _require_open(row: SubjectAccessRequest, doing: str) -> None:
    if row.state != OPEN:
        raise FailedPrecondition(f"{COLLECTION}/{row.id} was released by {row.released_by_name} on "
                                 f"{_moment(row.released_at)}, so it is closed: nothing can {doing} now. "
                                 "Open a new request if the person asks again.")


def _items(session: Session, row: SubjectAccessRequest) -> list[SubjectAccessItem]:
    return list(session.scalars(select(SubjectAccessItem).where(SubjectAccessItem.request_id == row.id)
                                .order_by(SubjectAccessItem.position)))


def _item(session: Session, row: SubjectAccessRequest, ref: str | int) -> SubjectAccessItem:
    """An item by its number in the request (3) or by its id ("documents/12")."""
    ref = str(ref).strip()
    query = select(SubjectAccessItem).where(SubjectAccessItem.request_id == row.id)
    query = query.where(SubjectAccessItem.position == int(ref)) if _number(ref) \
        else query.where(SubjectAccessItem.item_id == ref)
    item = session.scalar(query)
    if item is None:
        count = session.scalar(select(func.count()).select_from(SubjectAccessItem)
                               .where(SubjectAccessItem.request_id == row.id))
        raise NotFound(f"{COLLECTION}/{row.id} has no item {ref!r}: give its number (1 to {count}) or its id "
                       "as `items` lists them, such as documents/12.")
    return item


def _live_redactions(session: Session, row: SubjectAccessRequest, item_id: str | None = None
                     ) -> list[SubjectAccessRedaction]:
    query = select(SubjectAccessRedaction).where(SubjectAccessRedaction.request_id == row.id,
                                                 SubjectAccessRedaction.undone_at.is_(None))
    if item_id is not None:
        query = query.where(SubjectAccessRedaction.item_id == item_id)
    return list(session.scalars(query.order_by(SubjectAccessRedaction.id)))


def _all_redactions(session: Session, row: SubjectAccessRequest) -> list[SubjectAccessRedaction]:
    return list(session.scalars(select(SubjectAccessRedaction).where(SubjectAccessRedaction.request_id == row.id)
                                .order_by(SubjectAccessRedaction.id)))


def _subject(row: SubjectAccessRequest) -> str:
    return make_name(COLLECTION, row.id)


def _moment(at: datetime | None) -> str:
    return f"{as_utc(at):%d %b %Y %H:%M} UTC" if at else "not yet"


# -- opening a request, and gathering ------------------------------------------------------------

@dataclass
class Opened:
    request: SubjectAccessRequest
    items: list[SubjectAccessItem]
    notices: list[str]


def open_request(session: Session, principal: Principal, library: TemplateLibrary, person_name: str,
                 requester: str, received: str = "") -> Opened:
    _require(principal, "open subject access requests")
    violations = {}
    requester = " ".join(requester.split())
    if not requester:
        violations["requester"] = ("required: who asked, such as \"the young person themself\" or "
                                   "\"mother, with consent\"")
    elif len(requester) > REQUESTER_MAX:
        violations["requester"] = f"at most {REQUESTER_MAX} characters"
    day = today_london()
    if received.strip():
        try:
            day = parse_date(received.strip(), "received", "date the request was received")
        except InvalidArgument as exc:
            violations.update(exc.violations)
        else:
            if day > today_london():
                violations["received"] = "cannot be in the future"
    if violations:
        raise InvalidArgument("The request was not opened: " + "; ".join(f"{k} {v}" for k, v in violations.items())
                              + ".", violations)
    person = _person(session, person_name)
    now = datetime.now(timezone.utc)
    row = SubjectAccessRequest(person_id=person.id, requester=requester, received_date=day,
                               due_date=add_months(day, 1), state=OPEN, opened_by_user=principal.user_id,
                               opened_by_name=principal.display_name, opened_at=now)
    session.add(row)
    session.flush()
    gathered = gather(session, library, person)
    items = [SubjectAccessItem(request_id=row.id, position=n, item_id=item_id, kind=kind, title=title[:300], text=text)
             for n, (item_id, kind, title, text) in enumerate(gathered, start=1)]
    session.add_all(items)
    session.flush()
    notices = []
    if person.access_level == access.SEALED:
        notices.append(f"people/{person.id} is sealed. If it is an adoption record, adoption records are exempt "
                       "from subject access (Data Protection Act 2018, Schedule 3 Part 3): check with the adoption "
                       "service before releasing anything.")
    elif person.access_level == access.RESTRICTED:
        notices.append(f"people/{person.id} is restricted: take particular care over what it says about the "
                       "reason it was restricted.")
    audit.record(session, principal, "sar.open", _subject(row), [person.id],
                 detail=f"{len(items)} items gathered; due {row.due_date.isoformat()}")
    return Opened(row, items, notices)


def _person(session: Session, person_name: str) -> Person:
    raw = str(person_name).strip().removeprefix("people/")
    if not _number(raw):
        raise InvalidArgument(f"Give the person as people/N (their record's number), not {person_name!r}.",
                              {"person": "people/N"})
    person = session.get(Person, int(raw))
    if person is None:
        raise NotFound(f"There is no person people/{raw} in records; nothing was opened.")
    if person.merged_into_id is not None:
        raise FailedPrecondition(f"people/{raw} was merged into people/{person.merged_into_id}, the same person's "
                                 f"other record: open the request for people/{person.merged_into_id}, which holds "
                                 "both. Nothing was opened.")
    return person


def _enum_words(enum, value: int, prefix: str) -> str:
    try:
        return enum.Name(value).removeprefix(prefix).replace("_", " ").lower()
    except ValueError:
        return "not known"


STATUS_WORDS = {cpb.ANSWER_STATUS_NOT_KNOWN: "not known", cpb.ANSWER_STATUS_NOT_APPLICABLE: "not applicable",
                cpb.ANSWER_STATUS_DECLINED: "declined"}
UNASKED = (cpb.ANSWER_STATUS_UNSPECIFIED, cpb.ANSWER_STATUS_NOT_YET_ASKED)
KIND_WORDS = {
    "person": "Personal details", "contact": "Contact", "referral": "Referral", "episode": "Case history",
    "document": "Document", "attachment": "Attached file", "chronology": "Chronology entry",
    "allocation": "Allocation", "plan": "Plan", "care_period": "Period of being looked after",
    "placement": "Placement", "relationship": "Relationship", "household": "Household",
    "access_report": "Who has seen or changed the record",
}


def _status_said(status: int, reason: str) -> str:
    words = STATUS_WORDS.get(status, "not known")
    return f"{words.capitalize()}: {reason.strip()}" if reason.strip() else words.capitalize()


def _block(label: str, value: str) -> list[str]:
    """A label and its value: on one line when short, else the value indented below it. Values
    keep their own line breaks, so the words a worker typed are shown (and redacted) as typed."""
    value = (value or "").strip("\n")
    if "\n" not in value and len(label) + len(value) < 70:
        return [f"{label}: {value}" if value else f"{label}: (blank)"]
    return [f"{label}:"] + [INDENT + line if line.strip() else "" for line in value.splitlines()]


def gather(session: Session, library: TemplateLibrary, person: Person) -> list[tuple[str, str, str, str]]:
    """Every item held about the person, as (item id, kind, title, text), in the order released.
    Records merged into this one are the same person's and are included. The item ids are the
    records' own names, so an item is the same one in every request and in the audit."""
    ids = [person.id, *session.scalars(select(Person.id).where(Person.merged_into_id == person.id))]
    found: list[tuple[str, str, str, str]] = [_person_item(session, person, ids)]
    for row in session.scalars(select(Contact).where(Contact.person_id.in_(ids)).order_by(Contact.id)):
        lines = [f"Contact received {human(row.received_date)}",
                 *_block("From", _enum_words(pb.ContactSource, row.source, "CONTACT_SOURCE_")),
                 *_block("Reason", row.reason), *(_block("Details", row.details) if row.details else []),
                 f"Recorded by: {row.recorded_by_name}"]
        found.append((make_name("contacts", row.id), "contact", lines[0], "\n".join(lines)))
    for row in session.scalars(select(Referral).where(Referral.person_id.in_(ids)).order_by(Referral.id)):
        lines = [f"Referral received {human(row.received_date)}" + (" (a re-referral)" if row.re_referral else "")]
        if row.decision:
            lines += [f"Decision: {DECISION_LABELS.get(row.decision, 'not known')}, on {human(row.decided_date)}, "
                      f"by {row.decided_by_name}", *_block("Reason for the decision", row.decision_reason)]
        else:
            lines.append("Decision: not yet decided")
        found.append((make_name("referrals", row.id), "referral", lines[0], "\n".join(lines)))
    for row in session.scalars(select(Episode).where(Episode.person_id.in_(ids)).order_by(Episode.id)):
        lines = [f"Case opened {human(row.opened_date)}",
                 f"Closed {human(row.closed_date)}" + (f" ({row.closure_reason.replace('_', ' ')})"
                                                       if row.closure_reason else "")
                 if row.closed_date else "Still open"]
        found.append((make_name("episodes", row.id), "episode", lines[0], "\n".join(lines)))
    documents = list(session.scalars(select(Document).where(Document.person_id.in_(ids)).order_by(Document.id)))
    for document in documents:
        found.append(_document_item(session, library, document))
    if documents:
        for row in session.scalars(select(Attachment).where(Attachment.document_id.in_([d.id for d in documents]))
                                   .order_by(Attachment.id)):
            lines = [f"Attached file {row.filename}", *_block("Description", row.description),
                     f"Attached to: documents/{row.document_id}, by {row.added_by_name}, {_moment(row.created_at)}",
                     f"Kind: {row.kind.replace('_', ' ')}; from: {row.provenance.replace('_', ' ')}; "
                     f"{row.media_type}, {row.size_bytes} bytes",
                     "The file itself is not reproduced in this copy: it is reviewed and supplied separately."]
            found.append((make_name("attachments", row.id), "attachment", lines[0], "\n".join(lines)))
    for row in session.scalars(select(ChronologyEntry).where(ChronologyEntry.person_id.in_(ids))
                               .order_by(ChronologyEntry.event_date, ChronologyEntry.id)):
        title = f"{human(row.event_date)}: {row.title}"
        typed = f", typed by {row.entered_by_name}" if row.entered_by_name else ""
        lines = [title, *(_block("Detail", row.detail) if row.detail else []), f"Recorded by: {row.author_name}{typed}"]
        found.append((make_name("chronology", row.id), "chronology", title, "\n".join(lines)))
    for row in session.scalars(select(Allocation).where(Allocation.person_id.in_(ids)).order_by(Allocation.id)):
        title = f"Allocated to {row.worker_name} from {human(row.start_date)}"
        lines = [title, f"Until: {human(row.end_date) if row.end_date else 'still allocated'}",
                 *(_block("Reason", row.reason) if row.reason else []), f"Allocated by: {row.allocated_by_name}"]
        found.append((make_name("allocations", row.id), "allocation", title, "\n".join(lines)))
    for plan in session.scalars(select(Plan).where(Plan.person_id.in_(ids)).order_by(Plan.id)):
        found.append(_plan_item(session, plan))
    for period in session.scalars(select(CarePeriod).where(CarePeriod.child_id.in_(ids)).order_by(CarePeriod.id)):
        title = f"Looked after from {human(period.start_date)}"
        lines = [title, f"Until: {human(period.end_date) if period.end_date else 'still looked after'}"
                 + (f" (reason {period.end_reason})" if period.end_reason else ""),
                 f"Category of need: {period.category_of_need}"]
        for span in session.scalars(select(LegalStatusSpan).where(LegalStatusSpan.care_period_id == period.id)
                                    .order_by(LegalStatusSpan.start_date)):
            lines.append(f"Legal status {span.code} from {human(span.start_date)}"
                         + (f" to {human(span.end_date)}" if span.end_date else ""))
        found.append((make_name("care-periods", period.id), "care_period", title, "\n".join(lines)))
    for row, carer in session.execute(select(Placement, Carer).join(Carer, Carer.id == Placement.carer_id)
                                      .where(Placement.child_id.in_(ids)).order_by(Placement.id)):
        title = f"Placed with {carer.display_name} from {human(row.start_date)}"
        lines = [title, f"Until: {human(row.end_date) if row.end_date else 'still placed there'}"
                 + (f" (reason {row.end_reason})" if row.end_reason else ""),
                 f"Placement type: {row.placement_type}; provider: {row.provider}"]
        found.append((make_name("placements", row.id), "placement", title, "\n".join(lines)))
    found += _relationship_items(session, ids)
    found += _household_items(session, ids)
    found.append(_access_report_item(session, person, ids))
    return found


def _person_item(session: Session, person: Person, ids: list[int]) -> tuple[str, str, str, str]:
    lines = [f"Name: {person.given_name} {person.family_name}".rstrip(),
             f"Date of birth: {human(person.date_of_birth) if person.date_of_birth else 'not known'}",
             f"Sex: {_enum_words(pb.Sex, person.sex, 'SEX_')}"]
    if person.address or person.postcode:
        lines += _block("Address", "\n".join(p for p in (person.address, person.postcode) if p))
    for label, value in (("School", person.school), ("NHS number", person.nhs_number),
                         ("Unique pupil number", person.upn), ("Council's reference", person.council_child_id)):
        if value:
            lines.append(f"{label}: {value}")
    for row in person.characteristics:
        label = row.key.replace("_", " ").capitalize()
        lines += _block(label, row.value if row.status == cpb.ANSWER_STATUS_ANSWERED
                        else _status_said(row.status, row.reason))
    lines.append(f"First recorded in ICS: {_moment(person.created_at)}")
    if len(ids) > 1:
        lines.append("Also recorded as: " + ", ".join(f"people/{i}" for i in ids[1:])
                     + " (merged into this record)")
    lines.append({access.OPEN: "Who may see the record: the teams working with them",
                  access.RESTRICTED: "Who may see the record: restricted to staff given access by name",
                  access.SEALED: "Who may see the record: sealed, open only to staff given access by name"}
                 .get(person.access_level, "Who may see the record: not known"))
    return make_name("people", person.id), "person", people.display_name(person), "\n".join(lines)


def _template(library: TemplateLibrary, document: Document) -> Template | None:
    try:
        return library.get(document.template_id, document.template_version)
    except KeyError:  # a council's template removed since: the answers still go out, by their ids
        return None


def _answer_text(question: Question | None, answer: dict) -> str:
    status = answer.get("status", cpb.ANSWER_STATUS_UNSPECIFIED)
    if status != cpb.ANSWER_STATUS_ANSWERED:
        return _status_said(status, answer.get("reason", ""))
    value = str(answer.get("value", ""))
    if question is None:
        return value
    if question.choices:
        labels = dict(question.choices)
        return ", ".join(labels.get(v.strip(), v.strip()) for v in value.split(","))
    if question.type == "date":
        try:
            return human(date.fromisoformat(value))
        except ValueError:
            return value
    if question.type == "yes_no":
        return value.capitalize()
    return value


def _document_item(session: Session, library: TemplateLibrary, document: Document) -> tuple[str, str, str, str]:
    """The document's answers under the template's own section titles and question labels (the
    version it was written with): every question answered or given a status, shown or not by
    its pathway, because all of it is held."""
    template = _template(library, document)
    answers = answers_of(session, document)
    title = f"{document.title}, started {human(document.start_date)}"
    lines = [title, f"State: {STATE_WORDS.get(document.state, 'not known')}"
             + (f" ({document.end_reason})" if document.end_reason else ""),
             f"Written by: {document.author_name}"
             + (f", typed by {document.entered_by_name}" if document.entered_by_name else "")]
    if document.return_comments:
        lines += _block("Returned with the comments", document.return_comments)
    said: set[str] = set()
    for section in template.sections if template else ():
        body = []
        for question in section.questions:
            answer = answers.get(question.id)
            if answer is None or answer.get("status", 0) in UNASKED:
                continue
            said.add(question.id)
            body += _block(question.label, _answer_text(question, answer))
        if body:
            lines += ["", f"{section.title}"] + body
    rest = [key for key, answer in answers.items() if key not in said and answer.get("status", 0) not in UNASKED]
    if rest:
        lines += ["", "Other answers"]
        for key in sorted(rest):
            lines += _block(key.replace("_", " ").capitalize(), _answer_text(None, answers[key]))
    signatures = list(session.scalars(select(DocumentSignature).where(DocumentSignature.document_id == document.id)
                                      .order_by(DocumentSignature.id)))
    if signatures:
        lines += ["", "Signatures"] + [f"{s.signer_name}, as {s.role.replace('_', ' ')}, {_moment(s.signed_at)}"
                                       for s in signatures]
    notes = list(session.scalars(select(DocumentAppendment).where(DocumentAppendment.document_id == document.id)
                                 .order_by(DocumentAppendment.id)))
    if notes:
        lines += ["", "Added after it was completed"]
        for note in notes:
            lines += _block(f"{note.author_name}, {_moment(note.created_at)}", note.text)
    return make_name("documents", document.id), "document", title, "\n".join(lines)


def _plan_item(session: Session, plan: Plan) -> tuple[str, str, str, str]:
    from services.records.chronology import PLAN_WORDS

    title = f"{PLAN_WORDS.get(plan.kind, 'Plan')} from {human(plan.start_date)}"
    lines = [title, f"Until: {human(plan.end_date) if plan.end_date else 'still in force'}"
             + (f" ({plan.end_reason})" if plan.end_reason else "")]
    for outcome in session.scalars(select(PlanOutcome).where(PlanOutcome.plan_id == plan.id).order_by(PlanOutcome.id)):
        lines += [""] + _block("Outcome" + ("" if outcome.current else " (no longer current)"), outcome.text)
        for action in session.scalars(select(PlanAction).where(PlanAction.outcome_id == outcome.id)
                                      .order_by(PlanAction.id)):
            lines += _block(f"Action for {action.who}, by {human(action.by_when)}"
                            + (" (done)" if action.done else ""), action.what)
        for review in session.scalars(select(OutcomeReview).where(OutcomeReview.outcome_id == outcome.id)
                                      .order_by(OutcomeReview.id)):
            lines += _block(f"Reviewed {human(review.review_date)} by {review.recorded_by_name}, progress "
                            f"{review.progress}", review.note)
    return make_name("plans", plan.id), "plan", title, "\n".join(lines)


def _relationship_items(session: Session, ids: list[int]) -> list[tuple[str, str, str, str]]:
    """Both ways round: the person's own relationships, and where another child's record names
    them (a parent asking finds their children's records named, for the officer to consider)."""
    found = []
    rows = session.execute(select(Relationship, RelationshipType.label)
                           .join(RelationshipType, RelationshipType.code == Relationship.type_code)
                           .where(or_(Relationship.child_id.in_(ids), Relationship.other_id.in_(ids)))
                           .order_by(Relationship.id)).all()
    names = {p.id: f"{p.given_name} {p.family_name}".strip() for p in session.scalars(
        select(Person).where(Person.id.in_({r.child_id for r, _ in rows} | {r.other_id for r, _ in rows})))}
    for row, label in rows:
        if row.child_id in ids:
            title = f"{names.get(row.other_id, 'someone')} (people/{row.other_id}) is their {label.lower()}"
        else:
            title = f"They are the {label.lower()} of {names.get(row.child_id, 'someone')} (people/{row.child_id})"
        lines = [title, f"Lives with them: {'yes' if row.lives_with_child else 'no'}"]
        if row.start_date or row.end_date:
            lines.append(f"From {human(row.start_date)}" + (f" to {human(row.end_date)}" if row.end_date else ""))
        found.append((make_name("relationships", row.id), "relationship", title, "\n".join(lines)))
    return found


def _household_items(session: Session, ids: list[int]) -> list[tuple[str, str, str, str]]:
    found = []
    for member, household in session.execute(select(HouseholdMember, Household)
                                             .join(Household, Household.id == HouseholdMember.household_id)
                                             .where(HouseholdMember.person_id.in_(ids)).order_by(HouseholdMember.id)):
        title = f"Lived in a household from {human(member.from_date)}"
        lines = [title, f"Until: {human(member.to_date) if member.to_date else 'still lives there'}"]
        if household.address or household.postcode:
            lines += _block("Address", "\n".join(p for p in (household.address, household.postcode) if p))
        others = session.execute(select(Person.given_name, Person.family_name).join(
            HouseholdMember, HouseholdMember.person_id == Person.id).where(
            HouseholdMember.household_id == household.id, HouseholdMember.person_id.not_in(ids))
            .order_by(HouseholdMember.id)).all()
        if others:
            lines.append("Others recorded as living there: " + ", ".join(f"{g} {f}".strip() for g, f in others))
        found.append((f"households/{household.id}/members/{member.id}", "household", title, "\n".join(lines)))
    return found


def _access_report_item(session: Session, person: Person, ids: list[int]) -> tuple[str, str, str, str]:
    """The "who has seen this record" report (access_report.py's words for each audited action),
    as it stands when the request is opened."""
    title = "as at " + _moment(datetime.now(timezone.utc))
    lines = ["Who has seen or changed the record, " + title]
    query = (select(AuditEntry).join(AuditPerson, AuditPerson.audit_id == AuditEntry.id)
             .where(AuditPerson.person_id.in_(ids)).order_by(AuditEntry.id).distinct())
    lines.extend(sentence(entry) for entry in session.scalars(query))
    if len(lines) == 1:
        lines.append("Nobody has looked at or changed it.")
    return f"people/{person.id}/access-report", "access_report", title, "\n".join(lines)


# -- looking, redacting, undoing -----------------------------------------------------------------

@dataclass
class ItemView:
    item: SubjectAccessItem
    redactions: list[SubjectAccessRedaction]
    redacted_text: str


def list_requests(session: Session, principal: Principal) -> list[tuple[SubjectAccessRequest, str]]:
    """Every request, newest first, with the person's name (the officer needs it to tell them apart)."""
    _require(principal, "see subject access requests")
    rows = list(session.execute(select(SubjectAccessRequest, Person).join(Person, Person.id ==
                                SubjectAccessRequest.person_id).order_by(SubjectAccessRequest.id.desc())))
    if rows:
        audit.record(session, principal, "list", COLLECTION, [p.id for _, p in rows])
    return [(row, people.display_name(person)) for row, person in rows]


def items(session: Session, principal: Principal, request_id: int | str
          ) -> tuple[SubjectAccessRequest, list[tuple[SubjectAccessItem, list[SubjectAccessRedaction]]]]:
    _require(principal, "read subject access requests")
    row = _request(session, request_id)
    live = _live_redactions(session, row)
    listed = [(item, [r for r in live if r.item_id == item.item_id]) for item in _items(session, row)]
    audit.record(session, principal, "sar.read", _subject(row), [row.person_id], detail="the list of items")
    return row, listed


def show(session: Session, principal: Principal, request_id: int | str, item_ref: str | int) -> ItemView:
    _require(principal, "read subject access requests")
    row = _request(session, request_id)
    item = _item(session, row, item_ref)
    live = _live_redactions(session, row, item.item_id)
    audit.record(session, principal, "sar.read", _subject(row), [row.person_id], detail=item.item_id)
    return ItemView(item, live, redacted(item, live))


def redact(session: Session, principal: Principal, request_id: int | str, item_ref: str | int, reason: str,
           text: str = "", withhold: bool = False, note: str = "") -> SubjectAccessRedaction:
    """A span of an item's text (every place it occurs in that item) or the whole item, left out
    of the released copy for `reason`. The span must occur exactly as typed: a near miss would
    release the words the officer meant to remove."""
    _require(principal, "redact subject access requests")
    row = _request(session, request_id, for_update=True)
    _require_open(row, "be redacted")
    item = _item(session, row, item_ref)
    where = f"item {item.position} ({item.item_id})"
    if reason not in REASONS:
        raise InvalidArgument(f"{reason!r} is not a reason for a redaction; choose one of: "
                              + ", ".join(f"{k} ({v})" for k, v in REASONS.items()) + ". Nothing was redacted.",
                              {"reason": "one of " + ", ".join(REASONS)})
    if bool(text) == bool(withhold):
        raise InvalidArgument("Give either the exact words to remove, or withhold the whole item, not both or "
                              "neither. Nothing was redacted.", {"text": "the words, or withhold"})
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidArgument(f"The note is too long: at most {NOTE_MAX} characters. Nothing was redacted.",
                              {"note": f"at most {NOTE_MAX} characters"})
    live = _live_redactions(session, row, item.item_id)
    held_back = next((r for r in live if r.withhold), None)
    if held_back:
        raise FailedPrecondition(f"{where} is already withheld in full (redaction {held_back.id}); nothing was "
                                 "redacted. Undo that first to release part of it.")
    if text:
        if not text.strip():
            raise InvalidArgument("The words to remove are only spaces; nothing was redacted.", {"text": "words"})
        if len(text) > SPAN_MAX:
            raise InvalidArgument(f"The words to remove are too long: at most {SPAN_MAX} characters at a time. "
                                  "Nothing was redacted; withhold the whole item instead if most of it must go.",
                                  {"text": f"at most {SPAN_MAX} characters"})
        if text not in item.text:
            hint = " (it does appear with different capitals)" if text.lower() in item.text.lower() else ""
            raise InvalidArgument(f"The words \"{text}\" do not appear in {where} exactly as typed{hint}, so nothing "
                                  "was redacted. Copy them from `ics admin sar show`; capitals, spaces and "
                                  "punctuation must match.", {"text": "must occur in the item"})
        same = next((r for r in live if r.text == text), None)
        if same:
            raise FailedPrecondition(f"Those words are already redacted in {where} (redaction {same.id}); "
                                     "nothing was changed.")
    made = SubjectAccessRedaction(request_id=row.id, item_id=item.item_id, text="" if withhold else text,
                                  withhold=bool(withhold), reason=reason, note=note, made_by_user=principal.user_id,
                                  made_by_name=principal.display_name, made_at=datetime.now(timezone.utc))
    session.add(made)
    session.flush()
    what = "withheld in full" if withhold else f"{item.text.count(text)} place(s)"
    # Only ids and the reason: the redacted words themselves must never reach the audit.
    audit.record(session, principal, "sar.redact", _subject(row), [row.person_id],
                 detail=f"redaction {made.id} on {item.item_id}: {REASONS[reason]}, {what}")
    return made


def unredact(session: Session, principal: Principal, request_id: int | str, redaction_id: int | str,
             note: str) -> SubjectAccessRedaction:
    _require(principal, "undo redactions")
    row = _request(session, request_id, for_update=True)
    _require_open(row, "be changed")
    note = note.strip()
    if not note:
        raise InvalidArgument("Say why the redaction is being undone (--note); nothing was changed.",
                              {"note": "required"})
    if len(note) > NOTE_MAX:
        raise InvalidArgument(f"The note is too long: at most {NOTE_MAX} characters. Nothing was changed.",
                              {"note": f"at most {NOTE_MAX} characters"})
    raw = str(redaction_id).strip()
    found = session.get(SubjectAccessRedaction, int(raw)) if _number(raw) else None
    if found is None or found.request_id != row.id:
        raise NotFound(f"{_subject(row)} has no redaction {raw!r}; `ics admin sar show` lists an item's "
                       "redactions with their numbers. Nothing was changed.")
    if found.undone_at is not None:
        raise FailedPrecondition(f"Redaction {found.id} was already undone by {found.undone_by_name} on "
                                 f"{_moment(found.undone_at)}; nothing was changed.")
    found.undone_at, found.undone_by_user = datetime.now(timezone.utc), principal.user_id
    found.undone_by_name, found.undo_note = principal.display_name, note
    audit.record(session, principal, "sar.unredact", _subject(row), [row.person_id],
                 detail=f"redaction {found.id} on {found.item_id}")
    return found


def _label(reasons: list[str]) -> str:
    return "[redacted: " + "; ".join(REASONS[r] for r in reasons) + "]"


def redacted(item: SubjectAccessItem, live: list[SubjectAccessRedaction]) -> str:
    """The item's text with every live span replaced by "[redacted: reason]". Where spans
    overlap, the union goes and the label gives both reasons, so no fragment of either is left."""
    withheld = next((r for r in live if r.withhold), None)
    if withheld:
        return f"[withheld in full: {REASONS[withheld.reason]}]"
    marks: list[tuple[int, int, str]] = []
    for redaction in live:
        start = item.text.find(redaction.text)
        while redaction.text and start >= 0:
            marks.append((start, start + len(redaction.text), redaction.reason))
            start = item.text.find(redaction.text, start + len(redaction.text))
    merged: list[list] = []
    for start, end, reason in sorted(marks):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if reason not in merged[-1][2]:
                merged[-1][2].append(reason)
        else:
            merged.append([start, end, [reason]])
    out, at = [], 0
    for start, end, reasons in merged:
        out += [item.text[at:start], _label(reasons)]
        at = end
    out.append(item.text[at:])
    return "".join(out)


# -- release -------------------------------------------------------------------------------------

@dataclass
class Released:
    request: SubjectAccessRequest
    stem: str        # file names hold no personal details: subject-access-request-3
    text: str        # the copy for the person who asked
    pdf: bytes       # the same copy as an A4 PDF
    log: str         # the redaction log, for the council's own file


def release(session: Session, principal: Principal, request_id: int | str) -> Released:
    """The redacted copy and the log; the request is closed in the same transaction, so a
    failure to write the files (the caller writes them before committing) leaves it open."""
    _require(principal, "release subject access requests")
    row = _request(session, request_id, for_update=True)
    _require_open(row, "be released again")
    person = session.get(Person, row.person_id)
    row.state, row.released_at = RELEASED, datetime.now(timezone.utc)
    row.released_by_user, row.released_by_name = principal.user_id, principal.display_name
    session.flush()
    sections = copy_sections(session, row, person)
    facts = _facts(row, person)
    stem = f"subject-access-request-{row.id}"
    text = _as_text("The information we hold about you", facts, sections)
    pdf = _as_pdf("The information we hold about you", facts, sections, row, person)
    log = redaction_log(session, row, person)
    live = _live_redactions(session, row)
    audit.record(session, principal, "sar.release", _subject(row), [row.person_id],
                 detail=f"{len(_items(session, row))} items; {len(live)} redactions "
                        f"({sum(1 for r in live if r.withhold)} withheld in full)")
    return Released(row, stem, text, pdf, log)


def _facts(row: SubjectAccessRequest, person: Person) -> list[tuple[str, str]]:
    return [("About", f"{people.display_name(person)} (people/{person.id})"), ("Request", _subject(row)),
            ("Asked by", row.requester), ("Received", human(row.received_date)), ("Due", human(row.due_date)),
            ("Released", f"{_moment(row.released_at)} by {row.released_by_name}" if row.released_at else "not yet")]


def copy_sections(session: Session, row: SubjectAccessRequest, person: Person) -> list[tuple[str, list[str]]]:
    """(heading, lines) for the copy the person receives: an explanation, every item with its
    redactions applied (a withheld item keeps only its number, kind and reason: its title could
    say what it was), and what was removed and why, without the words."""
    live = _live_redactions(session, row)
    by_item: dict[str, list[SubjectAccessRedaction]] = {}
    for redaction in live:
        by_item.setdefault(redaction.item_id, []).append(redaction)
    items_ = _items(session, row)
    sections = [("About this copy", [
        f"This is a copy of the information the council holds about {person.given_name} "
        f"{person.family_name}, gathered on {_moment(row.opened_at)} in answer to a subject access request "
        f"received on {human(row.received_date)}.",
        "Where information about other people, or information the law allows us to keep back, has been "
        "removed, the copy says so in square brackets, giving the reason. "
        "The last section lists every removal and its reason.",
        f"It has {len(items_)} numbered items."])]
    for item in items_:
        heading = f"{item.position}. {KIND_WORDS.get(item.kind, 'Item')} ({item.item_id})"
        sections.append((heading, redacted(item, by_item.get(item.item_id, [])).splitlines()))
    positions = {item.item_id: item.position for item in items_}
    removed = [f"Item {positions.get(r.item_id, '?')} ({r.item_id}): "
               + ("withheld in full" if r.withhold else f"words removed in {_count(r, items_)}")
               + f", because: {REASONS[r.reason]}."
               for r in sorted(live, key=lambda r: (positions.get(r.item_id, 0), r.id))]
    sections.append(("What was removed and why", removed or ["Nothing was removed."]))
    return sections


def _count(redaction: SubjectAccessRedaction, items_: list[SubjectAccessItem]) -> str:
    text = next((i.text for i in items_ if i.item_id == redaction.item_id), "")
    n = text.count(redaction.text) if redaction.text else 0
    return "1 place" if n == 1 else f"{n} places"


def read_log(session: Session, principal: Principal, request_id: int | str) -> str:
    _require(principal, "read redaction logs")
    row = _request(session, request_id)
    audit.record(session, principal, "sar.read", _subject(row), [row.person_id], detail="the redaction log")
    return redaction_log(session, row)


def redaction_log(session: Session, row: SubjectAccessRequest, person: Person | None = None) -> str:
    """Every redaction ever made on the request, undone ones too, with the words, the reason, the
    note, who and when: for the council's file, never for the person who asked."""
    person = person or session.get(Person, row.person_id)
    positions = {item.item_id: item.position for item in _items(session, row)}
    lines = [f"Redaction log: subject access request {_subject(row)}", "=" * 60, "",
             "FOR THE COUNCIL'S FILE ONLY: this log quotes the words that were removed. Do not send it to the",
             "person who asked.", ""]
    for label, value in _facts(row, person):
        lines.append(f"{label + ':':<10}{value}")
    redactions = _all_redactions(session, row)
    lines.append("")
    if not redactions:
        lines.append("No redactions were made.")
    for r in redactions:
        where = f"item {positions.get(r.item_id, '?')} ({r.item_id})"
        what = "withheld in full" if r.withhold else f"the words \"{r.text}\""
        lines.append(f"Redaction {r.id}: {where}, {what}; reason: {REASONS.get(r.reason, r.reason)}; "
                     f"by {r.made_by_name}, {_moment(r.made_at)}.")
        if r.note:
            lines.append(f"{INDENT}Note: {r.note}")
        if r.undone_at:
            lines.append(f"{INDENT}UNDONE by {r.undone_by_name}, {_moment(r.undone_at)}, because: {r.undo_note}")
    return "\n".join(lines) + "\n"


# -- rendering -------------------------------------------------------------------------------------

def _wrap(line: str) -> list[str]:
    if not line.strip():
        return [""]
    indent = line[:len(line) - len(line.lstrip())]
    return textwrap.wrap(line.strip(), WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=False) or [indent]


def _as_text(title: str, facts: list[tuple[str, str]], sections: list[tuple[str, list[str]]]) -> str:
    lines = [title, "=" * len(title), ""] + [f"{label + ':':<10}{value}" for label, value in facts]
    for heading, body in sections:
        lines += ["", heading, "-" * min(WIDTH, len(heading))]
        for line in body:
            lines += _wrap(line)
    return "\n".join(lines) + "\n"


def _as_pdf(title: str, facts: list[tuple[str, str]], sections: list[tuple[str, list[str]]],
            row: SubjectAccessRequest, person: Person) -> bytes:
    """An A4 PDF of the same copy with fpdf2 and the bundled DejaVu Sans (tui/core/pdf.py takes a
    document's outline, with its signature block and states, not a bundle of items). Every page
    says whose copy it is and "page N of M"; the same release always gives the same bytes."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fonts = Path(str(resources.files("tui.core") / "fonts"))
    running = f"{person.given_name} {person.family_name} · subject access request {_subject(row)}"

    class Pages(FPDF):
        def header(self):
            self.set_font("DejaVuSans", "", 8)
            self.set_text_color(70)
            self.cell(0, 5, running, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0)
            self.ln(3)

        def footer(self):
            self.set_y(-14)
            self.set_font("DejaVuSans", "", 8)
            self.set_text_color(70)
            self.cell(0, 5, f"{_subject(row)} · page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0)

    pdf = Pages(orientation="portrait", unit="mm", format="A4")
    pdf.add_font("DejaVuSans", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVuSans", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 12, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title("Subject access request copy")  # no name in the file's properties
    pdf.set_creator("ICS")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(as_utc(row.released_at or row.opened_at))
    pdf.add_page()
    pdf.set_font("DejaVuSans", "B", 18)
    pdf.multi_cell(0, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for label, value in facts:
        pdf.set_font("DejaVuSans", "B", 10)
        pdf.cell(28, 5.5, f"{label}:")
        pdf.set_font("DejaVuSans", "", 10)
        pdf.multi_cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for heading, body in sections:
        pdf.ln(3)
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.set_font("DejaVuSans", "B", 12)
        pdf.multi_cell(0, 6.5, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(70)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)
        pdf.set_font("DejaVuSans", "", 10)
        for line in body:
            if not line.strip():
                pdf.ln(2.5)
                continue
            indent = 8 if line.startswith(INDENT) else 0
            pdf.set_x(pdf.l_margin + indent)
            pdf.multi_cell(pdf.epw - indent, 5.2, line.strip(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def summary_line(item: SubjectAccessItem, live: list[SubjectAccessRedaction]) -> str:
    """One line for `items`: number, id, what it is, and its redactions so far."""
    mark = ""
    if any(r.withhold for r in live):
        mark = "  [withheld in full]"
    elif live:
        mark = f"  [{len(live)} redaction{'s' if len(live) != 1 else ''}]"
    title = item.title if len(item.title) <= 60 else item.title[:59] + "…"
    return f"{item.position:>3}. {item.item_id:<28} {KIND_WORDS.get(item.kind, 'Item')}: {title}{mark}"


def describe_request(row: SubjectAccessRequest, name: str) -> str:
    state = "open" if row.state == OPEN else f"released {_moment(row.released_at)} by {row.released_by_name}"
    return (f"{_subject(row)}: {name} (people/{row.person_id}); asked by {row.requester}; received "
            f"{human(row.received_date)}, due {human(row.due_date)}; {state}")
