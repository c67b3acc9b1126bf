"""Retention: the schedule as data, legal holds, the disposal review queue, and disposal itself.

The schedule (retention/england.toml, or the council's own file) says how long each kind of
record is kept. A record comes up for review once its keep-until date has passed, its case is
closed and no legal hold is in place; a person with retention.manage then disposes of it with a
reason. Disposal removes every row about the child (and any duplicate merged into them) from
records, leaves a `disposals` row that names no one, and tells alerts (person.disposed) to drop
the child's clocks. The audit keeps its rows, which hold ids and no names, so the chain still
verifies. SQLite runs with secure_delete, and records checkpoints its write-ahead log after a
disposal so the removed text is not left in either file; PostgreSQL tables are vacuumed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.config import ConfigError
from services.common.dates import as_utc, iso, parse_date, today_london
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.etags import require_etag
from services.common.names import make_name, parse_name
from services.records import access, audit, outbox, people
from services.records.grants import required_reason
from services.records.models import (Base, CarePeriod, Disposal, Document, Draft, Episode, LegalHold,
                                     HouseholdMember, LegalStatusSpan, OutboxEvent, Person, PersonMerge, Placement)

# Vacuumed on PostgreSQL after a disposal: every table that can hold a child's details.
SCRUBBED_TABLES = [t.name for t in Base.metadata.sorted_tables if t.name not in ("audit_log", "audit_people")]
CONDITIONS = ("legal_statuses", "placement_types", "care_end_reasons", "templates", "looked_after", "any")


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    keep_until_age: int = 0
    keep_years_after_closure: int = 0
    when: dict = field(default_factory=dict)

    def applies_words(self) -> str:
        said = []
        if self.when.get("any"):
            return "every child"
        if self.when.get("looked_after"):
            said.append("the child was ever looked after")
        for key, words in (("legal_statuses", "legal status"), ("placement_types", "placement type"),
                           ("care_end_reasons", "reason care ended"), ("templates", "a record of")):
            if self.when.get(key):
                said.append(f"{words} {', '.join(self.when[key])}")
        return "; or ".join(said)


@dataclass(frozen=True)
class Schedule:
    name: str
    title: str
    rules: tuple[Rule, ...]
    source: str

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Schedule":
        """The shipped schedule, or the council's file; every fault in it is a ConfigError."""
        if path:
            where = Path(path).expanduser()
            if not where.is_file():
                raise ConfigError(f"{where}: the retention schedule (records retention_rules_file) does not exist")
            text = where.read_text()
        else:
            where = Path(str(resources.files("services.records") / "retention" / "england.toml"))
            text = where.read_text()
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{where}: not valid TOML: {exc}") from None
        faults, rules = [], []
        for number, raw in enumerate(doc.get("rules", []), start=1):
            label = f"{where}: rule {number} ({raw.get('id', 'no id')})"
            unknown = set(raw) - {"id", "description", "keep_until_age", "keep_years_after_closure", "when"}
            bad_when = set(raw.get("when", {})) - set(CONDITIONS)
            if unknown or bad_when:
                faults.append(f"{label}: unknown key(s) {', '.join(sorted(unknown | bad_when))}")
            age, after = raw.get("keep_until_age", 0), raw.get("keep_years_after_closure", 0)
            if not isinstance(age, int) or not isinstance(after, int) or age < 0 or after < 0 or not (age or after):
                faults.append(f"{label}: keep_until_age and keep_years_after_closure are whole numbers of years, "
                              "at least one of them more than 0")
            if not raw.get("id") or not raw.get("when"):
                faults.append(f"{label}: needs an id and a when")
            rules.append(Rule(str(raw.get("id", "")), str(raw.get("description", "")), age if isinstance(age, int) else 0,
                              after if isinstance(after, int) else 0, dict(raw.get("when", {}))))
        if not rules or not rules[-1].when.get("any"):
            faults.append(f"{where}: the last rule must have when.any = true, so every record has a rule")
        if faults:
            raise ConfigError("\n".join(faults))
        return cls(str(doc.get("name", where.stem)), str(doc.get("title", "")), tuple(rules), str(where))


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class _Facts:
    looked_after: bool = False
    legal_statuses: set[str] = field(default_factory=set)
    placement_types: set[str] = field(default_factory=set)
    care_end_reasons: set[str] = field(default_factory=set)
    templates: set[str] = field(default_factory=set)
    last_closed: date | None = None
    open_case: bool = False


