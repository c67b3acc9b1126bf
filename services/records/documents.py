"""Documents written from the exemplar templates: answers with statuses, pathways, explicit
ends (R-STATE), and the frozen snapshot taken when one is completed (R-FREEZE)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime, timezone

from google.protobuf import json_format
from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import as_utc, iso, past_date_or_today, today_london
from services.common.errors import (AlreadyExists, FailedPrecondition, InvalidArgument, NotFound,
                                    PermissionDenied)
from services.common.etags import require_etag
from services.common.names import make_name, parse_name
from services.records import (access, allocations, audit, editing_time, episodes, households, idempotency,
                              outbox, people)
from services.records.models import (Attachment, Document, DocumentAppendment, DocumentSignature, DocumentSnapshot,
                                     Episode, HouseholdFact, Person, Relationship)
from services.records.signing import Signer, canonical
from services.records.template_library import Question, Template, TemplateLibrary

ANSWERED = cpb.ANSWER_STATUS_ANSWERED
NOT_YET_ASKED = cpb.ANSWER_STATUS_NOT_YET_ASKED
ENDS = {pb.DOCUMENT_STATE_COMPLETED: "completed", pb.DOCUMENT_STATE_CANCELLED: "cancelled",
        pb.DOCUMENT_STATE_POSTPONED: "postponed"}
STATE_WORDS = {pb.DOCUMENT_STATE_IN_PROGRESS: "in progress", pb.DOCUMENT_STATE_SUBMITTED: "waiting for approval",
               **ENDS}
# The narrative every document carries (R-NARRATIVE); the case story reads the same questions.
STORY_QUESTIONS = ("pen_picture", "key_case_summary")
# Work that counts as "already started" for R-DUP; cancelled and postponed work does not block.
LIVE_STATES = (pb.DOCUMENT_STATE_IN_PROGRESS, pb.DOCUMENT_STATE_SUBMITTED, pb.DOCUMENT_STATE_COMPLETED)


def template_to_proto(template: Template) -> pb.Template:
    return pb.Template(
        name=f"templates/{template.name}/versions/{template.version}", template_id=template.name,
        version=template.version, title=template.title, kind=template.kind,
        definition_json=json.dumps(dataclasses.asdict(template), sort_keys=True),
    )


def find_template(library: TemplateLibrary, template_id: str, version: int | None = None) -> Template:
    try:
        return library.get(template_id, version or None)
    except KeyError:
        raise NotFound(f"There is no template {template_id!r}" + (f" version {version}." if version else ".")) from None


def _answers(document: Document) -> dict[str, dict]:
    return json.loads(document.answers_json)


def answers_of(session: Session, document: Document) -> dict[str, dict]:
    """What the document says now: its own answers, and while it is open, its household's
    current answers to the family questions it shares (R-FAMILY)."""
    answers = _answers(document)
    if document.household_id and document.state in (pb.DOCUMENT_STATE_IN_PROGRESS, pb.DOCUMENT_STATE_SUBMITTED):
        answers = households.overlay(session, document.household_id, json.loads(document.shared_json), answers)
    return answers


@dataclasses.dataclass
class _Extras:
    """A document's snapshot, signatures and appendments, and its child's name, read for many
    documents at once."""

    snapshots: dict[int, DocumentSnapshot]
    signatures: dict[int, list[DocumentSignature]]
    appendments: dict[int, list[DocumentAppendment]]
    children: dict[int, str]

    @classmethod
    def load(cls, session: Session, documents: list[Document]) -> "_Extras":
        extras = cls({}, {}, {}, {})
        if not documents:
            return extras
        ids = [d.id for d in documents]
        # Only the columns a name needs: a whole Person would also load its characteristics.
        extras.children = {row.id: people.display_name(row) for row in session.execute(
            select(Person.id, Person.given_name, Person.family_name, Person.date_of_birth)
            .where(Person.id.in_({d.person_id for d in documents})))}
        for row in session.scalars(select(DocumentSnapshot).where(DocumentSnapshot.document_id.in_(ids))):
            extras.snapshots[row.document_id] = row
        for row in session.scalars(select(DocumentSignature).where(DocumentSignature.document_id.in_(ids))
                                   .order_by(DocumentSignature.id)):
            extras.signatures.setdefault(row.document_id, []).append(row)
        for row in session.scalars(select(DocumentAppendment).where(DocumentAppendment.document_id.in_(ids))
                                   .order_by(DocumentAppendment.id)):
            extras.appendments.setdefault(row.document_id, []).append(row)
        return extras


def to_proto(session: Session, document: Document, extras: _Extras | None = None, full: bool = True) -> pb.Document:
    """The document; `full=False` leaves out the answers and the snapshot's text (a list's BASIC view)."""
    extras = extras or _Extras.load(session, [document])
    msg = pb.Document(
        name=make_name("documents", document.id), person=make_name("people", document.person_id),
        person_display_name=extras.children.get(document.person_id, ""),
        template_id=document.template_id, template_version=document.template_version, title=document.title,
        state=document.state, etag=str(document.version), end_reason=document.end_reason,
        start_date=iso(document.start_date), episode=make_name("episodes", document.episode_id),
        return_comments=document.return_comments or "", supersedes=make_name("documents", document.supersedes_id),
    )
    for note in extras.appendments.get(document.id, []):
        added = msg.appendments.add(text=note.text, sha256=note.sha256)
        added.author.user_name = make_name("users", note.author_user)
        added.author.display_name = note.author_name
        added.create_time.FromDatetime(note.created_at)
    if document.submitted_by_user:
        msg.submitted_by.user_name = make_name("users", document.submitted_by_user)
        msg.submitted_by.display_name = document.submitted_by_name
    for key, answer in (answers_of(session, document) if full else {}).items():
        msg.answers[key].CopyFrom(cpb.Answer(**answer))
    msg.author.user_name = make_name("users", document.author_user)
    msg.author.username = document.author_username
    msg.author.display_name = document.author_name
    if document.entered_by_user:
        msg.entered_by.user_name = document.entered_by_user
        msg.entered_by.display_name = document.entered_by_name
    msg.create_time.FromDatetime(document.created_at)
    msg.update_time.FromDatetime(document.updated_at)
    if document.ended_at:
        msg.end_time.FromDatetime(document.ended_at)
    snapshot = extras.snapshots.get(document.id)
    if snapshot is not None:
        msg.snapshot_sha256 = snapshot.sha256
        if full:
            msg.snapshot_json = snapshot.snapshot_json
    for row in extras.signatures.get(document.id, []):
        signature = msg.signatures.add(role=row.role, method=row.method, signer_name=row.signer_name,
                                       witnessed_by=row.witnessed_by_name,
                                       attachment=make_name("attachments", row.attachment_id))
        signature.sign_time.FromDatetime(row.signed_at)
    return msg


def _signatures(session: Session, document_id: int) -> list[DocumentSignature]:
    return list(session.scalars(select(DocumentSignature).where(DocumentSignature.document_id == document_id)
                                .order_by(DocumentSignature.id)))


def _check_value(question: Question, value: str) -> str | None:
    if question.type == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "expected a date as YYYY-MM-DD"
    elif question.type == "number":
        try:
            float(value)
        except ValueError:
            return "expected a number"
    elif question.type == "yes_no" and value not in ("yes", "no"):
        return "expected yes or no"
    elif question.type in ("choice", "multi_choice"):
        allowed = {v for v, _ in question.choices}
        chosen = [v.strip() for v in value.split(",")] if question.type == "multi_choice" else [value]
        wrong = [v for v in chosen if v not in allowed]
        if wrong:
            return f"{', '.join(wrong)} is not one of the choices ({', '.join(sorted(allowed))})"
    return None


def validate_answers(template: Template, answers) -> dict[str, str]:
    return check_answers({q.id: q for q in template.questions()}, answers,
                         f"{template.title} version {template.version}")


def check_answers(known: dict[str, Question], answers, asked_in: str, prefix: str = "answers") -> dict[str, str]:
    violations = {}
    for key, answer in answers.items():
        field = f"{prefix}.{key}"
        question = known.get(key)
        if question is None:
            violations[field] = f"is not a question in {asked_in}"
        elif answer.status == ANSWERED:
            if not answer.value.strip():
                violations[field] = "is marked answered but has no answer; choose not known or declined instead"
            elif problem := _check_value(question, answer.value.strip()):
                violations[field] = problem
        elif answer.value.strip() and answer.status not in (0, ANSWERED):
            violations[field] = "has an answer but is not marked answered"
    return violations


def _merge(stored: dict[str, dict], answers) -> dict[str, dict]:
    merged = dict(stored)
    for key, answer in answers.items():
        status = answer.status or (ANSWERED if answer.value.strip() else NOT_YET_ASKED)
        if status == NOT_YET_ASKED and not answer.reason.strip():
            merged.pop(key, None)  # back to never asked
        else:
            merged[key] = {"value": answer.value.strip() if status == ANSWERED else "", "status": status,
                           "reason": answer.reason.strip()}
    return merged


def visible_document(session: Session, principal: Principal, document_id: int, for_update: bool = False) -> Document:
    """The document, if the caller may read it (or, for_update, change it: a reviewing officer
    only the reviews); otherwise NOT_FOUND alike for absent and not visible."""
    action = access.write_action(principal) if for_update else access.READ
    query = (select(Document).join(Person, Person.id == Document.person_id)
             .where(Document.id == document_id).where(access.visible_people(principal, action)))
    if action == "review.write":
        query = query.where(Document.template_id.in_(access.review_template_ids))
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Document)
    document = session.scalar(query)
    if document is None:
        raise NotFound(f"No document documents/{document_id} is known to you.")
    return document


def create(session: Session, principal: Principal, library: TemplateLibrary,
           request: pb.CreateDocumentRequest) -> pb.Document:
    access.require(principal, access.write_action(principal), "write documents")
    if earlier := idempotency.earlier_result(session, principal, request.request_id, "CreateDocument"):
        return to_proto(session, visible_document(session, principal, parse_name(earlier, "documents")))
    template = find_template(library, request.template_id)
    if template.kind == "migration" and principal.user_id != 0:
        # It says exactly what a past return said; only the import at the console writes one.
        raise PermissionDenied(f"A {template.title} is written only by `ics admin import`, from a council's past "
                               "returns; start the record you need from its own template.")
    if access.writes_reviews_only(principal) and template.kind not in access.REVIEW_KINDS:
        raise PermissionDenied(f"A reviewing officer writes review records; a {template.title} is written by the "
                               "child's social worker.")
    person = people.get_visible(session, principal, parse_name(request.person, "people", "person"),
                                action=access.write_action(principal))
    violations = validate_answers(template, request.answers)
    start = past_date_or_today(request.start_date, "start_date", "start date", violations)
    people.raise_if_invalid(violations, f"The {template.title}")
    original = _superseded(session, principal, request, person.id, template) if request.supersedes else None
    # R-DUP: the same work for the same child starting the same day is one piece of work.
    # A version already replaced by a later one is history, not a twin: a third version of a
    # record must not collide with the first.
    replaced = select(Document.supersedes_id).where(Document.person_id == person.id,
                                                    Document.supersedes_id.is_not(None))
    twin = session.scalar(select(Document).where(
        Document.person_id == person.id, Document.template_id == template.name, Document.start_date == start,
        Document.state.in_(LIVE_STATES), Document.id != (original.id if original else -1),
        Document.id.not_in(replaced)))
    if twin is not None:
        raise AlreadyExists(f"A {template.title} for {people.display_name(person)} starting {iso(start)} already "
                            f"exists (documents/{twin.id}, by {twin.author_name}). Open that one instead.",
                            make_name("documents", twin.id))
    known = {q.id for q in template.questions()}
    carried = {k: v for k, v in _answers(original).items() if k in known} if original else {}
    document = _new_document(session, principal, template, person, carried, start)
    _record_answers(session, principal, document, request.answers)
    editing_time.record_save(session, principal, document)
    if original is not None:
        document.supersedes_id = original.id
    idempotency.remember(session, principal, request.request_id, "CreateDocument", make_name("documents", document.id))
    return to_proto(session, document)


def _superseded(session: Session, principal: Principal, request: pb.CreateDocumentRequest, person_id: int,
                template: Template) -> Document:
    original = visible_document(session, principal, parse_name(request.supersedes, "documents", "supersedes"))
    if original.person_id != person_id or original.template_id != template.name:
        raise InvalidArgument("A new version must be of the same record for the same child.",
                              {"supersedes": "a different child or template"})
    if original.state != pb.DOCUMENT_STATE_COMPLETED:
        instead = "change it instead" if original.state == pb.DOCUMENT_STATE_IN_PROGRESS else "start a new one instead"
        raise FailedPrecondition(f"This {original.title} is {STATE_WORDS[original.state]}: only a completed record "
                                 f"takes a new version; {instead}.")
    return original


def appendment_payload(document: Document, snapshot_sha256: str, text: str, author: str, at: datetime) -> dict:
    """What an appendment's signature covers: it names the snapshot it adds to, so it cannot be
    moved to another document, and its own hash covers its words, author and time."""
    at = as_utc(at)
    body = {"document": make_name("documents", document.id), "snapshot_sha256": snapshot_sha256, "text": text,
            "author": author, "created_at": at.astimezone(timezone.utc).isoformat(timespec="seconds")}
    return {**body, "sha256": hashlib.sha256(canonical(body)).hexdigest()}


def append(session: Session, principal: Principal, signer: Signer,
           request: pb.AppendToDocumentRequest) -> pb.Document:
    access.require(principal, access.write_action(principal), "add to documents")
    if not request.text.strip():
        raise InvalidArgument("Write what you are adding.", {"text": "required"})
    document = visible_document(session, principal, parse_name(request.name, "documents"), for_update=True)
    if document.state != pb.DOCUMENT_STATE_COMPLETED:
        raise FailedPrecondition(f"This {document.title} is {STATE_WORDS[document.state]}: appendments are for "
                                 "completed records" + ("; change it directly." if document.state ==
                                                        pb.DOCUMENT_STATE_IN_PROGRESS else "."))
    snapshot = session.get(DocumentSnapshot, document.id)
    now = datetime.now(timezone.utc)
    payload = appendment_payload(document, snapshot.sha256, request.text.strip(), principal.display_name, now)
    session.add(DocumentAppendment(document_id=document.id, text=request.text.strip(), author_user=principal.user_id,
                                   author_name=principal.display_name, created_at=now,
                                   sha256=payload["sha256"], signature=signer.sign(payload)))
    document.version += 1
    session.flush()
    name = make_name("documents", document.id)
    outbox.append(session, principal, "document.appended", name, document.person_id, {"document": name})
    audit.record(session, principal, "append", name, [document.person_id])
    return to_proto(session, document)


def _new_document(session: Session, principal: Principal, template: Template, person: Person, answers: dict,
                  start: date, copied_from: str = "") -> Document:
    now = datetime.now(timezone.utc)
    household_id = households.current_household_id(session, person.id)
    shared = sorted(households.family_question_ids(template)) if household_id else []
    document = Document(
        person_id=person.id, template_id=template.name, template_version=template.version, title=template.title,
        state=pb.DOCUMENT_STATE_IN_PROGRESS, start_date=start,
        answers_json=json.dumps({k: v for k, v in answers.items() if k not in shared}, sort_keys=True),
        end_reason="", author_user=principal.user_id, author_username=principal.username,
        author_name=principal.display_name, version=1, created_at=now, updated_at=now,
        entered_by_user=principal.entered_by[0] if principal.entered_by else "",
        entered_by_name=principal.entered_by[2] if principal.entered_by else "",
        episode_id=(current.id if (current := episodes.open_for(session, person.id)) else None),
        household_id=household_id, shared_json=json.dumps(shared),
    )
    session.add(document)
    session.flush()
    name = make_name("documents", document.id)
    payload = {"document": name, "person": make_name("people", person.id), "template_id": template.name,
               "template_version": template.version, "kind": template.kind, "start_date": iso(start),
               "episode": make_name("episodes", document.episode_id),
               "person_display_name": people.display_name(person), "assignee": principal.user_name}
    if copied_from:
        payload["copied_from"] = copied_from
    outbox.append(session, principal, "document.created", name, person.id, payload)
    audit.record(session, principal, "copy" if copied_from else "create", name, [person.id],
                 detail=f"from {copied_from}" if copied_from else "")
    return document


def read(session: Session, principal: Principal, document_id: int) -> pb.Document:
    access.require_read(principal, "read documents")
    document = visible_document(session, principal, document_id)
    audit.record(session, principal, "read", make_name("documents", document_id), [document.person_id])
    return to_proto(session, document)


def list_for(session: Session, principal: Principal, request: pb.ListDocumentsRequest,
             offset: int, limit: int) -> list[pb.Document]:
    access.require_read(principal, "list documents")
    query = select(Document).join(Person, Person.id == Document.person_id).where(access.visible_people(principal))
    if request.person:
        query = query.where(Document.person_id == parse_name(request.person, "people", "person"))
    if request.state:
        query = query.where(Document.state == request.state)
    if request.mine:
        query = query.where(Document.author_user == principal.user_id)
    full = request.view == pb.DOCUMENT_VIEW_FULL
    if not full:
        query = query.options(defer(Document.answers_json))
    found = list(session.scalars(query.order_by(Document.start_date.desc(), Document.id.desc())
                                 .offset(offset).limit(limit)))
    if found:
        audit.record(session, principal, "list", "documents", sorted({d.person_id for d in found}))
    extras = _Extras.load(session, found)
    return [to_proto(session, d, extras, full=full) for d in found]


def _open_for_change(session: Session, principal: Principal, name: str, etag: str) -> Document:
    access.require(principal, access.write_action(principal), "change documents")
    document = visible_document(session, principal, parse_name(name, "documents"), for_update=True)
    require_etag(etag, document.version,
                 f"{document.author_name if document.author_user else 'Someone'} or a colleague changed this "
                 f"{document.title} since you opened it. Reload it to see their changes, then make yours again.")
    if document.state != pb.DOCUMENT_STATE_IN_PROGRESS:
        raise FailedPrecondition(f"This {document.title} is {STATE_WORDS[document.state]} and cannot be changed; "
                                 "what was recorded then stays as it was.")
    return document


def update(session: Session, principal: Principal, library: TemplateLibrary,
           request: pb.UpdateDocumentRequest) -> pb.Document:
    document = _open_for_change(session, principal, request.name, request.etag)
    template = find_template(library, document.template_id, document.template_version)
    people.raise_if_invalid(validate_answers(template, request.answers), f"The change to the {template.title}")
    _record_answers(session, principal, document, request.answers)
    editing_time.record_save(session, principal, document)
    document.version += 1
    document.updated_at = datetime.now(timezone.utc)
    name = make_name("documents", document.id)
    outbox.append(session, principal, "document.updated", name, document.person_id,
                  {"document": name, "questions": sorted(request.answers)})
    audit.record(session, principal, "update", name, [document.person_id], detail=",".join(sorted(request.answers)))
    return to_proto(session, document)


def _record_answers(session: Session, principal: Principal, document: Document, answers) -> None:
    """Validated answers into the document, except family answers it shares: those are the
    household's, recorded once for every child living there."""
    shared = set(json.loads(document.shared_json)) if document.household_id else set()
    own = {k: v for k, v in answers.items() if k not in shared}
    family = {k: v for k, v in answers.items() if k in shared}
    document.answers_json = json.dumps(_merge(_answers(document), own), sort_keys=True)
    if family:
        households.set_facts(session, principal, document.household_id, family)


