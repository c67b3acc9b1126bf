"""A referral (or a child's completed records on their own) as an inter-agency message: only what
the caller may read, written to the child's audit before the message leaves, and checked against
the published schema so a receiver is never sent something it cannot read."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import as_utc, iso, today_london
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.names import make_name
from services.records import access, audit, people
from services.records.documents import visible_document
from services.records.interchange import WRITES, describe_problems, problems
from services.records.models import (Contact, DocumentSnapshot, Person, Referral, Relationship,
                                     RelationshipType)
from services.records.template_library import Question, TemplateLibrary

SOURCE_WORDS = {pb.CONTACT_SOURCE_POLICE: "police", pb.CONTACT_SOURCE_SCHOOL: "school",
                pb.CONTACT_SOURCE_HEALTH: "health", pb.CONTACT_SOURCE_FAMILY: "family",
                pb.CONTACT_SOURCE_ANONYMOUS: "anonymous", pb.CONTACT_SOURCE_OTHER_AGENCY: "other_agency",
                pb.CONTACT_SOURCE_SELF: "self", pb.CONTACT_SOURCE_OTHER: "other"}
SEX_WORDS = {pb.SEX_FEMALE: "female", pb.SEX_MALE: "male", pb.SEX_UNKNOWN: "unknown",
             pb.SEX_INDETERMINATE: "indeterminate"}
STATUS_WORDS = {cpb.ANSWER_STATUS_ANSWERED: "answered", cpb.ANSWER_STATUS_NOT_KNOWN: "not_known",
                cpb.ANSWER_STATUS_NOT_APPLICABLE: "not_applicable", cpb.ANSWER_STATUS_DECLINED: "declined",
                cpb.ANSWER_STATUS_NOT_YET_ASKED: "not_yet_asked"}
AGENCY_KINDS = ("police", "health", "school", "local_authority", "other_agency")


@dataclass(frozen=True)
class Agency:
    name: str
    code: str
    kind: str = "local_authority"

    def to_json(self) -> dict:
        return {"name": self.name, "code": self.code, "kind": self.kind}


def _without_blanks(values: dict) -> dict:
    """Optional text left out rather than sent empty: a receiver reads "absent" as "not known"."""
    return {k: v for k, v in values.items() if v not in ("", None)}


def _child(person: Person) -> dict:
    if person.date_of_birth is None:
        raise FailedPrecondition(f"{people.display_name(person)} has no date of birth recorded; record it (or the "
                                 "expected date) before sharing the record with another agency.")
    # ICS keeps an unborn child's expected date as the date of birth; the message says which it is.
    born = "expected_date_of_birth" if person.date_of_birth > today_london() else "date_of_birth"
    identifiers = _without_blanks({"nhs_number": person.nhs_number, "upn": person.upn,
                                   "council_child_id": person.council_child_id})
    return {"given_name": person.given_name, "family_name": person.family_name, born: iso(person.date_of_birth),
            "sex": SEX_WORDS.get(person.sex, "unknown"),
            **({"identifiers": identifiers} if identifiers else {}),
            **_without_blanks({"address": person.address, "postcode": person.postcode, "school": person.school})}


def _relevant_people(session: Session, principal: Principal, child_id: int) -> tuple[list[dict], list[int]]:
    """The child's current relationships, as the child's record reads them, to people the caller may
    read: someone whose record the caller cannot see is left out, not named."""
    rows = session.execute(
        select(Relationship, RelationshipType, Person)
        .join(RelationshipType, RelationshipType.code == Relationship.type_code)
        .join(Person, Person.id == Relationship.other_id)
        .where(Relationship.child_id == child_id, Relationship.end_date.is_(None))
        .where(access.visible_people(principal))
        .order_by(Relationship.id)).all()
    found = []
    for relationship, kind, other in rows:
        found.append({"given_name": other.given_name, "family_name": other.family_name,
                      **_without_blanks({"date_of_birth": iso(other.date_of_birth)}),
                      "relationship": kind.label, "relationship_code": kind.code,
                      "lives_with_child": relationship.lives_with_child,
                      **_without_blanks({"address": other.address, "postcode": other.postcode})})
    return found, [other.id for _, _, other in rows]


def _shown(question: Question | None, value: str) -> tuple[str, str]:
    """(wording, code): coded answers by their wording, since the receiver has no copy of our
    templates; the code is kept beside it so nothing is lost."""
    if question is None:
        return value, ""
    if question.type == "yes_no":
        return {"yes": "Yes", "no": "No"}.get(value, value), ""
    if question.type in ("choice", "multi_choice"):
        labels = dict(question.choices)
        codes = [v.strip() for v in value.split(",")] if question.type == "multi_choice" else [value]
        return "; ".join(labels.get(c, c) for c in codes), value
    return value, ""


def _shared_document(session: Session, principal: Principal, library: TemplateLibrary, document_id: int,
                     child: Person) -> tuple[dict, str]:
    """A completed document's sections exactly as frozen when it was completed (R-FREEZE), and its
    title for the audit. Only a completed document is shared: a draft is not yet anyone's word."""
    document = visible_document(session, principal, document_id)
    if document.person_id != child.id:
        raise InvalidArgument(f"documents/{document_id} is about a different child, so it cannot be shared in a "
                              f"message about {people.display_name(child)}.",
                              {"documents": f"documents/{document_id} is about another child"})
    snapshot = session.get(DocumentSnapshot, document.id)
    if snapshot is None:
        raise FailedPrecondition(f"documents/{document_id} ({document.title}) is not completed, so there is nothing "
                                 "final to share; complete it first.")
    frozen = json.loads(snapshot.snapshot_json)
    try:
        questions = {q.id: q for q in library.get(document.template_id, document.template_version).questions()}
    except KeyError:  # a council template since removed: answers go as stored
        questions = {}
    sections = []
    for section in frozen.get("sections", []):
        shown = []
        for q in section.get("questions", []):
            status = STATUS_WORDS.get(q.get("status"), "not_yet_asked")
            answer, code = _shown(questions.get(q.get("id")), q.get("value", "")) if status == "answered" else ("", "")
            shown.append({"id": q.get("id", ""), "label": q.get("label") or q.get("id", "question"), "answer": answer,
                          **({"answer_code": code} if code and code != answer else {}),
                          "answer_status": status, **_without_blanks({"reason": q.get("reason", "")})})
        sections.append({"title": section.get("title") or "Section", "questions": shown})
    if not sections:
        raise FailedPrecondition(f"documents/{document_id} ({document.title}) has no sections to share.")
    completed = as_utc(document.ended_at) or as_utc(snapshot.created_at)
    return {"document_ref": make_name("documents", document.id), "template_id": document.template_id,
            "template_version": document.template_version, "title": document.title,
            "start_date": iso(document.start_date),
            "completed_at": completed.isoformat(timespec="seconds"),
            "author": document.author_name, "snapshot_sha256": snapshot.sha256, "sections": sections}, document.title