def _facts(session: Session, person_ids: list[int]) -> dict[int, _Facts]:
    """Everything the schedule's conditions look at, for many children in a handful of queries."""
    facts = {p: _Facts() for p in person_ids}
    for child, reason in session.execute(select(CarePeriod.child_id, CarePeriod.end_reason)
                                         .where(CarePeriod.child_id.in_(person_ids))):
        facts[child].looked_after = True
        if reason:
            facts[child].care_end_reasons.add(reason)
    for child, code in session.execute(select(CarePeriod.child_id, LegalStatusSpan.code)
                                       .join(LegalStatusSpan, LegalStatusSpan.care_period_id == CarePeriod.id)
                                       .where(CarePeriod.child_id.in_(person_ids))):
        facts[child].legal_statuses.add(code)
    for child, kind in session.execute(select(Placement.child_id, Placement.placement_type)
                                       .where(Placement.child_id.in_(person_ids))):
        facts[child].placement_types.add(kind)
    for person, template in session.execute(select(Document.person_id, Document.template_id).distinct()
                                            .where(Document.person_id.in_(person_ids))):
        facts[person].templates.add(template)
    for person, state, closed in session.execute(select(Episode.person_id, Episode.state, Episode.closed_date)
                                                 .where(Episode.person_id.in_(person_ids))):
        if state == pb.EPISODE_STATE_OPEN:
            facts[person].open_case = True
        elif closed and (facts[person].last_closed is None or closed > facts[person].last_closed):
            facts[person].last_closed = closed
    return facts


def rule_for(schedule: Schedule, facts: _Facts) -> Rule:
    for rule in schedule.rules:
        when = rule.when
        if when.get("any") or (when.get("looked_after") and facts.looked_after) \
                or set(when.get("legal_statuses", ())) & facts.legal_statuses \
                or set(when.get("placement_types", ())) & facts.placement_types \
                or set(when.get("care_end_reasons", ())) & facts.care_end_reasons \
                or set(when.get("templates", ())) & facts.templates:
            return rule
    return schedule.rules[-1]


def keep_until(rule: Rule, born: date, facts: _Facts) -> date:
    dates = [_add_years(born, rule.keep_until_age)] if rule.keep_until_age else []
    if rule.keep_years_after_closure and facts.last_closed:
        dates.append(_add_years(facts.last_closed, rule.keep_years_after_closure))
    return max(dates) if dates else _add_years(born, rule.keep_until_age)


def _held(session: Session, person_ids) -> set[int]:
    return set(session.scalars(select(LegalHold.person_id).where(LegalHold.person_id.in_(person_ids),
                                                                  LegalHold.released_at.is_(None))))


def _due(session: Session, schedule: Schedule, as_of: date, limit: int,
         person_id: int | None = None) -> list[tuple[Person, Rule, date]]:
    youngest_age = min(r.keep_until_age or 0 for r in schedule.rules)
    query = select(Person).where(Person.merged_into_id.is_(None), Person.date_of_birth.is_not(None),
                                 Person.date_of_birth <= _add_years(as_of, -youngest_age)).order_by(Person.id)
    if person_id is not None:
        query = query.where(Person.id == person_id)
    found: list[tuple[Person, Rule, date]] = []
    for batch in _batches(session.scalars(query), 500):
        facts = _facts(session, [p.id for p in batch])
        held = _held(session, [p.id for p in batch])
        for person in batch:
            fact = facts[person.id]
            if fact.open_case or person.id in held:
                continue
            rule = rule_for(schedule, fact)
            until = keep_until(rule, person.date_of_birth, fact)
            if until <= as_of:
                found.append((person, rule, until))
                if len(found) >= limit:
                    return found
    return found


def _batches(rows, size):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _as_of(text: str) -> date:
    day = parse_date(text, "as_of", "review date") if text else today_london()
    if day > today_london():
        raise InvalidArgument("The review date cannot be in the future.", {"as_of": "today or earlier"})
    return day