def _carried_story(session: Session, document: Document, answers: dict[str, dict]) -> dict[str, dict]:
    """R-NARRATIVE: every document carries the family pen picture and the key case summary. One
    that does not ask them (a case note, a strategy discussion) carries the latest recorded for the
    child, saying where it came from and when, so nobody retypes them (L299)."""
    carried: dict[str, dict] = {}
    for question in STORY_QUESTIONS:
        own = answers.get(question, {})
        if own.get("status") == ANSWERED:
            carried[question] = {"value": own["value"], "from": own.get("shared_from") or "this document",
                                 "recorded_date": own.get("recorded_date") or iso(document.start_date)}
    return latest_story(session, document.person_id, carried, leave_out=document.id)


def latest_story(session: Session, person_id: int, carried: dict[str, dict] | None = None,
                 leave_out: int | None = None) -> dict[str, dict]:
    """The child's pen picture and key case summary as last recorded: the household's shared pen
    picture, else the latest completed document that answered each. `carried` holds what is
    already known and is filled in; `from` names the household or document it came from."""
    carried = dict(carried or {})
    household = households.current_household_id(session, person_id)
    if "pen_picture" not in carried and household:
        fact = session.get(HouseholdFact, (household, "pen_picture"))
        if fact is not None and fact.status == ANSWERED:
            carried["pen_picture"] = {"value": fact.value, "from": make_name("households", household),
                                      "recorded_date": iso(fact.recorded_date)}
    if len(carried) < len(STORY_QUESTIONS):
        for earlier in session.scalars(select(Document).where(
                Document.person_id == person_id, Document.id != (leave_out or 0),
                Document.state == pb.DOCUMENT_STATE_COMPLETED).order_by(Document.ended_at.desc(), Document.id.desc())):
            for question, answer in _answers(earlier).items():
                if question in STORY_QUESTIONS and question not in carried and answer.get("status") == ANSWERED:
                    carried[question] = {"value": answer["value"], "from": make_name("documents", earlier.id),
                                         "recorded_date": iso(today_london(earlier.ended_at))}
            if len(carried) == len(STORY_QUESTIONS):
                break
    return carried


