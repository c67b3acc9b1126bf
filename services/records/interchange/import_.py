"""A message from another agency, recorded the way a duty worker would record it: checked against
the schema first (every problem named by its JSON path; nothing written while any remain), the
child found by NHS number or UPN before name and date of birth, and the referral recorded through
the front door's own write path, so it gets its decision clock, episode and re-referral link
exactly like one typed in. The same message imported twice is recorded once.

Where what was sent goes, and why:
- the referral becomes a contact (frontdoor.record_contact): reason as sent; source from the kind
  of agency that sent it; received on the day it was sent; details carry everything else as
  text (urgency, who first raised it, the sender's reference, the people they named, the shared
  sections), so the contact is complete on its own;
- one significant chronology entry for the referral and one per shared record, since the
  chronology is where a duty worker reads a child's history today (there is no screen that
  shows a contact's details), and "urgency: immediate" must not sit where nobody looks;
- the people named are not made into records: an adult's identity at the front door is a
  worker's judgement (R-DUP), so they are listed in the text for the worker to add;
- shared sections are not made into ICS documents: documents are written from our templates by
  our workers and signed by them; another agency's frozen record is evidence received, not our
  work, and its template may not exist here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import human, iso, today_london
from services.common.errors import Aborted, AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from services.common.names import make_name, parse_name
from services.records import access, chronology, frontdoor, idempotency, people
from services.records.interchange import READS, describe_problems, major_of, problems
from services.records.models import IdempotencyKey, Person

SOURCES = {"police": pb.CONTACT_SOURCE_POLICE, "health": pb.CONTACT_SOURCE_HEALTH, "school": pb.CONTACT_SOURCE_SCHOOL,
           "local_authority": pb.CONTACT_SOURCE_OTHER_AGENCY, "other_agency": pb.CONTACT_SOURCE_OTHER_AGENCY}
SEXES = {"female": pb.SEX_FEMALE, "male": pb.SEX_MALE, "unknown": pb.SEX_UNKNOWN, "indeterminate": pb.SEX_INDETERMINATE}
URGENCY_WORDS = {"immediate": "immediate: the child may be at risk of significant harm now",
                 "same_day": "the same day", "routine": "routine", "not_stated": "not stated"}
SOURCE_WORDS = {"police": "the police", "school": "a school", "health": "health", "family": "the family",
                "anonymous": "someone who did not give their name", "other_agency": "another agency",
                "self": "the child or young person", "other": "someone else"}
STATUS_WORDS = {"not_known": "not known", "not_applicable": "not applicable", "declined": "declined",
                "not_yet_asked": "not yet asked"}
METHOD = "RecordContact"  # the key is handed to record_contact, which stores it under this method


class MessageRefused(InvalidArgument):
    """The message breaks the schema, or says something ICS cannot record: every problem, each
    with its JSON path. Nothing was written."""

    def __init__(self, found: list[tuple[str, str]]):
        self.problems = found
        super().__init__("The message was refused and nothing was recorded. Each problem, with where it is in "
                         "the message:\n" + describe_problems(found), dict(found))


@dataclass
class ImportResult:
    recorded: bool  # False: this message had been imported before; nothing new was written
    person: str = ""
    person_display_name: str = ""
    matched_by: str = ""
    contact: str = ""
    referral: str = ""
    chronology: list[str] = field(default_factory=list)
    sender: str = ""
    earlier: str = ""

    def summary(self) -> str:
        if not self.recorded:
            return (f"Already imported: this message from {self.sender} was recorded as {self.earlier}. "
                    "Nothing new was recorded.")
        what = (f"{self.contact} and {self.referral}" if self.contact
                else f"{len(self.chronology)} shared record{'s' if len(self.chronology) != 1 else ''}")
        added = len(self.chronology) - (1 if self.contact else 0)
        shared = (f"; {added} shared record{'s' if added != 1 else ''} added to the chronology"
                  if self.contact and added else "")
        return (f"Recorded {what} for {self.person_display_name} ({self.person}, {self.matched_by}), received "
                f"from {self.sender}{shared}.")


def message_key(message: dict) -> str:
    """The idempotency key: one per sender and message id. Hashed, because the ids are the
    sender's and may be any text up to the schema's limits; the table's key is 100 characters."""
    digest = hashlib.sha256(f"{message['sender']['code']}\n{message['message_id']}".encode()).hexdigest()
    return f"interchange:{digest}"


