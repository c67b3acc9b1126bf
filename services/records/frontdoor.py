"""The front door: a contact about a child becomes a referral, which awaits a decision."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import add_months, iso, past_date_or_today
from services.common.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound
from services.common.names import make_name, parse_name
from services.records import access, audit, drafts, episodes, idempotency, outbox, people
from services.records.models import Contact, Episode, Person, Referral

OLDEST_CONTACT = date(2000, 1, 1)
DECISION_LABELS = {
    pb.REFERRAL_DECISION_NO_FURTHER_ACTION: "no further action",
    pb.REFERRAL_DECISION_ADVICE_SIGNPOSTING: "advice and signposting",
    pb.REFERRAL_DECISION_ASSESSMENT: "assessment",
    pb.REFERRAL_DECISION_STRATEGY_DISCUSSION: "strategy discussion",
}


def within_12_months(earlier: date, later: date) -> bool:
    """The CIN census counts a re-referral as one within 12 months of the previous referral."""
    return later <= add_months(earlier, 12)


def contact_to_proto(contact: Contact) -> pb.Contact:
    msg = pb.Contact(
        name=make_name("contacts", contact.id),
        person=make_name("people", contact.person_id),
        received_date=iso(contact.received_date),
        source=contact.source,
        reason=contact.reason,
        details=contact.details,
    )
    msg.recorded_by.user_name = make_name("users", contact.recorded_by_user)
    msg.recorded_by.username = contact.recorded_by_username
    msg.recorded_by.display_name = contact.recorded_by_name
    msg.create_time.FromDatetime(contact.created_at)
    return msg


def referral_to_proto(referral: Referral, person: Person, reason: str) -> pb.Referral:
    msg = pb.Referral(
        name=make_name("referrals", referral.id),
        person=make_name("people", referral.person_id),
        contact=make_name("contacts", referral.contact_id),
        team=make_name("teams", referral.team_id),
        received_date=iso(referral.received_date),
        state=referral.state,
        decision=referral.decision,
        decision_reason=referral.decision_reason,
        decided_date=iso(referral.decided_date),
        etag=str(referral.version),
        person_display_name=people.display_name(person),
        reason=reason,
        previous_referral=make_name("referrals", referral.previous_referral_id),
        re_referral=referral.re_referral,
        episode=make_name("episodes", referral.episode_id),
    )
    if referral.decided_by_user:
        msg.decided_by.user_name = make_name("users", referral.decided_by_user)
        msg.decided_by.username = referral.decided_by_username
        msg.decided_by.display_name = referral.decided_by_name
    if referral.decided_at:
        msg.decide_time.FromDatetime(referral.decided_at)
    return msg


def _referral_proto(session: Session, referral: Referral) -> pb.Referral:
    person = session.get(Person, referral.person_id)
    reason = session.scalar(select(Contact.reason).where(Contact.id == referral.contact_id)) or ""
    return referral_to_proto(referral, person, reason)


def _validate_contact(request: pb.RecordContactRequest) -> tuple[date, dict[str, str]]:
    violations: dict[str, str] = {}
    received = past_date_or_today(request.received_date, "received_date", "date received", violations,
                                  OLDEST_CONTACT)
    if not request.reason.strip():
        violations["reason"] = "required: say why we were contacted"
    if request.source == pb.CONTACT_SOURCE_UNSPECIFIED or request.source not in pb.ContactSource.values():
        violations["source"] = "required: who made the contact"
    if not request.HasField("new_person") and not request.person:
        violations["person"] = "choose a known child or describe a new one"
    return received, violations


def record_contact(session: Session, principal: Principal, request: pb.RecordContactRequest) -> pb.RecordContactResponse:
    access.require_write(principal, "record contacts")
    replayed = idempotency.earlier_result(session, principal, request.request_id, "RecordContact")
    if replayed:
        return contact_response(session, principal, parse_name(replayed, "contacts"))
    if not principal.team_ids:
        raise FailedPrecondition("You are not in a team, so nobody would see this referral to decide "
                                 "it. Ask your administrator to add you to your team.")
    received, violations = _validate_contact(request)
    if request.HasField("new_person"):
        _, person_violations = people.validate(request.new_person, "new_person")
        violations.update(person_violations)
    people.raise_if_invalid(violations, "The contact")

    if request.HasField("new_person"):
        person = people.create(session, principal, request.new_person, request.confirmed_not_duplicate,
                               prefix="new_person")
    else:
        person = people.get_visible(session, principal, parse_name(request.person, "people", "person"),
                                    action=access.WRITE)

    now = datetime.now(timezone.utc)
    team_id = principal.team_ids[0]
    contact = Contact(
        person_id=person.id, received_date=received, source=request.source,
        reason=request.reason.strip(), details=request.details.strip(), team_id=team_id,
        recorded_by_user=principal.user_id, recorded_by_username=principal.username,
        recorded_by_name=principal.display_name, created_at=now,
    )
    session.add(contact)
    session.flush()
    previous = session.scalar(select(Referral).where(Referral.person_id == person.id)
                              .order_by(Referral.received_date.desc(), Referral.id.desc()).limit(1))
    referral = Referral(
        contact_id=contact.id, person_id=person.id, team_id=team_id, received_date=received,
        state=pb.REFERRAL_STATE_AWAITING_DECISION, decision=0, version=1, created_at=now,
        previous_referral_id=previous.id if previous else None,
        re_referral=bool(previous and within_12_months(previous.received_date, received)),
        episode_id=episodes.join_or_open(session, person.id, received).id,
    )
    session.add(referral)
    session.flush()
    idempotency.remember(session, principal, request.request_id, "RecordContact", make_name("contacts", contact.id))
    if request.draft:
        drafts.delete(session, principal, parse_name(request.draft, "drafts", "draft"), missing_ok=True)

    name = people.display_name(person)
    outbox.append(session, principal, "contact.recorded", make_name("contacts", contact.id), person.id,
                  {"contact": make_name("contacts", contact.id), "person": make_name("people", person.id),
                   "received_date": iso(received), "team": make_name("teams", team_id)})
    outbox.append(session, principal, "referral.created", make_name("referrals", referral.id), person.id,
                  {"referral": make_name("referrals", referral.id), "person": make_name("people", person.id),
                   "person_display_name": name, "received_date": iso(received),
                   "team": make_name("teams", team_id), "assignee": "",
                   "previous_referral": make_name("referrals", referral.previous_referral_id),
                   "re_referral": referral.re_referral})
    audit.record(session, principal, "create", make_name("contacts", contact.id), [person.id])
    try:
        session.flush()
    except IntegrityError:
        # A concurrent retry with the same request_id won the race; the caller's transaction
        # rolls back and the retry below returns the winner's result.
        raise Aborted("This contact was being saved twice at once; please try again.") from None
    return pb.RecordContactResponse(
        contact=contact_to_proto(contact),
        referral=referral_to_proto(referral, person, contact.reason),
        person=people.to_proto(person),
    )


def contact_response(session: Session, principal: Principal, contact_id: int) -> pb.RecordContactResponse:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"No contact contacts/{contact_id} is known to you.")
    person = people.get_visible(session, principal, contact.person_id)
    referral = session.scalar(select(Referral).where(Referral.contact_id == contact.id))
    return pb.RecordContactResponse(
        contact=contact_to_proto(contact),
        referral=referral_to_proto(referral, person, contact.reason),
        person=people.to_proto(person),
    )


def _visible_referral(session: Session, principal: Principal, referral_id: int, action: str = access.READ) -> Referral:
    referral = session.scalar(
        select(Referral).join(Person, Person.id == Referral.person_id)
        .where(Referral.id == referral_id).where(access.visible_people(principal, action))
    )
    if referral is None:
        raise NotFound(f"No referral referrals/{referral_id} is known to you.")
    return referral


def get_referral(session: Session, principal: Principal, referral_id: int) -> pb.Referral:
    access.require_read(principal, "read referrals")
    referral = _visible_referral(session, principal, referral_id)
    audit.record(session, principal, "read", make_name("referrals", referral_id), [referral.person_id])
    return _referral_proto(session, referral)


def list_referrals(
    session: Session, principal: Principal, state: int, team: str, person: str, offset: int, limit: int
) -> list[pb.Referral]:
    access.require_read(principal, "list referrals")
    query = (
        select(Referral, Person, Contact.reason)
        .join(Person, Person.id == Referral.person_id)
        .join(Contact, Contact.id == Referral.contact_id)
        .where(access.visible_people(principal))
    )
    if state:
        query = query.where(Referral.state == state)
    if team:
        query = query.where(Referral.team_id == parse_name(team, "teams", "team"))
    if person:
        query = query.where(Referral.person_id == parse_name(person, "people", "person"))
    rows = session.execute(
        query.order_by(Referral.received_date, Referral.id).offset(offset).limit(limit)
    ).all()
    if rows:
        audit.record(session, principal, "list", "referrals", sorted({p.id for _, p, _ in rows}))
    return [referral_to_proto(r, p, reason) for r, p, reason in rows]


def decide(session: Session, principal: Principal, request: pb.DecideReferralRequest) -> pb.Referral:
    access.require(principal, "referral.decide", "decide referrals")
    referral_id = parse_name(request.name, "referrals")
    violations = {}
    if request.decision not in DECISION_LABELS:
        violations["decision"] = "choose: no further action, advice and signposting, assessment, or strategy discussion"
    if not request.reason.strip():
        violations["reason"] = "required: say why"
    decided = past_date_or_today(request.decided_date, "decided_date", "decision date", violations)
    people.raise_if_invalid(violations, "The decision")
    referral = _visible_referral(session, principal, referral_id, "referral.decide")
    if session.get_bind().dialect.name == "postgresql":
        session.refresh(referral, with_for_update=True)
    if request.etag and request.etag != str(referral.version):
        raise Aborted("Someone else changed this referral since you opened it. Reload it and decide again.")
    if referral.state == pb.REFERRAL_STATE_DECIDED:
        raise FailedPrecondition(
            f"This referral was already decided ({DECISION_LABELS.get(referral.decision, 'decided')}) by "
            f"{referral.decided_by_name} on {iso(referral.decided_date)}.")
    if decided < referral.received_date:
        raise InvalidArgument("The decision date cannot be before the referral was received.",
                              {"decided_date": "before the date received"})
    referral.state = pb.REFERRAL_STATE_DECIDED
    referral.decision = request.decision
    referral.decision_reason = request.reason.strip()
    referral.decided_by_user = principal.user_id
    referral.decided_by_username = principal.username
    referral.decided_by_name = principal.display_name
    referral.decided_at = datetime.now(timezone.utc)
    referral.decided_date = decided
    referral.version += 1
    if request.decision in episodes.NFA_DECISIONS and referral.episode_id:
        # No further action on this referral closes the case only if this referral is all the case
        # is: a contact about a child already being worked with joins that work and never ends it.
        episode = session.get(Episode, referral.episode_id)
        if episode is not None and not session.scalar(select(Referral.id).where(
                Referral.episode_id == episode.id, Referral.id != referral.id)):
            episodes.close(session, principal, episode, decided, "referral_nfa")
    outbox.append(session, principal, "referral.decided", make_name("referrals", referral.id), referral.person_id,
                  {"referral": make_name("referrals", referral.id), "decided_date": iso(decided),
                   "decision": pb.ReferralDecision.Name(request.decision), "received_date": iso(referral.received_date),
                   "episode": make_name("episodes", referral.episode_id), "person": make_name("people", referral.person_id),
                   "team": make_name("teams", referral.team_id)})
    audit.record(session, principal, "decide", make_name("referrals", referral.id), [referral.person_id])
    return _referral_proto(session, referral)