def _documents(session, principal, library, document_ids, child) -> tuple[list[dict], list[str]]:
    shared, titles = [], []
    for document_id in dict.fromkeys(document_ids):  # each once, in the order asked
        block, title = _shared_document(session, principal, library, document_id, child)
        shared.append(block)
        titles.append(title)
    return shared, titles


def _finish(session: Session, principal: Principal, message: dict, subject: str, person_ids: list[int],
            what: str, recipient: Agency | None, via: str) -> dict:
    """Checked against the schema, then audited against the child and everyone named in it, so
    the family's access report shows what went to whom; nothing is audited for a refused export."""
    found = problems(message)
    if found:  # our own fault, never the caller's: say so rather than send a broken message
        raise FailedPrecondition("ICS built a message that does not meet its own schema, so it was not exported. "
                                 "Please report this:\n" + describe_problems(found))
    to = f" for {recipient.name}" if recipient else ""
    audit.record(session, principal, "output", subject, person_ids,
                 detail=f"{what} as an inter-agency message{to}{via} (ICS format {WRITES}, message "
                        f"{message['message_id']})")
    return message


def _header(kind: str, sender: Agency, recipient: Agency | None, now: datetime | None) -> dict:
    # The caller's own words, checked here so a long name is their plain error, not a schema fault.
    violations = {}
    for role, agency in (("sender", sender), ("recipient", recipient)):
        if agency is None:
            continue
        if not agency.name.strip() or len(agency.name) > 200:
            violations[f"{role}.name"] = "give the agency's name, at most 200 characters"
        if not agency.code.strip() or len(agency.code) > 40:
            violations[f"{role}.code"] = "give the agency's code, at most 40 characters"
        if agency.kind not in AGENCY_KINDS:
            violations[f"{role}.kind"] = f"one of {', '.join(AGENCY_KINDS)}"
    if violations:
        raise InvalidArgument("No message was made: " + "; ".join(
            f"the {k.replace('.', ' ')}: {v}" for k, v in violations.items()) + ".", violations)
    now = now or datetime.now(timezone.utc)
    return {"schema_version": WRITES, "kind": kind, "message_id": str(uuid.uuid4()),
            "sent_at": now.astimezone(timezone.utc).isoformat(timespec="seconds"), "sender": sender.to_json(),
            **({"recipient": recipient.to_json()} if recipient else {})}