def _person(child: dict) -> pb.Person:
    ids = child.get("identifiers") or {}
    return pb.Person(given_name=child.get("given_name", ""), family_name=child.get("family_name", ""),
                     date_of_birth=child.get("date_of_birth") or child.get("expected_date_of_birth", ""),
                     sex=SEXES.get(child.get("sex"), pb.SEX_UNSPECIFIED), postcode=child.get("postcode", ""), address=child.get("address", ""),
                     nhs_number=ids.get("nhs_number", ""), upn=ids.get("upn", ""), school=child.get("school", ""))


def _sent_day(message: dict, now: datetime) -> date:
    """The day (Europe/London) the message was sent: when this council received the referral. A
    sender's clock running fast never makes it later than today."""
    sent = datetime.fromisoformat(message["sent_at"].replace("z", "Z").replace("Z", "+00:00"))
    return min(today_london(sent), today_london(now))


def _meaning_problems(message: dict, now: datetime) -> list[tuple[str, str]]:
    """What the schema cannot say: check digits, a birth too far ahead, dates ICS cannot hold.
    Checked with the same rules as a child typed in, and reported with JSON paths too."""
    child = message["child"]
    born = "expected_date_of_birth" if "expected_date_of_birth" in child else "date_of_birth"
    where = {"given_name": "$.child.given_name", "family_name": "$.child.family_name", "sex": "$.child.sex",
             "date_of_birth": f"$.child.{born}", "postcode": "$.child.postcode",
             "nhs_number": "$.child.identifiers.nhs_number", "upn": "$.child.identifiers.upn"}
    _, violations = people.validate(_person(child), "child")
    found = [(where.get(key.split(".")[-1], f"$.{key}"), words) for key, words in violations.items()]
    if _sent_day(message, now) < frontdoor.OLDEST_CONTACT:
        found.append(("$.sent_at", f"is before {iso(frontdoor.OLDEST_CONTACT)}, the oldest contact ICS records"))
    return found


def check(message: object, now: datetime | None = None) -> None:
    """Raises MessageRefused naming every problem; returns when the message can be recorded.

    The meaning checks run even when the schema found problems, so a sender fixes everything in
    one round; where the shape is too broken for them, the schema's problems already say why."""
    found = problems(message)
    if major_of(message) not in READS and found:
        raise MessageRefused(found)  # a version we cannot read has no meaning we could check
    try:
        meaning = _meaning_problems(message, now or datetime.now(timezone.utc))
    except (AttributeError, KeyError, TypeError, ValueError):
        meaning = []
    said = {path for path, _ in found}
    found += [(path, words) for path, words in meaning
              if path not in said and not (path.endswith("date_of_birth") and "$.child" in said)]
    if found:
        raise MessageRefused(found)


def _identified(session: Session, child: dict) -> Person | None:
    """The one child already recorded with the message's NHS number or UPN: national numbers
    belong to one child, so a match is that child. Another council's own id is never matched."""
    ids = child.get("identifiers", {})
    nhs, upn = ids.get("nhs_number", "").replace(" ", ""), ids.get("upn", "").strip().upper()
    clauses = ([Person.nhs_number == nhs] if nhs else []) + ([Person.upn == upn] if upn else [])
    if not clauses:
        return None
    holders = list(session.scalars(select(Person).where(or_(*clauses)).where(Person.merged_into_id.is_(None))
                                   .limit(3)))
    if len({p.id for p in holders}) > 1:
        raise FailedPrecondition("The message's NHS number and UPN belong to two different children in ICS "
                                 f"(people/{holders[0].id} and people/{holders[1].id}). Nothing was recorded; ask "
                                 "the sender to check the identifiers, and your team leader to check the records.")
    return holders[0] if holders else None


