"""Applies records events to clocks. Each event is applied with the cursor advance in one
transaction, so a restart, a replay or a duplicate resumes exactly where it stopped: nothing
lost, nothing twice (the unique rule/subject/chain/round key backs this up)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ics.alerts.v1 import alerts_pb2 as pb
from services.alerts.models import Clock, ClockChange, FeedCursor, PersonSeen
from services.alerts.rules import Matcher, Rule, RuleSet

RECORDS_FEED = "records"
OPEN = pb.CLOCK_STATE_OPEN
# The assignee of a clock for a team's leaders (a rule with to = "leaders").
LEADERS = "leaders"


@dataclass(frozen=True)
class FeedEvent:
    sequence: int
    type: str
    subject: str
    person: str
    payload: dict
    occurred_on: date

    @classmethod
    def parse(cls, sequence: int, type_: str, subject: str, person: str, payload_json: str,
              occurred_on: date) -> "FeedEvent":
        return cls(sequence, type_, subject, person, json.loads(payload_json or "{}"), occurred_on)


def cursor(session: Session, feed: str = RECORDS_FEED) -> int:
    row = session.get(FeedCursor, feed)
    return row.last_sequence if row else 0


def apply_event(session: Session, rule_set: RuleSet, event: FeedEvent, feed: str = RECORDS_FEED) -> bool:
    """Returns False (and changes nothing) when the event was already applied."""
    row = session.get(FeedCursor, feed)
    if row is None:
        row = FeedCursor(feed=feed, last_sequence=0, updated_at=datetime.now(timezone.utc))
        session.add(row)
    elif session.get_bind().dialect.name == "postgresql":
        session.refresh(row, with_for_update=True)
    if event.sequence <= row.last_sequence:
        return False
    if event.type == "person.disposed":
        forget(session, event.payload.get("people", []))
    _learn(session, event)
    for kind, rule, matcher in rule_set.for_event(event.type):
        if not matcher.matches(event.type, event.payload):
            continue
        subject = _subject(matcher.subject or rule.subject, event)
        if not subject:
            continue
        on = matcher.date_in(event.payload, event.occurred_on)
        if kind == "start":
            _start(session, rule_set, rule, event, subject, on)
        elif kind == "meet":
            _end(session, rule_set, rule, subject, on, event, verdict=True)
        elif kind == "stop":
            _end(session, rule_set, rule, subject, on, event, verdict=False)
        else:
            _repeat(session, rule_set, rule, matcher, event, subject, on)
    row.last_sequence = event.sequence
    row.updated_at = datetime.now(timezone.utc)
    return True


def forget(session: Session, people: list[str]) -> None:
    """A child's record was disposed of in records: their clocks and what alerts learnt of them
    go too (the clocks carry the child's name)."""
    if not people:
        return
    clock_ids = select(Clock.id).where(Clock.person.in_(people))
    session.execute(delete(ClockChange).where(ClockChange.clock_id.in_(clock_ids)))
    session.execute(delete(Clock).where(Clock.person.in_(people)))
    session.execute(delete(PersonSeen).where(PersonSeen.person.in_(people)))


def _subject(which: str, event: FeedEvent) -> str:
    if which == "event":
        return event.subject
    if which == "person":
        return event.person
    return str(event.payload.get(which) or "")


def _learn(session: Session, event: FeedEvent) -> None:
    """Keeps who holds each child's case, and marks activity on the child's open clocks."""
    if not event.person:
        return
    seen = session.get(PersonSeen, event.person)
    if seen is None:
        seen = PersonSeen(person=event.person, display_name="", team="", worker="", access_level="open")
        session.add(seen)
    if name := event.payload.get("person_display_name"):
        seen.display_name = name
    if event.type == "allocation.started":
        seen.worker, seen.team = event.payload.get("worker", ""), event.payload.get("team", "") or seen.team
        # A new holder is told of late work afresh (the e-mail goes to them, and their leaders).
        session.execute(update(Clock).where(Clock.person == event.person, Clock.state == OPEN)
                        .values(assignee=seen.worker, team=seen.team, notified_level=0, version=Clock.version + 1))
    elif event.type == "person.access_changed":
        seen.access_level = event.payload.get("to", "open")
    elif event.type == "allocation.ended" and seen.worker == event.payload.get("worker"):
        seen.worker = ""  # the case closed: later clocks go to the team until someone is allocated
    elif event.payload.get("team") and not seen.team:
        seen.team = event.payload["team"]
    session.execute(update(Clock).where(Clock.person == event.person, Clock.state == OPEN)
                    .values(last_activity_date=event.occurred_on))


def _open(session: Session, rule: Rule, subject: str) -> Clock | None:
    return session.scalar(select(Clock).where(Clock.rule == rule.key, Clock.subject == subject, Clock.state == OPEN)
                          .order_by(Clock.id.desc()).limit(1))


def _new_round(session: Session, rule_set: RuleSet, rule: Rule, event: FeedEvent, subject: str, start: date,
               chain: int, round_number: int, chain_start: date) -> Clock:
    seen = session.get(PersonSeen, event.person) if event.person else None
    due = rule.due(start, rule_set.calendar, round_number, chain_start)
    clock = Clock(
        rule_set=rule_set.name, rule_set_version=rule_set.version, rule=rule.key, title=rule.title,
        counting=rule.interval(round_number, chain_start, start).describe(), subject=subject, chain=chain,
        round=round_number, person=event.person,
        person_display_name=event.payload.get("person_display_name") or (seen.display_name if seen else ""),
        team=event.payload.get("team", "") if rule.to == "leaders" else
        (seen.team if seen and seen.team else event.payload.get("team", "")),
        assignee=LEADERS if rule.to == "leaders" else
        (seen.worker if seen and seen.worker else event.payload.get("assignee", "")),
        start_date=start, chain_start_date=chain_start, due_date=due, original_due_date=due, state=OPEN,
        calendar=rule_set.calendar.name, started_by_event=event.sequence, start_event=event.type,
        last_activity_date=event.occurred_on, version=1, created_at=datetime.now(timezone.utc),
    )
    session.add(clock)
    session.flush()
    return clock


def _start(session: Session, rule_set: RuleSet, rule: Rule, event: FeedEvent, subject: str, on: date) -> None:
    current = _open(session, rule, subject)
    if current is not None:
        if not rule.repeat:
            return  # the clock for this piece of work is already running
        # A new start of a recurring rule (a new placement) begins a new chain from its own day.
        _close(current, on, event, pb.CLOCK_STATE_STOPPED, "a new one started")
    chain = (session.scalar(select(func.max(Clock.chain)).where(Clock.rule == rule.key, Clock.subject == subject))
             or 0) + 1
    _new_round(session, rule_set, rule, event, subject, on, chain, 1, on)


def _close(clock: Clock, on: date, event: FeedEvent, state: int, reason: str = "") -> None:
    clock.state, clock.ended_date, clock.ended_by_event, clock.end_reason = state, on, event.type, reason
    clock.paused_since = None
    clock.version += 1
    clock.updated_at = datetime.now(timezone.utc)


def _verdict(rule_set: RuleSet, clock: Clock, on: date) -> int:
    due = clock.due_date
    if clock.paused_since is not None and on > clock.paused_since:
        due = shifted_due(rule_set, clock, clock.paused_since, on)
    return pb.CLOCK_STATE_MET if on <= due else pb.CLOCK_STATE_MISSED


def shifted_due(rule_set: RuleSet, clock: Clock, paused: date, resumed: date) -> date:
    """The due date moved on by the time the clock stood paused, counted as the rule counts."""
    rule = rule_set.rules.get(clock.rule)
    if rule is not None and rule.interval(clock.round, clock.chain_start_date or clock.start_date,
                                          clock.start_date).unit == "working_days":
        return rule_set.calendar.add_working_days(
            clock.due_date, max(0, rule_set.calendar.working_days_between(paused, resumed)))
    return clock.due_date + (resumed - paused)


def _end(session: Session, rule_set: RuleSet, rule: Rule, subject: str, on: date, event: FeedEvent,
         verdict: bool) -> Clock | None:
    clock = _open(session, rule, subject)
    if clock is None:
        return None
    if verdict:
        _close(clock, on, event, _verdict(rule_set, clock, on))
    else:
        _close(clock, on, event, pb.CLOCK_STATE_STOPPED, event.payload.get("reason", "") or event.type)
    return clock


def _repeat(session: Session, rule_set: RuleSet, rule: Rule, matcher: Matcher, event: FeedEvent, subject: str,
            on: date) -> None:
    """A review or visit held: this round is met (or missed) and the next is due from its day."""
    clock = _end(session, rule_set, rule, subject, on, event, verdict=True)
    if clock is None:
        return
    _new_round(session, rule_set, rule, event, subject, on, clock.chain, clock.round + 1,
               clock.chain_start_date or clock.start_date)
