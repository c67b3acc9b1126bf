"""Households (R-FAMILY): who lives together, from when to when, and the family sections that are
entered once and shared by every child living there.

A child lives in at most one household at a time, so which family answers a document shares is
never ambiguous; moving is leaving one and joining another. While a child's document is open it
reads the household's answers live (a sibling's worker who updates the pen picture updates it for
all of them); completing it freezes what was true then into its snapshot (R-FREEZE). Every shared
answer carries when and by whom it was recorded, so it is never shown out of date (R-ONE-TRUTH).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.common.v1 import common_pb2 as cpb
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import iso, past_date_or_today, today_london
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.etags import require_etag
from services.common.names import make_name, parse_name
from services.records import access, audit, idempotency, outbox, people
from services.records.models import Household, HouseholdFact, HouseholdMember, Person
from services.records.template_library import Question, TemplateLibrary

ANSWERED = cpb.ANSWER_STATUS_ANSWERED
NOT_YET_ASKED = cpb.ANSWER_STATUS_NOT_YET_ASKED
# What siblings share: how the family is parented and lives, and the family's pen picture. Each
# child's own developmental needs, views and identifiers are never shared.
FAMILY_DOMAINS = ("parenting_capacity", "family_and_environmental_factors")
FAMILY_QUESTIONS = ("pen_picture",)


def family_question_ids(template) -> set[str]:
    return {q.id for section in template.sections for q in section.questions
            if section.domain in FAMILY_DOMAINS or q.id in FAMILY_QUESTIONS}


def family_questions(library: TemplateLibrary) -> dict[str, Question]:
    """Every shareable question any current template asks, by id (the first template's wording)."""
    found: dict[str, Question] = {}
    for template in library.latest():
        shared = family_question_ids(template)
        for question in template.questions():
            if question.id in shared:
                found.setdefault(question.id, question)
    return found


def current_household_id(session: Session, person_id: int) -> int | None:
    return session.scalar(select(HouseholdMember.household_id).where(
        HouseholdMember.person_id == person_id, HouseholdMember.to_date.is_(None)))


def fact_answer(fact: HouseholdFact) -> dict:
    """A shared answer as a document holds it, with where it came from and when."""
    return {"value": fact.value, "status": fact.status, "reason": fact.reason,
            "shared_from": make_name("households", fact.household_id), "recorded_date": iso(fact.recorded_date),
            "recorded_by": fact.recorded_by_name}


def overlay(session: Session, household_id: int, shared: list[str], answers: dict[str, dict]) -> dict[str, dict]:
    """`answers` with the household's current answer to each shared question."""
    result = {k: v for k, v in answers.items() if k not in shared}
    for fact in session.scalars(select(HouseholdFact).where(HouseholdFact.household_id == household_id,
                                                            HouseholdFact.question_id.in_(shared))):
        result[fact.question_id] = fact_answer(fact)
    return result


def set_facts(session: Session, principal: Principal, household_id: int, answers) -> None:
    """Records shared answers (already validated); NOT_YET_ASKED with no reason clears one."""
    today = today_london()
    for key, answer in answers.items():
        status = answer.status or (ANSWERED if answer.value.strip() else NOT_YET_ASKED)
        fact = session.get(HouseholdFact, (household_id, key))
        if status == NOT_YET_ASKED and not answer.reason.strip():
            if fact is not None:
                session.delete(fact)
            continue
        if fact is None:
            fact = HouseholdFact(household_id=household_id, question_id=key)
            session.add(fact)
        fact.value = answer.value.strip() if status == ANSWERED else ""
        fact.status, fact.reason = status, answer.reason.strip()
        fact.recorded_date, fact.recorded_by_user, fact.recorded_by_name = today, principal.user_id, principal.display_name
    household = session.get(Household, household_id)
    household.version += 1
    session.flush()
    _event(session, principal, household, "household.facts_updated", {"questions": sorted(answers)})


def _members(session: Session, household_id: int) -> list[HouseholdMember]:
    return list(session.scalars(select(HouseholdMember).where(HouseholdMember.household_id == household_id)
                                .order_by(HouseholdMember.from_date, HouseholdMember.id)))


def to_proto(session: Session, principal: Principal, household: Household) -> pb.Household:
    msg = pb.Household(name=make_name("households", household.id), address=household.address,
                       postcode=household.postcode, etag=str(household.version))
    members = _members(session, household.id)
    visible = set(session.scalars(select(Person.id).where(Person.id.in_([m.person_id for m in members]))
                                  .where(access.visible_people(principal))))
    for member in members:
        person = session.get(Person, member.person_id) if member.person_id in visible else None
        msg.members.add(person=make_name("people", member.person_id),
                        display_name=people.display_name(person) if person else "someone whose record you cannot see",
                        from_date=iso(member.from_date), to_date=iso(member.to_date))
    for fact in session.scalars(select(HouseholdFact).where(HouseholdFact.household_id == household.id)):
        msg.facts[fact.question_id].CopyFrom(cpb.Answer(**fact_answer(fact)))
    return msg


def _event(session: Session, principal: Principal, household: Household, kind: str, payload: dict) -> None:
    """One event per current member, so each child's chronology shows what changed at home."""
    name = make_name("households", household.id)
    for member in _members(session, household.id):
        if member.to_date is None:
            outbox.append(session, principal, kind, name, member.person_id, {"household": name, **payload})


def _visible_household(session: Session, principal: Principal, name: str, etag: str | None = None) -> Household:
    """A household is known to you when you may see someone who lives or lived there (and, to
    change it, when you may change one of their records)."""
    household_id = parse_name(name, "households")
    action = access.READ if etag is None else access.WRITE
    household = session.scalar(
        select(Household).where(Household.id == household_id).where(
            select(HouseholdMember.id).join(Person, Person.id == HouseholdMember.person_id)
            .where(HouseholdMember.household_id == Household.id).where(access.visible_people(principal, action))
            .exists()))
    if household is None:
        raise NotFound(f"No household {name} is known to you.")
    if etag is not None:
        require_etag(etag, household.version,
                     "Someone changed this household since you opened it. Reload it, then make your change again.",
                     missing="Send the etag of the household as you last saw it, so no one's change is lost.")
    return household


def _refuse_second_home(session: Session, person: Person, household_id: int | None = None) -> None:
    current = current_household_id(session, person.id)
    if current is not None:
        where = "this household" if current == household_id else f"households/{current}"
        raise FailedPrecondition(f"{people.display_name(person)} already lives in {where}. Record them leaving it "
                                 "first: a child lives in one household at a time.")


def _join(session: Session, household: Household, person: Person, since: date) -> None:
    last_left = session.scalar(select(HouseholdMember.to_date).where(HouseholdMember.person_id == person.id)
                               .order_by(HouseholdMember.to_date.desc()).limit(1))
    if last_left and since < last_left:
        raise FailedPrecondition(f"{people.display_name(person)} left their last household on {iso(last_left)}; "
                                 "they cannot join another before that.")
    session.add(HouseholdMember(household_id=household.id, person_id=person.id, from_date=since))


def create(session: Session, principal: Principal, request: pb.CreateHouseholdRequest) -> pb.Household:
    access.require_write(principal, "record households")
    if earlier := idempotency.earlier_result(session, principal, request.request_id, "CreateHousehold"):
        return to_proto(session, principal, _visible_household(session, principal, earlier))
    violations: dict[str, str] = {}
    since = past_date_or_today(request.from_date, "from_date", "date they started living there", violations)
    if not request.members:
        violations["members"] = "name at least one person who lives there"
    if not request.household.address.strip() and not request.household.postcode.strip():
        violations["household.address"] = "give the address or at least the postcode"
    people.raise_if_invalid(violations, "The household")
    members = [people.get_visible(session, principal, parse_name(m, "people", "members"), action=access.WRITE)
               for m in request.members]
    for person in members:
        _refuse_second_home(session, person)
    household = Household(address=request.household.address.strip(),
                          postcode=request.household.postcode.strip().upper(), version=1,
                          created_by_user=principal.user_id, created_at=datetime.now(timezone.utc))
    session.add(household)
    session.flush()
    for person in {p.id: p for p in members}.values():
        _join(session, household, person, since)
    session.flush()
    _event(session, principal, household, "household.created",
           {"from_date": iso(since), "address": ", ".join(x for x in (household.address, household.postcode) if x)})
    audit.record(session, principal, "create", make_name("households", household.id), [p.id for p in members])
    idempotency.remember(session, principal, request.request_id, "CreateHousehold",
                         make_name("households", household.id))
    return to_proto(session, principal, household)


def get(session: Session, principal: Principal, name: str) -> pb.Household:
    access.require_read(principal, "read households")
    household = _visible_household(session, principal, name)
    audit.record(session, principal, "read", name, [m.person_id for m in _members(session, household.id)])
    return to_proto(session, principal, household)


def list_for(session: Session, principal: Principal, person_name: str) -> list[pb.Household]:
    access.require_read(principal, "read households")
    person = people.get_visible(session, principal, parse_name(person_name, "people", "person"))
    rows = session.scalars(select(Household).join(HouseholdMember, HouseholdMember.household_id == Household.id)
                           .where(HouseholdMember.person_id == person.id)
                           .order_by(HouseholdMember.from_date.desc(), HouseholdMember.id.desc()))
    audit.record(session, principal, "list", f"people/{person.id}/households", [person.id])
    return [to_proto(session, principal, h) for h in dict.fromkeys(rows)]


def join(session: Session, principal: Principal, request: pb.JoinHouseholdRequest) -> pb.Household:
    access.require_write(principal, "record households")
    violations: dict[str, str] = {}
    since = past_date_or_today(request.from_date, "from_date", "date they started living there", violations)
    people.raise_if_invalid(violations, "Joining the household")
    household = _visible_household(session, principal, request.name, request.etag)
    person = people.get_visible(session, principal, parse_name(request.person, "people", "person"), action=access.WRITE)
    _refuse_second_home(session, person, household.id)
    _join(session, household, person, since)
    household.version += 1
    session.flush()
    _event(session, principal, household, "household.joined",
           {"person": make_name("people", person.id), "person_display_name": people.display_name(person),
            "from_date": iso(since)})
    audit.record(session, principal, "join", request.name, [person.id])
    return to_proto(session, principal, household)


def leave(session: Session, principal: Principal, request: pb.LeaveHouseholdRequest) -> pb.Household:
    access.require_write(principal, "record households")
    violations: dict[str, str] = {}
    until = past_date_or_today(request.to_date, "to_date", "date they stopped living there", violations)
    people.raise_if_invalid(violations, "Leaving the household")
    household = _visible_household(session, principal, request.name, request.etag)
    person = people.get_visible(session, principal, parse_name(request.person, "people", "person"), action=access.WRITE)
    member = session.scalar(select(HouseholdMember).where(
        HouseholdMember.household_id == household.id, HouseholdMember.person_id == person.id,
        HouseholdMember.to_date.is_(None)))
    if member is None:
        raise FailedPrecondition(f"{people.display_name(person)} does not live in this household now.")
    if until < member.from_date:
        raise InvalidArgument(f"{people.display_name(person)} moved in on {iso(member.from_date)}; they cannot "
                              "leave before that.", {"to_date": "before they moved in"})
    # The event goes to everyone who lived there, the leaver included, before they are marked gone.
    _event(session, principal, household, "household.left",
           {"person": make_name("people", person.id), "person_display_name": people.display_name(person),
            "to_date": iso(until)})
    member.to_date = until
    household.version += 1
    session.flush()
    audit.record(session, principal, "leave", request.name, [person.id])
    return to_proto(session, principal, household)


def update_facts(session: Session, principal: Principal, library: TemplateLibrary,
                 request: pb.UpdateHouseholdFactsRequest) -> pb.Household:
    from services.records.documents import check_answers  # documents imports this module

    access.require_write(principal, "record family information")
    if not request.facts:
        raise InvalidArgument("Give at least one family answer to record.", {"facts": "required"})
    people.raise_if_invalid(check_answers(family_questions(library), request.facts, "the family sections",
                                          prefix="facts"),
                            "The family information")
    household = _visible_household(session, principal, request.name, request.etag)
    set_facts(session, principal, household.id, request.facts)
    audit.record(session, principal, "update", request.name,
                 [m.person_id for m in _members(session, household.id) if m.to_date is None],
                 detail=",".join(sorted(request.facts)))
    return to_proto(session, principal, household)
