"""Applies records events to clocks. Each event is applied with the cursor advance in one
transaction, so a restart resumes exactly where it stopped: nothing lost, nothing twice."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.alerts.v1 import alerts_pb2 as pb
from services.alerts.models import Clock, FeedCursor
from services.alerts.rules import RuleSet

RECORDS_FEED = "records"


def cursor(session: Session, feed: str = RECORDS_FEED) -> int:
    row = session.get(FeedCursor, feed)
    return row.last_sequence if row else 0


def apply_event(session: Session, rule_set: RuleSet, sequence: int, event_type: str, subject: str,
                payload_json: str, feed: str = RECORDS_FEED) -> bool:
    """Returns False (and changes nothing) when the event was already applied."""
    row = session.get(FeedCursor, feed)
    if row is None:
        row = FeedCursor(feed=feed, last_sequence=0, updated_at=datetime.now(timezone.utc))
        session.add(row)
    elif session.get_bind().dialect.name == "postgresql":
        session.refresh(row, with_for_update=True)
    if sequence <= row.last_sequence:
        return False
    payload = json.loads(payload_json or "{}")
    for rule in rule_set.starting(event_type):
        _start(session, rule_set, rule, sequence, subject, payload)
    for rule in rule_set.ending(event_type):
        _end(session, rule, subject, payload)
    row.last_sequence = sequence
    row.updated_at = datetime.now(timezone.utc)
    return True


def _start(session, rule_set, rule, sequence, subject, payload) -> None:
    if session.scalar(select(Clock.id).where(Clock.rule == rule.key, Clock.subject == subject)):
        return
    start = date.fromisoformat(payload[rule.start_date_field])
    session.add(Clock(
        rule_set=rule_set.name, rule=rule.key, title=rule.title, subject=subject,
        person=payload.get("person", ""), person_display_name=payload.get("person_display_name", ""),
        team=payload.get("team", ""), assignee=payload.get("assignee", ""),
        start_date=start, due_date=rule.due(start, rule_set.calendar), state=pb.CLOCK_STATE_OPEN,
        calendar=rule_set.calendar.name, started_by_event=sequence, created_at=datetime.now(timezone.utc),
    ))
    session.flush()


def _end(session, rule, subject, payload) -> None:
    clock = session.scalar(select(Clock).where(Clock.rule == rule.key, Clock.subject == subject))
    if clock is None or clock.state != pb.CLOCK_STATE_OPEN:
        return
    ended = date.fromisoformat(payload[rule.end_date_field])
    clock.ended_date = ended
    clock.state = pb.CLOCK_STATE_MET if ended <= clock.due_date else pb.CLOCK_STATE_MISSED