def snapshot_of(session: Session, template: Template, document: Document, principal: Principal,
                at: datetime) -> str:
    """Everything the completed document says, readable on its own years later."""
    person = session.get(Person, document.person_id)
    answers = answers_of(session, document)
    values = {k: a["value"] for k, a in answers.items() if a["status"] == ANSWERED}
    sections = []
    for section, questions in template.visible(values):
        sections.append({"title": section.title, "questions": [
            {"id": q.id, "label": q.label, **answers.get(q.id, {"value": "", "status": NOT_YET_ASKED, "reason": ""})}
            for q in questions]})
    held = allocations.on(session, document.person_id, today_london(at))
    doc = {
        "document": make_name("documents", document.id),
        # From allocation history as it stood on the day, never retyped (R-ONE-TRUTH).
        "appointed_social_worker": held.worker_name if held else "not allocated",
        "template": {"id": template.name, "version": template.version, "title": template.title},
        "child": json_format.MessageToDict(people.to_proto(person), preserving_proto_field_name=True),
        "start_date": iso(document.start_date),
        "author": document.author_name,
        "completed_by": {"user": principal.user_name, "name": principal.display_name},
        "completed_at": at.isoformat(timespec="seconds"),
        "sections": sections,
        "carried": _carried_story(session, document, answers),
    }
    doc["child"].pop("etag", None)
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def end(session: Session, principal: Principal, library: TemplateLibrary, signer: Signer,
        request: pb.EndDocumentRequest, ended_on: date | None = None) -> pb.Document:
    """`ended_on` is for history written at the console (the generator, the demo): work finished
    on that day, so its snapshot, signature and clocks say so. A worker's request ends it now."""
    if request.state not in ENDS:
        raise InvalidArgument("A document ends as completed, cancelled or postponed.", {"state": "not an end"})
    if request.state != pb.DOCUMENT_STATE_COMPLETED and not request.reason.strip():
        raise InvalidArgument(f"Say why this is being {ENDS[request.state]}.", {"reason": "required"})
    document = _open_for_change(session, principal, request.name, request.etag)
    template = find_template(library, document.template_id, document.template_version)
    now = datetime.now(timezone.utc)
    at = _history_instant(ended_on, document) if ended_on else now
    if request.state == pb.DOCUMENT_STATE_COMPLETED:
        _require_mandatory(session, template, document, "completed")
        _require_open_episode(session, template, document)
        _freeze(session, signer, template, document, principal, principal, at, at)
    return _finish(session, principal, template, document, request.state, request.reason.strip(), now, ended_at=at)


