"""Children and the people around them: create, find, read, update; always as the caller."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone

from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ics.common.v1 import common_pb2
from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import checked_date, iso, today_london
from services.common.errors import AlreadyExists, InvalidArgument, NotFound
from services.common.etags import require_etag
from services.common.names import parse_name
from services.records import access, audit, outbox
from services.records.identifiers import nhs_number_problem, upn_problem
from services.records.models import Person, PersonCharacteristic

DUPLICATE_SCORE = 90.0
MATCH_FLOOR = 60.0
# An unborn child is recorded with the expected date of birth.
UNBORN_WINDOW = timedelta(days=300)
UPDATABLE = {"given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "nhs_number", "upn",
             "council_child_id", "characteristics", "school"}
CHARACTERISTICS = ("ethnicity", "religion", "first_language", "dietary_needs", "disability",
                   "mother_heritage", "father_heritage")
ANSWERED = common_pb2.ANSWER_STATUS_ANSWERED


def fold(text: str) -> str:
    """Lower case without accents, so 'Zoë' finds 'Zoe'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


ACCESS_LEVELS = {access.OPEN: pb.ACCESS_LEVEL_OPEN, access.RESTRICTED: pb.ACCESS_LEVEL_RESTRICTED,
                 access.SEALED: pb.ACCESS_LEVEL_SEALED}


def display_name(person: Person) -> str:
    name = f"{person.given_name} {person.family_name}".strip()
    if person.date_of_birth:
        d = person.date_of_birth
        return f"{name}, born {d.day} {d:%b %Y}"
    return f"{name}, date of birth not known"


def to_proto(person: Person) -> pb.Person:
    msg = pb.Person(
        name=f"people/{person.id}",
        given_name=person.given_name,
        family_name=person.family_name,
        date_of_birth=iso(person.date_of_birth),
        sex=person.sex,
        postcode=person.postcode,
        address=person.address,
        restricted=person.access_level != access.OPEN,
        access_level=ACCESS_LEVELS[person.access_level],
        etag=str(person.version),
        display_name=display_name(person),
        nhs_number=person.nhs_number or "",
        upn=person.upn or "",
        council_child_id=person.council_child_id or "",
        school=person.school,
    )
    for item in person.characteristics:
        msg.characteristics[item.key].CopyFrom(common_pb2.Answer(value=item.value, status=item.status, reason=item.reason))
    msg.create_time.FromDatetime(person.created_at)
    return msg


def validate(person: pb.Person, prefix: str = "person") -> tuple[date | None, dict[str, str]]:
    violations: dict[str, str] = {}
    if not person.given_name.strip() and not person.family_name.strip():
        violations[f"{prefix}.family_name"] = "give at least a first name or a family name"
    for field in ("given_name", "family_name"):
        if len(getattr(person, field)) > 200:
            violations[f"{prefix}.{field}"] = "200 characters at most"
    if person.sex == pb.SEX_UNSPECIFIED or person.sex not in pb.Sex.values():
        violations[f"{prefix}.sex"] = "required: female, male, unknown or indeterminate"
    dob = checked_date(person.date_of_birth, f"{prefix}.date_of_birth", "date of birth", violations,
                       "required (the expected date for an unborn child)")
    if dob and dob > today_london() + UNBORN_WINDOW:
        violations[f"{prefix}.date_of_birth"] = "is too far in the future, even for an unborn child"
    elif dob and dob.year < 1900:
        violations[f"{prefix}.date_of_birth"] = "is before 1900"
    if len(person.postcode) > 16:
        violations[f"{prefix}.postcode"] = "16 characters at most"
    if person.nhs_number.strip() and (problem := nhs_number_problem(person.nhs_number)):
        violations[f"{prefix}.nhs_number"] = problem
    if person.upn.strip() and (problem := upn_problem(person.upn)):
        violations[f"{prefix}.upn"] = problem
    violations.update(characteristic_violations(person.characteristics, f"{prefix}.characteristics", CHARACTERISTICS))
    return dob, violations


def characteristic_violations(answers, prefix: str, known: tuple[str, ...]) -> dict[str, str]:
    """Who someone is, each answer with its status: a status without an answer (or the reverse)
    is refused, so "declined" and "not known" never hide a real answer."""
    violations = {}
    for key, answer in answers.items():
        field = f"{prefix}.{key}"
        if key not in known:
            violations[field] = f"is not one ICS records; known: {', '.join(known)}"
        elif answer.status == ANSWERED and not answer.value.strip():
            violations[field] = "is marked answered but has no answer; choose not known or declined instead"
        elif answer.status not in (0, ANSWERED) and answer.value.strip():
            violations[field] = "has an answer but is not marked answered"
    return violations