def _visible(session: Session, principal: Principal, person: Person) -> bool:
    return bool(session.scalar(select(Person.id).where(Person.id == person.id)
                               .where(access.visible_people(principal, access.WRITE))))


def _find_child(session: Session, principal: Principal, child: dict, chosen: str) -> tuple[Person | None, str]:
    """(the child, how they were found), or (None, "") when the message is about a child ICS does not
    yet know by NHS number or UPN; name and date of birth are then matched by record_contact itself,
    which refuses a likely duplicate until someone chooses the child or confirms a different one."""
    by_number = _identified(session, child)
    if chosen:
        person = people.get_visible(session, principal, parse_name(chosen, "people", "child"), action=access.WRITE)
        if by_number is not None and by_number.id != person.id:
            raise FailedPrecondition(f"The message's NHS number or UPN belongs to people/{by_number.id}, not "
                                     f"{chosen}. Nothing was recorded; check which child this is.")
        return person, "the child you chose"
    if by_number is None:
        return None, ""
    if not _visible(session, principal, by_number):
        raise AlreadyExists("A child with this NHS number or UPN is already recorded in a record you cannot see. "
                            "Nothing was recorded; ask your team leader.")
    return by_number, "matched by NHS number or UPN"


def _unknown_child(session: Session, principal: Principal, child: dict) -> str:
    """Why sections-only messages need a known child, naming the likely one when the caller may
    see them: shared sections add to a record; they never start one."""
    said = ("ICS does not know this child by the message's NHS number or UPN, and shared sections are added to a "
            "child already recorded. Nothing was recorded. ")
    born = child.get("date_of_birth") or child.get("expected_date_of_birth")
    match = people.likely_duplicate(session, principal, child.get("given_name", ""), child["family_name"],
                                    date.fromisoformat(born))
    if match is not None and _visible(session, principal, match):
        return said + (f"{people.display_name(match)} (people/{match.id}) has the same name and date of birth: if "
                       "this is them, import again naming them.")
    return said + "Find the child and import again naming them (people/N), or ask the sender for a referral."


def _answer(question: dict) -> str:
    if question["answer_status"] == "answered":
        return question["answer"]
    words = STATUS_WORDS.get(question["answer_status"], question["answer_status"])
    return f"({words}{': ' + question['reason'] if question.get('reason') else ''})"


def _document_text(document: dict) -> str:
    lines = [f"{document['title']} (their template {document['template_id']} version {document['template_version']}"
             + (f", their reference {document['document_ref']}" if document.get("document_ref") else "")
             + (f"; completed {document['completed_at'][:10]}" if document.get("completed_at") else "")
             + (f" by {document['author']}" if document.get("author") else "") + ")"]
    for section in document["sections"]:
        lines.append("")
        lines.append(section["title"])
        lines += [f"  {q['label']}: {_answer(q)}" for q in section["questions"]]
    return "\n".join(lines)


def _person_line(person: dict) -> str:
    name = f"{person.get('given_name', '')} {person.get('family_name', '')}".strip() or "Name not known"
    parts = [f"{name}, {person['relationship']}"]
    if person.get("lives_with_child"):
        parts.append("lives with the child")
    if person.get("date_of_birth"):
        parts.append(f"born {person['date_of_birth']}")
    if person.get("address") or person.get("postcode"):
        parts.append(" ".join(p for p in (person.get("address", ""), person.get("postcode", "")) if p))
    line = "- " + "; ".join(parts)
    return line + (f". Notes: {person['notes']}" if person.get("notes") else "")


def _sender_line(message: dict, received: date) -> str:
    sender = message["sender"]
    extras = [f"message id {message['message_id']}"]
    if sender.get("reference"):
        extras.append(f"their reference {sender['reference']}")
    if sender.get("contact"):
        extras.append(f"ask {sender['contact']}")
    return (f"Received from {sender['name']} ({sender['code']}) as an inter-agency message on {human(received)} "
            f"({'; '.join(extras)}).")