def _history_instant(day: date, document: Document) -> datetime:
    if day > today_london() or day < document.start_date:
        raise InvalidArgument(f"A {document.title} started {iso(document.start_date)} cannot end on {iso(day)}.",
                              {"ended_on": "before the start or in the future"})
    # Noon UTC falls on the same calendar day in London, summer or winter.
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)


def _require_open_episode(session: Session, template: Template, document: Document) -> None:
    """A Closure Record closes the episode it belongs to; there must be one still open."""
    if template.kind != "closure":
        return
    episode = session.get(Episode, document.episode_id) if document.episode_id else None
    if episode is None:
        raise FailedPrecondition(f"This {document.title} belongs to no episode of work, so there is no case to close.")
    if episode.state != pb.EPISODE_STATE_OPEN:
        raise FailedPrecondition(f"The case this {document.title} would close was already closed on "
                                 f"{iso(episode.closed_date)}; cancel this record, with the reason.")


def _require_mandatory(session: Session, template: Template, document: Document, doing: str) -> None:
    answers = answers_of(session, document)
    values = {k: a["value"] for k, a in answers.items() if a["status"] == ANSWERED}
    missing = {f"answers.{q.id}": f"{q.label} is needed before this can be {doing}"
               for _, questions in template.visible(values) for q in questions
               if q.mandatory and answers.get(q.id, {}).get("status") != ANSWERED}
    people.raise_if_invalid(missing, f"The {template.title} could not be {doing}; it")


