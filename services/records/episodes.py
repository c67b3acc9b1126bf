"""Episodes (R-STATE): every child's journey has an explicit start and an explicit end.

A referral joins the child's open episode or opens a new one, linked to the one before. A
"no further action" or "advice" decision closes it that day; otherwise it stays open until a
Closure Record is completed, whose statutory answers (CINclosureDate, ReasonForClosure) close it.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import iso
from services.common.names import make_name, parse_name
from services.records import access, allocations, audit, outbox, people, plans
from services.records.models import Document, Episode, Referral

NFA_DECISIONS = (pb.REFERRAL_DECISION_NO_FURTHER_ACTION, pb.REFERRAL_DECISION_ADVICE_SIGNPOSTING)


def open_for(session: Session, person_id: int) -> Episode | None:
    return session.scalar(select(Episode).where(Episode.person_id == person_id, Episode.state == pb.EPISODE_STATE_OPEN)
                          .order_by(Episode.id.desc()).limit(1))


def open_on(session: Session, person_id: int, day: date) -> Episode | None:
    """The episode of need that was open on `day`, if any (the latest, if two touched that day).
    A referral closed with no further action was never a case of need, whenever it was decided."""
    return session.scalar(select(Episode).where(
        Episode.person_id == person_id, Episode.opened_date <= day,
        (Episode.closed_date.is_(None)) | (Episode.closed_date >= day),
        Episode.closure_reason != "referral_nfa").order_by(Episode.id.desc()).limit(1))


def join_or_open(session: Session, person_id: int, received: date) -> Episode:
    current = open_for(session, person_id)
    if current is not None:
        return current
    previous = session.scalar(select(Episode.id).where(Episode.person_id == person_id)
                              .order_by(Episode.id.desc()).limit(1))
    episode = Episode(person_id=person_id, state=pb.EPISODE_STATE_OPEN, opened_date=received, closure_reason="",
                      previous_episode_id=previous, created_at=datetime.now(timezone.utc))
    session.add(episode)
    session.flush()
    return episode


def close(session: Session, principal: Principal, episode: Episode, on: date, reason: str) -> None:
    if episode.state != pb.EPISODE_STATE_OPEN:
        return
    episode.state = pb.EPISODE_STATE_CLOSED
    episode.closed_date = max(on, episode.opened_date)
    episode.closure_reason = reason
    name = make_name("episodes", episode.id)
    outbox.append(session, principal, "episode.closed", name, episode.person_id,
                  {"episode": name, "closed_date": iso(episode.closed_date), "reason": reason})
    allocations.end_current(session, principal, episode.person_id, episode.closed_date, "case closed")
    # A closed case has no plan in force: one left open would count in every later return.
    plans.end_in_force(session, principal, episode.person_id, episode.closed_date, "case closed")


def to_proto(session: Session, episode: Episode) -> pb.Episode:
    return pb.Episode(
        name=make_name("episodes", episode.id), person=make_name("people", episode.person_id), state=episode.state,
        opened_date=iso(episode.opened_date), closed_date=iso(episode.closed_date),
        closure_reason=episode.closure_reason, previous_episode=make_name("episodes", episode.previous_episode_id),
        referrals=[make_name("referrals", r) for r in session.scalars(
            select(Referral.id).where(Referral.episode_id == episode.id).order_by(Referral.id))],
        documents=[make_name("documents", d) for d in session.scalars(
            select(Document.id).where(Document.episode_id == episode.id).order_by(Document.id))],
    )


def list_for(session: Session, principal: Principal, person_name: str) -> list[pb.Episode]:
    access.require_read(principal, "read episodes")
    person = people.get_visible(session, principal, parse_name(person_name, "people", "person"))
    rows = session.scalars(select(Episode).where(Episode.person_id == person.id).order_by(Episode.id.desc()))
    audit.record(session, principal, "read", f"people/{person.id}/episodes", [person.id])
    return [to_proto(session, e) for e in rows]