def export_referral(session: Session, principal: Principal, library: TemplateLibrary, referral_id: int,
                    document_ids: list[int], sender: Agency, recipient: Agency | None = None,
                    now: datetime | None = None, via: str = "") -> dict:
    """referrals/N, with the sections of the completed documents named, as a "referral" message."""
    access.require_read(principal, "share referrals with other agencies")
    referral = session.scalar(select(Referral).join(Person, Person.id == Referral.person_id)
                              .where(Referral.id == referral_id).where(access.visible_people(principal)))
    if referral is None:  # worded exactly as for a referral that does not exist
        raise NotFound(f"No referral referrals/{referral_id} is known to you.")
    child = session.get(Person, referral.person_id)
    contact = session.get(Contact, referral.contact_id)
    shared, titles = _documents(session, principal, library, document_ids, child)
    named, other_ids = _relevant_people(session, principal, child.id)
    message = {**_header("referral", sender, recipient, now), "child": _child(child), "people": named,
               "referral": {"received_date": iso(referral.received_date),
                            "source": SOURCE_WORDS.get(contact.source, "other"), "reason": contact.reason,
                            **_without_blanks({"details": contact.details}),
                            # ICS does not record the sender's sense of urgency at the front door.
                            "urgency": "not_stated"},
               "shared_sections": shared}
    # `via` says how it left (" from the server console"), for the audit.
    what = "the referral" + "".join(f" and the {t}" for t in titles)
    return _finish(session, principal, message, make_name("referrals", referral.id), [child.id, *other_ids], what,
                   recipient, via)


def export_shared_sections(session: Session, principal: Principal, library: TemplateLibrary, person_id: int,
                           document_ids: list[int], sender: Agency, recipient: Agency | None = None,
                           now: datetime | None = None, via: str = "") -> dict:
    """people/N's completed documents named, with no referral: a "shared_sections" message (a
    conference report going to health, say)."""
    access.require_read(principal, "share records with other agencies")
    if not document_ids:
        raise InvalidArgument("Name at least one completed document to share.", {"documents": "required"})
    child = people.get_visible(session, principal, person_id)
    shared, titles = _documents(session, principal, library, document_ids, child)
    named, other_ids = _relevant_people(session, principal, child.id)
    message = {**_header("shared_sections", sender, recipient, now), "child": _child(child), "people": named,
               "shared_sections": shared}
    what = " and ".join(f"the {t}" for t in titles)
    return _finish(session, principal, message, make_name("people", child.id), [child.id, *other_ids], what,
                   recipient, via)