def _freeze(session: Session, signer: Signer, template: Template, document: Document, author: Principal,
            completer: Principal, authored_at: datetime, now: datetime) -> str:
    """The snapshot (R-FREEZE) and the author's signature over it; returns its hash."""
    text = snapshot_of(session, template, document, completer, now)
    digest = hashlib.sha256(text.encode()).hexdigest()
    session.add(DocumentSnapshot(document_id=document.id, snapshot_json=text, sha256=digest, created_at=now))
    _add_signature(session, signer, document, digest, "social_worker", "electronic", author.display_name,
                   author, authored_at)
    if template.kind == "closure":
        _close_episode(session, completer, template, document, answers_of(session, document))
    return digest


def _finish(session: Session, principal: Principal, template: Template, document: Document, state: int,
            reason: str, now: datetime, ended_at: datetime | None = None) -> pb.Document:
    """`ended_at`: when the work counts as ended, if not `now` (history written at the console);
    the row itself still changes now."""
    ended_at = ended_at or now
    # However it ends, the shared family answers it showed are kept as they were that day.
    document.answers_json = json.dumps(answers_of(session, document), sort_keys=True)
    document.state = state
    document.end_reason = reason
    document.ended_at = ended_at
    document.updated_at = now
    document.version += 1
    session.flush()
    name = make_name("documents", document.id)
    outbox.append(session, principal, "document.ended", name, document.person_id,
                  {"document": name, "state": ENDS[state], "template_id": template.name, "kind": template.kind,
                   "ended_date": iso(today_london(ended_at)), "reason": reason,
                   "episode": make_name("episodes", document.episode_id), "person": make_name("people", document.person_id),
                   **(_facts_for_clocks(template, _answers(document)) if state == pb.DOCUMENT_STATE_COMPLETED else {})})
    audit.record(session, principal, ENDS[state], name, [document.person_id])
    return to_proto(session, document)