def list_due(session: Session, principal: Principal, schedule: Schedule,
             request: pb.ListDisposalsDueRequest) -> list[pb.DisposalDue]:
    access.require(principal, "retention.manage", "review records for disposal")
    as_of = _as_of(request.as_of)
    found = _due(session, schedule, as_of, min(request.page_size or 100, 500))
    # Names only for records the reviewer may see; a sealed record is listed by its number.
    visible = set(session.scalars(select(Person.id).where(Person.id.in_([p.id for p, _, _ in found]))
                                  .where(access.visible_people(principal)))) if found else set()
    if found:
        audit.record(session, principal, "list", "disposals-due", [p.id for p, _, _ in found])
    return [pb.DisposalDue(person=make_name("people", p.id),
                           person_display_name=people.display_name(p) if p.id in visible
                           else f"a record you cannot open (people/{p.id})",
                           rule=rule.id, keep_until=iso(until)) for p, rule, until in found]


def _child_of_hold(session: Session, name: str) -> Person:
    """Legal holds reach every record, sealed ones included: a hold must never be blocked by
    who may read the child's file."""
    person = session.scalar(select(Person).where(Person.id == parse_name(name, "people", "person"),
                                                 Person.merged_into_id.is_(None)))
    if person is None:
        raise NotFound(f"There is no child {name}.")
    return person


def hold_to_proto(row: LegalHold) -> pb.LegalHold:
    msg = pb.LegalHold(name=make_name("legal-holds", row.id), person=make_name("people", row.person_id),
                       reason=row.reason)
    msg.placed_by.user_name, msg.placed_by.display_name = make_name("users", row.placed_by_user), row.placed_by_name
    msg.place_time.FromDatetime(as_utc(row.placed_at))
    if row.released_at:
        msg.release_time.FromDatetime(as_utc(row.released_at))
        msg.released_by.user_name = make_name("users", row.released_by_user)
        msg.released_by.display_name = row.released_by_name
    return msg


def place_hold(session: Session, principal: Principal, request: pb.PlaceLegalHoldRequest) -> pb.LegalHold:
    access.require(principal, "retention.manage", "place legal holds")
    reason = required_reason(request.reason)
    person = _child_of_hold(session, request.person)
    row = LegalHold(person_id=person.id, reason=reason, placed_by_user=principal.user_id,
                    placed_by_name=principal.display_name, placed_at=datetime.now(timezone.utc))
    session.add(row)
    session.flush()
    audit.record(session, principal, "legal_hold.place", make_name("legal-holds", row.id), [person.id], reason=reason)
    return hold_to_proto(row)


def release_hold(session: Session, principal: Principal, request: pb.ReleaseLegalHoldRequest) -> pb.LegalHold:
    access.require(principal, "retention.manage", "release legal holds")
    reason = required_reason(request.reason)
    row = session.get(LegalHold, parse_name(request.name, "legal-holds"))
    if row is None:
        raise NotFound(f"There is no legal hold {request.name}.")
    if row.released_at is not None:
        raise FailedPrecondition(f"This legal hold was already released by {row.released_by_name}.")
    row.released_at, row.released_by_user = datetime.now(timezone.utc), principal.user_id
    row.released_by_name, row.release_reason = principal.display_name, reason
    audit.record(session, principal, "legal_hold.release", request.name, [row.person_id], reason=reason)
    return hold_to_proto(row)


def list_holds(session: Session, principal: Principal, include_released: bool) -> list[pb.LegalHold]:
    access.require(principal, "retention.manage", "see legal holds")
    query = select(LegalHold).order_by(LegalHold.id)
    if not include_released:
        query = query.where(LegalHold.released_at.is_(None))
    return [hold_to_proto(row) for row in session.scalars(query)]


def _key(table):
    """The column a table's rows are collected and deleted by: the first of its primary key
    (the child's or parent's id in the tables keyed by it, such as person_characteristics)."""
    return list(table.primary_key.columns)[0]