def _apply(row: Person, person: pb.Person, dob: date | None, characteristics: bool) -> None:
    """Copies the checked fields of `person` onto the stored row (create and update alike)."""
    row.given_name = person.given_name.strip()
    row.family_name = person.family_name.strip()
    row.given_key = fold(person.given_name)
    row.family_key = fold(person.family_name)
    row.date_of_birth = dob
    row.sex = person.sex
    row.postcode = person.postcode.strip().upper()
    row.address = person.address.strip()
    row.nhs_number = person.nhs_number.replace(" ", "") or None
    row.upn = person.upn.strip().upper() or None
    row.council_child_id = person.council_child_id.strip() or None
    row.school = person.school.strip()
    if characteristics:
        # A blank status is "not yet asked", stored as such; an absent key stays unasked.
        row.characteristics = [
            PersonCharacteristic(key=key, value=a.value.strip() if a.status == ANSWERED else "",
                                 status=a.status or common_pb2.ANSWER_STATUS_NOT_YET_ASKED, reason=a.reason.strip())
            for key, a in sorted(person.characteristics.items())
        ]


def raise_if_invalid(violations: dict[str, str], what: str) -> None:
    if violations:
        listed = "; ".join(f"{k.split('.')[-1].replace('_', ' ')} {v}" for k, v in violations.items())
        raise InvalidArgument(f"{what} was not saved: {listed}.", violations)


def search(
    session: Session,
    principal: Principal,
    query: str,
    dob: date | None,
    postcode: str,
    limit: int,
) -> list[tuple[Person, float]]:
    tokens = [t for t in fold(query).replace(",", " ").split() if t]
    if not tokens and dob is None:
        raise InvalidArgument("Give part of a name or a date of birth to search for.",
                              {"query": "required unless date_of_birth is given"})
    # Cheap indexed pre-filter (first two letters of any name, or the exact date of birth),
    # then fuzzy scoring, so misspellings such as "Amirah Kahn" still find "Amira Khan".
    prefilters = []
    for token in tokens:
        stem = token[:2]
        prefilters += [Person.given_key.startswith(stem), Person.family_key.startswith(stem)]
    if dob is not None:
        prefilters.append(Person.date_of_birth == dob)
    rows = session.scalars(
        select(Person).where(access.visible_people(principal, access.FIND)).where(or_(*prefilters)).limit(5000)
    )
    wanted = " ".join(tokens)
    scored = []
    for person in rows:
        name_score = fuzz.token_sort_ratio(wanted, f"{person.given_key} {person.family_key}") if tokens else 0.0
        partial = fuzz.partial_ratio(wanted, f"{person.given_key} {person.family_key}") if tokens else 0.0
        score = max(name_score, partial * 0.9) if tokens else 70.0
        if dob is not None:
            score = min(100.0, score + 20) if person.date_of_birth == dob else score - 25
        if postcode and fold(person.postcode).replace(" ", "") == fold(postcode).replace(" ", ""):
            score = min(100.0, score + 5)
        if score >= MATCH_FLOOR:
            scored.append((person, round(score, 1)))
    scored.sort(key=lambda item: (-item[1], item[0].family_key, item[0].given_key, item[0].id))
    found = scored[:limit]
    audit.record(session, principal, "search", "people", [p.id for p, _ in found],
                 detail=f"{len(found)} found" + (" (a date of birth was given)" if dob else ""))
    return found


def get_visible(session: Session, principal: Principal, person_id: int, for_update: bool = False,
                action: str | None = None) -> Person:
    """The child, if the caller may do `action` to them (default: change them when for_update,
    else read them); otherwise NOT_FOUND, worded exactly as for a child who does not exist."""
    action = action or (access.WRITE if for_update else access.READ)
    query = select(Person).where(Person.id == person_id).where(access.visible_people(principal, action))
    if for_update and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    person = session.scalar(query)
    if person is None:
        raise NotFound(f"No child people/{person_id} is known to you.")
    return person


def read(session: Session, principal: Principal, person_id: int) -> Person:
    access.require_read(principal, "read children's records")
    person = get_visible(session, principal, person_id)
    audit.record(session, principal, "read", f"people/{person_id}", [person_id])
    return person