def _referral_text(message: dict, received: date) -> str:
    referral = message.get("referral", {})
    lines = [_sender_line(message, received)]
    urgency = referral.get("urgency", "not_stated")
    lines.append(f"Urgency, as the sender sees it: {URGENCY_WORDS[urgency]}.")
    lines.append(f"They received the referral on {referral['received_date']}; the concern was first raised by "
                 f"{SOURCE_WORDS[referral['source']]}.")
    local = message["child"].get("identifiers", {}).get("council_child_id")
    if local:
        lines.append(f"Their id for the child: {local}.")
    if referral.get("details"):
        lines += ["", "Details as sent:", referral["details"]]
    if message.get("people"):
        lines += ["", "People they named (not yet added to the child's family; add those who matter):"]
        lines += [_person_line(p) for p in message["people"]]
    return "\n".join(lines)


def import_message(session: Session, principal: Principal, message: object, child: str = "",
                   new_child: bool = False, now: datetime | None = None) -> ImportResult:
    """Records `message` as `principal`, in the caller's transaction: all of it, or (on any
    exception) none of it. `child` ("people/N") names the child when matching needs a person to
    decide; `new_child` confirms a child with a similar name and date of birth is someone else."""
    now = now or datetime.now(timezone.utc)
    access.require_write(principal, "record contacts from other agencies")
    check(message, now)
    key = message_key(message)
    sender = f"{message['sender']['name']} ({message['sender']['code']})"
    earlier = session.get(IdempotencyKey, key)
    if earlier is not None:  # whoever imported it: one message, one record
        return ImportResult(recorded=False, sender=sender, earlier=earlier.result_name)
    received = _sent_day(message, now)
    person, matched_by = _find_child(session, principal, message["child"], child)
    shared = message.get("shared_sections", [])
    result = ImportResult(recorded=True, sender=sender)
    if message["kind"] == "referral":
        referral = message["referral"]
        request = pb.RecordContactRequest(
            received_date=iso(received), source=SOURCES[message["sender"].get("kind", "other_agency")],
            reason=referral["reason"],
            details="\n\n".join([_referral_text(message, received), *(
                "Shared with the referral: " + _document_text(d) for d in shared)]),
            request_id=key, confirmed_not_duplicate=new_child)
        if person is not None:
            request.person = make_name("people", person.id)
        else:
            request.new_person.CopyFrom(_person(message["child"]))
        reply = frontdoor.record_contact(session, principal, request)
        person = session.get(Person, parse_name(reply.person.name, "people"))
        matched_by = matched_by or "a new record"
        result.contact, result.referral = reply.contact.name, reply.referral.name
        urgency = referral.get("urgency", "not_stated")
        title = f"Referral received from {message['sender']['name']}" + (
            f" (urgency: {urgency.replace('_', ' ')})" if urgency != "not_stated" else "")
        result.chronology.append(chronology.add(session, principal, make_name("people", person.id), pb.ChronologyEntry(
            date=iso(received), title=title, detail=referral["reason"] + "\n\n" + _referral_text(message, received)
        )).source)
    elif person is None:
        raise NotFound(_unknown_child(session, principal, message["child"]))
    for document in shared:
        result.chronology.append(chronology.add(session, principal, make_name("people", person.id), pb.ChronologyEntry(
            date=iso(received), title=f"Shared by {message['sender']['name']}: {document['title']}",
            detail=_sender_line(message, received) + "\n\n" + _document_text(document))).source)
    if message["kind"] != "referral":
        # record_contact remembered the key for a referral; a sections-only message has no contact.
        idempotency.remember(session, principal, key, "ShareImport", result.chronology[0])
        try:
            session.flush()
        except IntegrityError:  # the same message imported at the same moment: that one wins
            raise Aborted("This message was being imported twice at once; import it again to see which "
                          "recorded it.") from None
    result.person, result.person_display_name = make_name("people", person.id), people.display_name(person)
    result.matched_by = matched_by
    return result