def _rows_about(session: Session, person_ids: set[int]) -> dict:
    """Every row that belongs to these children, table by table, following foreign keys from
    people outwards (documents -> their snapshots, signatures, attachments...), plus the
    references that are not foreign keys (outbox events, drafts about them, merged duplicates)."""
    doomed: dict[str, set] = {"people": set(person_ids)}
    # sorted_tables lists every table after the tables it refers to, so one pass in that order
    # has already collected a parent's rows when its children are looked for.
    for table in Base.metadata.sorted_tables:
        key = _key(table)
        for fk in table.foreign_keys:
            parents = doomed.get(fk.column.table.name)
            if parents and fk.column.table is not table:
                doomed.setdefault(table.name, set()).update(
                    session.scalars(select(key).where(fk.parent.in_(parents))))
    doomed["outbox_events"] = set(session.scalars(select(OutboxEvent.sequence)
                                                  .where(OutboxEvent.person_id.in_(person_ids))))
    # A household only this child lived in goes too (its facts are about their family).
    households = set(session.scalars(select(HouseholdMember.household_id).where(HouseholdMember.person_id.in_(person_ids))))
    shared = set(session.scalars(select(HouseholdMember.household_id).where(
        HouseholdMember.household_id.in_(households), HouseholdMember.person_id.not_in(person_ids))))
    if households - shared:
        doomed["households"] = households - shared
        doomed["household_facts"] = households - shared
    subjects = [f"people/{p}" for p in person_ids] + [f"documents/{d}" for d in doomed.get("documents", ())]
    doomed["drafts"] = set(session.scalars(select(Draft.id).where(Draft.subject.in_(subjects))))
    return doomed


def dispose(session: Session, principal: Principal, schedule: Schedule,
            request: pb.DisposeRecordRequest) -> pb.Disposal:
    access.require(principal, "retention.manage", "dispose of records")
    reason = required_reason(request.reason)
    as_of = _as_of(request.as_of)
    person = _child_of_hold(session, request.person)
    require_etag(request.etag, person.version, "This child's record changed since the review list was made. "
                 "Reload the list and look again before disposing of it.", field="etag")
    due = _due(session, schedule, as_of, 1, person.id)
    if not due:
        raise FailedPrecondition(f"people/{person.id} is not due for disposal on {iso(as_of)}: its retention date "
                                 "has not passed, its case is open, or a legal hold is in place.")
    _, rule, until = due[0]
    duplicates = set(session.scalars(select(Person.id).where(Person.merged_into_id == person.id)))
    person_ids = {person.id} | duplicates
    doomed = _rows_about(session, person_ids)
    removed = 0
    # Merge records name both children; they go with either.
    session.execute(delete(PersonMerge).where(or_(PersonMerge.keep_id.in_(person_ids),
                                                  PersonMerge.duplicate_id.in_(person_ids))))
    doomed.pop("person_merges", None)
    for table in reversed(Base.metadata.sorted_tables):  # children before parents
        ids = doomed.get(table.name)
        if not ids:
            continue
        for chunk in _batches(sorted(ids), 500):
            removed += session.execute(delete(table).where(_key(table).in_(chunk))).rowcount or 0
    now = datetime.now(timezone.utc)
    row = Disposal(former_person_id=person.id, rule=rule.id, keep_until=until, reason=reason,
                   disposed_by_user=principal.user_id, disposed_by_name=principal.display_name,
                   disposed_at=now, rows_removed=removed)
    session.add(row)
    session.flush()
    name = make_name("disposals", row.id)
    outbox.append(session, principal, "person.disposed", name, None,
                  {"disposal": name, "people": [make_name("people", p) for p in sorted(person_ids)]})
    audit.record(session, principal, "dispose", name, sorted(person_ids), detail=f"rule {rule.id}; {removed} rows",
                 reason=reason)
    return disposal_to_proto(row)


def disposal_to_proto(row: Disposal) -> pb.Disposal:
    msg = pb.Disposal(name=make_name("disposals", row.id), former_person=make_name("people", row.former_person_id),
                      rule=row.rule, keep_until=iso(row.keep_until), reason=row.reason, rows_removed=row.rows_removed)
    msg.disposed_by.user_name = make_name("users", row.disposed_by_user)
    msg.disposed_by.display_name = row.disposed_by_name
    msg.dispose_time.FromDatetime(as_utc(row.disposed_at))
    return msg


def list_disposals(session: Session, principal: Principal) -> list[pb.Disposal]:
    access.require(principal, "retention.manage", "see disposals")
    return [disposal_to_proto(r) for r in session.scalars(select(Disposal).order_by(Disposal.id))]


def rules_to_proto(schedule: Schedule) -> pb.ListRetentionRulesResponse:
    return pb.ListRetentionRulesResponse(source=schedule.source, rules=[
        pb.RetentionRule(id=r.id, description=r.description, applies_when=r.applies_words(),
                         keep_until_age=r.keep_until_age, keep_years_after_closure=r.keep_years_after_closure)
        for r in schedule.rules])
