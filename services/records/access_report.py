"""A child's "who has seen this record" report, from the audit: every look and every change, by
whom, on whose behalf and (for emergency access) why, in sentences a family can be given."""

from __future__ import annotations

from datetime import datetime, time, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import as_utc, parse_date
from services.common.names import parse_name
from services.records import access, audit, people
from services.records.models import AuditEntry, AuditPerson

# What each audited action means, said plainly. The subject's kind (its first path part, or the
# part after the child, as in people/5/chronology) picks the words for reads.
READ_WORDS = {
    "people": "opened the record", "chronology": "looked at the chronology", "episodes": "looked at the case history",
    "documents": "read a document", "referrals": "read a referral", "allocations": "looked at who holds the case",
    "care-periods": "looked at the looked-after history", "placements": "looked at the placements",
    "story": "read the case story", "progress": "looked at plan progress", "plans": "read a plan",
    "households": "looked at the household", "attachments": "opened an attached file",
    "relationships": "looked at family and relationships", "grants": "looked at who may see the record",
}
ACTION_WORDS = {
    "search": "found the child in a search", "list": "saw the child in a list", "create": "added to the record",
    "update": "changed the record", "copy": "copied a document to the record", "append": "added a note to a document",
    "sign": "signed a document", "export": "printed or exported a document", "decide": "decided a referral",
    "allocate": "allocated the case", "attach": "attached a file", "merge": "merged two records of the child",
    "unmerge": "undid a merge", "place": "recorded a placement", "end": "ended a placement",
    "join": "recorded a move into a household", "leave": "recorded a move out of a household",
    "break_glass": "used emergency access to open the record", "break_glass.review": "reviewed emergency access",
    "access.grant": "gave someone access to the record", "access.revoke": "took away someone's access",
    "access.restricted": "restricted the record", "access.sealed": "sealed the record",
    "access.open": "opened the record to the usual team", "legal_hold.place": "placed a legal hold",
    "legal_hold.release": "released a legal hold", "access_report": "produced this access report",
    "output": "printed or saved a copy",
    "report": "saw the child listed in a management report",
    "return": "included the child in a statutory return to the Department for Education",
    "sar.open": "opened a subject access request and gathered the record for it",
    "sar.read": "read the record gathered for a subject access request",
    "sar.redact": "redacted part of the subject access request copy",
    "sar.unredact": "undid a redaction in the subject access request copy",
    "sar.release": "released the subject access request copy",
}


def describe(entry: AuditEntry) -> str:
    if entry.action == "read":
        parts = entry.subject.split("/")
        kind = parts[2] if len(parts) > 2 and parts[0] == "people" else parts[0]
        return READ_WORDS.get(kind, "looked at the record")
    if entry.action in ("output", "return", "report") and entry.detail:
        return f"{ACTION_WORDS[entry.action]}: {entry.detail}"
    return ACTION_WORDS.get(entry.action, entry.action.replace("_", " ").replace(".", ": "))


def sentence(entry: AuditEntry) -> str:
    """One line of the report, as a family reads it: when, who (and for whom), what, and why."""
    said = f"{as_utc(entry.at):%d %b %Y %H:%M} UTC: {entry.actor_name or entry.actor_username}"
    if entry.on_behalf_name:
        said += f", for {entry.on_behalf_name},"
    said += f" {describe(entry)}"
    if entry.reason:
        said += f", giving the reason: {entry.reason}"
    return said + "."


OUTPUT_WORDS_MAX = 200


def record_output(session: Session, principal: Principal, request: pb.RecordOutputRequest) -> pb.RecordOutputResponse:
    """A front end is about to print or save a copy of a document, or the letter to a child's
    family: written to the audit against the child, before the copy exists."""
    access.require_read(principal, "print or save copies")
    violations = {field: f"at most {OUTPUT_WORDS_MAX} characters" for field in ("what", "destination")
                  if len(getattr(request, field)) > OUTPUT_WORDS_MAX}
    people.raise_if_invalid(violations, "The copy")
    if request.subject.startswith("people/"):
        person_id = people.get_visible(session, principal, parse_name(request.subject, "people", "subject")).id
    else:
        from services.records.documents import visible_document

        person_id = visible_document(session, principal, parse_name(request.subject, "documents", "subject")).person_id
    detail = " to ".join(part.strip() for part in (request.what, request.destination) if part.strip())
    audit.record(session, principal, "output", request.subject, [person_id], detail=detail)
    return pb.RecordOutputResponse()


def report(session: Session, principal: Principal, request: pb.GetAccessReportRequest) -> pb.AccessReport:
    access.require(principal, "access.review", "produce access reports")
    person = people.get_visible(session, principal, parse_name(request.person, "people", "person"),
                                action="access.review")
    query = (select(AuditEntry).join(AuditPerson, AuditPerson.audit_id == AuditEntry.id)
             .where(AuditPerson.person_id == person.id).order_by(AuditEntry.id))
    if request.since:
        since = parse_date(request.since, "since", "start date")
        query = query.where(AuditEntry.at >= datetime.combine(since, time.min, timezone.utc))
    msg = pb.AccessReport(person=f"people/{person.id}", person_display_name=people.display_name(person))
    lines = [f"Who has seen or changed the record of {people.display_name(person)}"
             + (f", since {request.since}" if request.since else "") + "."]
    for entry in session.scalars(query):
        line = msg.lines.add(who=entry.actor_name or entry.actor_username, on_behalf_of=entry.on_behalf_name,
                             what=describe(entry), reason=entry.reason)
        line.time.FromDatetime(as_utc(entry.at))
        lines.append(sentence(entry))
    if len(lines) == 1:
        lines.append("Nobody has looked at or changed it in this period.")
    msg.text = "\n".join(lines) + "\n"
    # Producing the report is itself a look at who has seen the child.
    audit.record(session, principal, "access_report", f"people/{person.id}", [person.id])
    return msg
