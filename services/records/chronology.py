"""The chronology (L1015, L3600): generated from the outbox — every contact, referral, decision,
document, allocation — merged with the significant entries workers add, oldest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import checked_date, iso, today_london
from services.common.names import make_name, parse_name
from services.records import access, audit, outbox, people
from services.records.models import ChronologyEntry, Contact, Document, OutboxEvent, Person

# Which events tell the child's story, and how each reads. Routine edits (a changed postcode, an
# answer typed into a document) are in the audit, not the chronology.
SIGNIFICANT = {"contact.recorded", "referral.decided", "document.ended", "allocation.started", "episode.closed",
               "household.created", "household.joined", "household.left", "care.started", "care.ended",
               "placement.started", "placement.ended", "plan.created", "plan.ended", "allocation.ended"}


PLAN_WORDS = {"child_in_need": "Child in need plan", "child_protection": "Child protection plan", "care": "Care plan",
              "pathway": "Pathway plan", "adoption": "Adoption plan"}
# Every event type the chronology tells; others (answers typed, drafts) are never read for it.
TOLD = SIGNIFICANT | {"person.created", "referral.created", "document.created", "relationship.created",
                      "care.legal_status_changed"}


@dataclass
class _Context:
    """What the sentences quote from other records, read once for the whole chronology."""

    contact_reasons: dict[int, str]
    document_titles: dict[int, str]

    @classmethod
    def load(cls, session: Session, events: list[OutboxEvent]) -> "_Context":
        def ids(prefix: str) -> set[int]:
            return {int(e.subject.split("/")[1]) for e in events if e.subject.startswith(prefix)}

        contacts, documents = ids("contacts/"), ids("documents/")
        return cls(
            dict(session.execute(select(Contact.id, Contact.reason).where(Contact.id.in_(contacts))).all())
            if contacts else {},
            dict(session.execute(select(Document.id, Document.title).where(Document.id.in_(documents))).all())
            if documents else {})


def _sentence(context: _Context, event: OutboxEvent, payload: dict) -> tuple[str, str, str] | None:
    """(date, title, detail) for an event, or None if it is not part of the story."""
    on = iso(today_london(event.occurred_at))
    kind = event.type
    if kind == "person.created":
        return on, "First recorded in ICS", ""
    if kind == "contact.recorded":
        return (payload.get("received_date", on), "Contact received",
                context.contact_reasons.get(int(event.subject.split("/")[1]), ""))
    if kind == "referral.created":
        linked = " (a re-referral)" if payload.get("re_referral") else ""
        return payload.get("received_date", on), f"Referral opened{linked}", ""
    if kind == "referral.decided":
        decision = payload.get("decision", "").removeprefix("REFERRAL_DECISION_").replace("_", " ").lower()
        return payload.get("decided_date", on), f"Referral decided: {decision}", ""
    if kind in ("document.created", "document.ended"):
        title = context.document_titles.get(int(event.subject.split("/")[1]), "Document")
        if kind == "document.created":
            return payload.get("start_date", on), f"{title} started", ""
        return payload.get("ended_date", on), f"{title} {payload.get('state', 'ended')}", payload.get("reason", "")
    if kind == "allocation.started":
        return payload.get("start_date", on), "Case allocated", ""
    if kind == "episode.closed":
        reason = payload.get("reason", "")
        return payload.get("closed_date", on), "Case closed", "" if reason == "referral_nfa" else reason
    if kind == "relationship.created":
        return on, "Relationship recorded", ""
    if kind in ("household.created", "household.joined"):
        who = payload.get("person_display_name", "")
        return (payload.get("from_date", on), "Living in a household recorded" if not who else f"{who} moved in",
                payload.get("address", ""))
    if kind == "household.left":
        return payload.get("to_date", on), f"{payload.get('person_display_name', 'Someone')} moved out", ""
    if kind == "care.started":
        return payload.get("start_date", on), "Started to be looked after", f"Legal status {payload.get('legal_status', '')}"
    if kind == "care.legal_status_changed":
        return payload.get("start_date", on), "Legal status changed", payload.get("legal_status", "")
    if kind == "care.ended":
        return payload.get("end_date", on), "Ceased to be looked after", payload.get("end_reason", "")
    if kind == "placement.started":
        return payload.get("start_date", on), "Placement started", payload.get("carer_display_name", "")
    if kind == "placement.ended":
        return payload.get("end_date", on), "Placement ended", payload.get("reason", "")
    if kind in ("plan.created", "plan.ended"):
        plan = PLAN_WORDS.get(payload.get("kind", ""), "Plan")
        if kind == "plan.created":
            return on, f"{plan} started", ""
        return payload.get("end_date", on), f"{plan} ended", payload.get("reason", "")
    if kind == "allocation.ended":
        return payload.get("end_date", on), "Case no longer allocated", payload.get("reason", "")
    return None


def get(session: Session, principal: Principal, person_name: str, significant_only: bool) -> pb.Chronology:
    access.require_read(principal, "read chronologies")
    person = people.get_visible(session, principal, parse_name(person_name, "people", "person"))
    # Records merged into this one tell part of the same story.
    ids = [person.id, *session.scalars(select(Person.id).where(Person.merged_into_id == person.id))]
    entries = []
    events = list(session.scalars(select(OutboxEvent).where(
        OutboxEvent.person_id.in_(ids), OutboxEvent.type.in_(SIGNIFICANT if significant_only else TOLD))
        .order_by(OutboxEvent.sequence)))
    context = _Context.load(session, events)
    for event in events:
        line = _sentence(context, event, json.loads(event.payload_json))
        if line is None:
            continue
        when, title, detail = line
        entries.append(pb.ChronologyEntry(date=when, title=title, detail=detail, curated=False,
                                          significant=event.type in SIGNIFICANT, source=event.subject,
                                          recorded_by=event.actor_name))
    for row in session.scalars(select(ChronologyEntry).where(ChronologyEntry.person_id == person.id)):
        entries.append(pb.ChronologyEntry(date=iso(row.event_date), title=row.title, detail=row.detail, curated=True,
                                          significant=True, source=make_name("chronology", row.id),
                                          recorded_by=row.author_name, entered_by=row.entered_by_name))
    entries.sort(key=lambda e: e.date)  # stable: same-day entries keep the order they happened
    audit.record(session, principal, "read", f"people/{person.id}/chronology", [person.id])
    return pb.Chronology(person=make_name("people", person.id), entries=entries)


def add(session: Session, principal: Principal, person_name: str, entry: pb.ChronologyEntry) -> pb.ChronologyEntry:
    access.require_write(principal, "add to chronologies")
    violations = {}
    if not entry.title.strip():
        violations["entry.title"] = "required: what happened, in one line"
    when = checked_date(entry.date, "entry.date", "date", violations, "required: when it happened")
    if when and when > today_london():
        violations["entry.date"] = "cannot be in the future"
    people.raise_if_invalid(violations, "The chronology entry")
    person = people.get_visible(session, principal, parse_name(person_name, "people", "person"), action=access.WRITE)
    row = ChronologyEntry(person_id=person.id, event_date=when, title=entry.title.strip()[:300],
                          detail=entry.detail.strip(), author_user=principal.user_id,
                          author_name=principal.display_name, created_at=datetime.now(timezone.utc),
                          entered_by_name=principal.entered_by[2] if principal.entered_by else "")
    session.add(row)
    session.flush()
    name = make_name("chronology", row.id)
    outbox.append(session, principal, "chronology.entry_added", name, person.id, {"entry": name})
    audit.record(session, principal, "create", name, [person.id])
    return pb.ChronologyEntry(date=iso(when), title=row.title, detail=row.detail, curated=True, significant=True,
                              source=name, recorded_by=row.author_name, entered_by=row.entered_by_name)