CLOCK_ANSWER_TYPES = ("date", "choice", "yes_no", "number")


def _facts_for_clocks(template: Template, answers: dict[str, dict]) -> dict[str, dict]:
    """The short coded answers of a completed document (dates, choices), by question id and by
    the statutory item each feeds: what the alerts service's rules read ("the review was held on",
    "the s47 enquiry started on"). Free text never leaves the records service this way."""
    given = {q.id: q for q in template.questions() if q.type in CLOCK_ANSWER_TYPES}
    coded = {k: a["value"] for k, a in answers.items() if k in given and a.get("status") == ANSWERED}
    statutory = {f"{return_}.{item}": coded[q.id] for q in given.values() if q.id in coded
                 for return_, item in q.statutory}
    return {"answers": coded, "statutory": statutory}


def _for_review(session: Session, principal: Principal, request: pb.ReviewDocumentRequest, state: int) -> Document:
    document = visible_document(session, principal, parse_name(request.name, "documents"), for_update=True)
    require_etag(request.etag, document.version,
                 f"This {document.title} changed since you opened it. Reload it, then try again.",
                 missing="Send the etag of the version you are reviewing.")
    if document.state != state:
        raise FailedPrecondition(f"This {document.title} is {STATE_WORDS.get(document.state, 'not ready')}, so it "
                                 f"cannot be {'submitted' if state == pb.DOCUMENT_STATE_IN_PROGRESS else 'reviewed'} now.")
    return document


def _review_event(session: Session, principal: Principal, document: Document, kind: str, payload: dict) -> pb.Document:
    document.version += 1
    document.updated_at = datetime.now(timezone.utc)
    session.flush()
    name = make_name("documents", document.id)
    outbox.append(session, principal, f"document.{kind}", name, document.person_id, {"document": name, **payload})
    audit.record(session, principal, kind, name, [document.person_id])
    return to_proto(session, document)


def submit(session: Session, principal: Principal, library: TemplateLibrary, request: pb.ReviewDocumentRequest) -> pb.Document:
    access.require(principal, access.write_action(principal), "submit documents")
    document = _for_review(session, principal, request, pb.DOCUMENT_STATE_IN_PROGRESS)
    _require_mandatory(session, find_template(library, document.template_id, document.template_version), document,
                       "submitted")
    document.state = pb.DOCUMENT_STATE_SUBMITTED
    document.submitted_by_user, document.submitted_by_name = principal.user_id, principal.display_name
    document.submitted_at = datetime.now(timezone.utc)
    return _review_event(session, principal, document, "submitted", {"submitted_by": principal.user_name})