def likely_duplicate(session: Session, principal: Principal, given: str, family: str, dob: date) -> Person | None:
    """The strongest existing match on name and date of birth, searched over every child (not
    only those the caller can see) so that restricted records are not duplicated either."""
    wanted = f"{fold(given)} {fold(family)}".strip()
    for person in session.scalars(select(Person).where(Person.date_of_birth == dob, Person.merged_into_id.is_(None))
                                  .limit(500)):
        if fuzz.token_sort_ratio(wanted, f"{person.given_key} {person.family_key}") >= DUPLICATE_SCORE:
            return person
    return None


def refuse_shared_identifier(session: Session, principal: Principal, person: pb.Person,
                             exclude: int | None = None) -> None:
    """An NHS number or UPN belongs to one child only: never a second record, even if the worker
    confirms. The existing record is named only to someone allowed to see it."""
    nhs = person.nhs_number.replace(" ", "")
    upn = person.upn.strip().upper()
    clauses = ([Person.nhs_number == nhs] if nhs else []) + ([Person.upn == upn] if upn else [])
    if not clauses:
        return
    query = select(Person).where(or_(*clauses)).where(Person.merged_into_id.is_(None))
    if exclude is not None:
        query = query.where(Person.id != exclude)
    holder = session.scalar(query.limit(1))
    if holder is None:
        return
    if session.scalar(select(Person.id).where(Person.id == holder.id).where(access.visible_people(principal, access.FIND))):
        raise AlreadyExists(f"{display_name(holder)} (people/{holder.id}) already has this NHS number or UPN.",
                            f"people/{holder.id}")
    raise AlreadyExists("A child with this NHS number or UPN is already recorded in a record you cannot see. "
                        "Ask your team leader.")


def create(
    session: Session,
    principal: Principal,
    person: pb.Person,
    confirmed_not_duplicate: bool,
    prefix: str = "person",
) -> Person:
    access.require_write(principal, "record children")
    dob, violations = validate(person, prefix)
    raise_if_invalid(violations, "The child")
    refuse_shared_identifier(session, principal, person)
    if not confirmed_not_duplicate:
        match = likely_duplicate(session, principal, person.given_name, person.family_name, dob)
        if match is not None:
            visible = session.scalar(select(Person.id).where(Person.id == match.id)
                                     .where(access.visible_people(principal, access.FIND)))
            if visible:
                raise AlreadyExists(
                    f"{display_name(match)} is already known (people/{match.id}). Choose them, or "
                    "confirm this is a different child.", f"people/{match.id}")
            raise AlreadyExists(
                "A child with this name and date of birth is already recorded in a record you "
                "cannot see. Ask your team leader before recording them again.")
    row = Person(
        access_level=access.OPEN,
        team_id=principal.team_ids[0] if principal.team_ids else None,
        created_by_user=principal.user_id,
        created_at=datetime.now(timezone.utc),
        version=1,
    )
    _apply(row, person, dob, characteristics=True)
    session.add(row)
    session.flush()
    outbox.append(session, principal, "person.created", f"people/{row.id}", row.id,
                  {"person": f"people/{row.id}", "display_name": display_name(row)})
    audit.record(session, principal, "create", f"people/{row.id}", [row.id])
    return row


def update(session: Session, principal: Principal, person: pb.Person, paths: list[str]) -> Person:
    access.require_write(principal, "change children's records")
    unknown = [p for p in paths if p not in UPDATABLE]
    if not paths or unknown:
        raise InvalidArgument(
            f"update_mask must name fields from: {', '.join(sorted(UPDATABLE))}.",
            {"update_mask": f"cannot update {', '.join(unknown) or 'nothing'}"})
    row = get_visible(session, principal, parse_name(person.name, "people", "person.name"), for_update=True)
    require_etag(person.etag, row.version,
                 "Someone else changed this child's record since you opened it. "
                 "Reload it, then make your change again.",
                 missing="Send the etag of the record as you opened it, so no one's change is overwritten.",
                 field="person.etag")
    merged = to_proto(row)
    for path in paths:
        if path == "characteristics":
            merged.characteristics.clear()
            for key, answer in person.characteristics.items():
                merged.characteristics[key].CopyFrom(answer)
        else:
            setattr(merged, path, getattr(person, path))
    dob, violations = validate(merged)
    raise_if_invalid(violations, "The change")
    refuse_shared_identifier(session, principal, merged, exclude=row.id)
    _apply(row, merged, dob, characteristics="characteristics" in paths)
    row.version += 1
    outbox.append(session, principal, "person.updated", f"people/{row.id}", row.id,
                  {"person": f"people/{row.id}", "fields": sorted(paths), "display_name": display_name(row)})
    audit.record(session, principal, "update", f"people/{row.id}", [row.id], detail=",".join(sorted(paths)))
    return row