def _require_approver(principal: Principal, document: Document) -> None:
    if not access.may(principal, "document.approve"):
        raise PermissionDenied("Only team leaders and managers approve or return work.")
    if document.submitted_by_user == principal.user_id:
        raise PermissionDenied("You cannot approve or return your own work; another team leader must.")


def approve(session: Session, principal: Principal, library: TemplateLibrary, signer: Signer,
            request: pb.ReviewDocumentRequest) -> pb.Document:
    document = _for_review(session, principal, request, pb.DOCUMENT_STATE_SUBMITTED)
    _require_approver(principal, document)
    template = find_template(library, document.template_id, document.template_version)
    _require_open_episode(session, template, document)
    now = datetime.now(timezone.utc)
    author = Principal(user_name=make_name("users", document.submitted_by_user), username="",
                display_name=document.submitted_by_name)
    digest = _freeze(session, signer, template, document, author, principal, document.submitted_at or now, now)
    _add_signature(session, signer, document, digest, "team_leader", "electronic", principal.display_name,
                   principal, now)
    document.return_comments = ""
    return _finish(session, principal, template, document, pb.DOCUMENT_STATE_COMPLETED, "", now)


def send_back(session: Session, principal: Principal, request: pb.ReviewDocumentRequest) -> pb.Document:
    if not request.comments.strip():
        raise InvalidArgument("Say what needs changing, so the worker knows.", {"comments": "required"})
    document = _for_review(session, principal, request, pb.DOCUMENT_STATE_SUBMITTED)
    _require_approver(principal, document)
    document.state = pb.DOCUMENT_STATE_IN_PROGRESS
    document.return_comments = request.comments.strip()
    return _review_event(session, principal, document, "returned", {"comments": document.return_comments})


def _statutory_answer(template: Template, answers: dict[str, dict], item: str) -> str:
    """The answer to whichever question feeds this CIN census item, so no question id is hard-coded."""
    return template.statutory_answers(answers, "cin").get(item, "")


def _close_episode(session: Session, principal: Principal, template: Template, document: Document,
                   answers: dict[str, dict]) -> None:
    episode = session.get(Episode, document.episode_id) if document.episode_id else None
    if episode is None:
        return
    closed = _statutory_answer(template, answers, "CINclosureDate")
    reason = _statutory_answer(template, answers, "ReasonForClosure")
    episodes.close(session, principal, episode, date.fromisoformat(closed) if closed else today_london(), reason)


SIGNER_ROLES = ("social_worker", "team_leader", "parent", "young_person", "other_professional")
METHODS = ("electronic", "witnessed_in_person", "printed_copy")
# Only these roles may sign electronically as themselves in each capacity.
# Who may sign electronically in each capacity, by permission: practitioners as the social
# worker, approvers as team leader, and practitioners or reviewing officers as another professional.
ELECTRONIC = {"social_worker": ("child.write",), "team_leader": ("document.approve",),
              "other_professional": ("child.write", "review.write")}


def _signed_scan(session: Session, document: Document, attachment_name: str) -> Attachment:
    scan = session.get(Attachment, parse_name(attachment_name, "attachments", "attachment"))
    if scan is None or scan.document_id != document.id:
        raise InvalidArgument("That scan is not attached to this document; attach it here first.",
                              {"attachment": "not attached to this document"})
    if scan.kind != "scan":
        raise InvalidArgument("The signed page must be attached as a scan.", {"attachment": f"is a {scan.kind}"})
    return scan


def _add_signature(session: Session, signer: Signer, document: Document, digest: str, role: str, method: str,
                   name: str, principal: Principal, at: datetime, scan: Attachment | None = None) -> None:
    electronic = method == "electronic"
    payload = {
        "document": make_name("documents", document.id), "snapshot_sha256": digest, "role": role,
        "method": method, "signer_name": name, "signer_user": principal.user_name if electronic else "",
        "witnessed_by": "" if electronic else principal.display_name, "signed_at": at.isoformat(timespec="seconds"),
    }
    if scan is not None:
        # The scan's own hash is signed too: swapping the page afterwards shows.
        payload["scan"] = {"attachment": make_name("attachments", scan.id), "sha256": scan.sha256}
    session.add(DocumentSignature(
        document_id=document.id, role=role, method=method, signer_name=name,
        signer_user=principal.user_id if electronic else None,
        witnessed_by_user=None if electronic else principal.user_id,
        witnessed_by_name="" if electronic else principal.display_name, signed_at=at,
        attachment_id=scan.id if scan else None,
        payload_json=json.dumps(payload, sort_keys=True), signature=signer.sign(payload)))


def sign(session: Session, principal: Principal, signer: Signer, request: pb.SignDocumentRequest,
         signed_at: datetime | None = None) -> pb.Document:
    """`signed_at`: console history only (the generator): when the signature was made, instead of now."""
    access.require(principal, access.write_action(principal), "sign documents")
    violations = {}
    if request.role not in SIGNER_ROLES:
        violations["role"] = f"one of {', '.join(SIGNER_ROLES)}"
    if request.method not in METHODS:
        violations["method"] = f"one of {', '.join(METHODS)}"
    if request.method != "electronic" and not request.signer_name.strip():
        violations["signer_name"] = "required: who signed in front of you or on the printed copy"
    if request.method == "printed_copy" and not request.attachment:
        violations["attachment"] = "required: attach the scan of the signed page first, then name it here"
    elif request.attachment and request.method != "printed_copy":
        violations["attachment"] = "only a signature on a printed copy has a scan"
    people.raise_if_invalid(violations, "The signature")
    if request.method == "electronic":
        allowed = ELECTRONIC.get(request.role, ())
        if not any(access.may(principal, action) for action in allowed):
            raise PermissionDenied(f"You cannot sign as {request.role.replace('_', ' ')} yourself; a parent or "
                                   "young person signs in front of you (witnessed_in_person) or on a printed copy.")
    document = visible_document(session, principal, parse_name(request.name, "documents"), for_update=True)
    snapshot = session.get(DocumentSnapshot, document.id)
    if document.state != pb.DOCUMENT_STATE_COMPLETED or snapshot is None:
        raise FailedPrecondition(f"Only a completed {document.title} can be signed: it is "
                                 f"{STATE_WORDS.get(document.state, 'not completed')}.")
    scan = _signed_scan(session, document, request.attachment) if request.attachment else None
    name = principal.display_name if request.method == "electronic" else request.signer_name.strip()
    _add_signature(session, signer, document, snapshot.sha256, request.role, request.method, name, principal,
                   signed_at or datetime.now(timezone.utc), scan)
    document.version += 1
    session.flush()
    ref = make_name("documents", document.id)
    outbox.append(session, principal, "document.signed", ref, document.person_id,
                  {"document": ref, "role": request.role, "method": request.method})
    audit.record(session, principal, "sign", ref, [document.person_id], detail=request.role)
    return to_proto(session, document)


def export(session: Session, principal: Principal, signer: Signer, document_id: int) -> str:
    document = visible_document(session, principal, document_id)
    snapshot = session.get(DocumentSnapshot, document.id)
    if snapshot is None:
        raise FailedPrecondition(f"This {document.title} is {STATE_WORDS[document.state]}, not completed, so there is "
                                 "nothing final to export.")
    audit.record(session, principal, "export", make_name("documents", document_id), [document.person_id])
    return json.dumps({
        "document": make_name("documents", document.id), "title": document.title,
        "snapshot_json": snapshot.snapshot_json, "snapshot_sha256": snapshot.sha256,
        "signatures": [{"payload": json.loads(s.payload_json), "signature": s.signature}
                       for s in _signatures(session, document.id)],
        "appendments": [{"payload": appendment_payload(document, snapshot.sha256, a.text, a.author_name,
                                                       a.created_at), "signature": a.signature}
                        for a in session.scalars(select(DocumentAppendment).where(
                            DocumentAppendment.document_id == document.id).order_by(DocumentAppendment.id))],
        "public_key_pem": signer.public_pem,
    }, indent=2, ensure_ascii=False)


SIBLING_TYPES = ("sibling", "half_sibling", "step_sibling")


def copy_to_siblings(session: Session, principal: Principal, library: TemplateLibrary,
                     request: pb.CopyDocumentToSiblingsRequest) -> list[pb.Document]:
    access.require(principal, access.write_action(principal), "copy documents")
    source = visible_document(session, principal, parse_name(request.name, "documents"))
    template = find_template(library, source.template_id, source.template_version)
    if not request.siblings:
        raise InvalidArgument("Choose at least one brother or sister to copy to.", {"siblings": "required"})
    shared = households.family_question_ids(template)
    answers = {k: v for k, v in answers_of(session, source).items() if k in shared}
    copies = []
    for sibling_name in request.siblings:
        sibling = people.get_visible(session, principal, parse_name(sibling_name, "people", "siblings"))
        related = session.scalar(select(Relationship.id).where(
            Relationship.type_code.in_(SIBLING_TYPES),
            ((Relationship.child_id == source.person_id) & (Relationship.other_id == sibling.id))
            | ((Relationship.child_id == sibling.id) & (Relationship.other_id == source.person_id))))
        if not related:
            raise FailedPrecondition(f"{people.display_name(sibling)} is not recorded as a brother or sister of this "
                                     "child. Record the relationship first, then copy.")
        twin = session.scalar(select(Document).where(
            Document.person_id == sibling.id, Document.template_id == template.name,
            Document.start_date == source.start_date,
            Document.state.in_(LIVE_STATES)))
        if twin is not None:
            raise AlreadyExists(f"{people.display_name(sibling)} already has a {template.title} starting "
                                f"{iso(source.start_date)} (documents/{twin.id}).", make_name("documents", twin.id))
        copy = _new_document(session, principal, template, sibling, answers, source.start_date,
                             copied_from=make_name("documents", source.id))
        copies.append(to_proto(session, copy))
    return copies
