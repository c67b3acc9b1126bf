"""Restricted and sealed records, the explicit grants that open them, and break-glass.

- A team leader (their team's children) or a manager restricts or seals a record, giving a reason.
  Whoever restricts it keeps a grant, so the record never becomes unreachable; the allocated
  worker keeps one too. Everyone else needs a grant, which a leader or manager gives, for a
  number of days or until revoked.
- Break-glass: anyone whose role allows it may open a child's record in an emergency, giving a
  reason: a grant for BREAK_GLASS_HOURS, an event that alerts the holding team's leaders (alerts
  turns it into an "Emergency access review due" alert for them), and an entry in the review
  queue until a leader or manager records whether it was justified. A sealed record (adoption)
  is never opened this way: it answers NOT_FOUND exactly as a child who does not exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import as_utc
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.common.etags import require_etag
from services.common.names import make_name, parse_name
from services.records import access, audit, idempotency, outbox, people
from services.records.models import Allocation, Person, RecordGrant

BREAK_GLASS_HOURS = 8
MAX_GRANT_DAYS = 366
LEVEL_WORDS = {access.OPEN: "open", access.RESTRICTED: "restricted", access.SEALED: "sealed"}
LEVEL_FROM_PROTO = {value: level for level, value in people.ACCESS_LEVELS.items()}
OUTCOMES = {pb.BREAK_GLASS_OUTCOME_JUSTIFIED: "justified", pb.BREAK_GLASS_OUTCOME_NOT_JUSTIFIED: "not_justified"}
OUTCOME_TO_PROTO = {v: k for k, v in OUTCOMES.items()}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def is_active(grant: RecordGrant, now: datetime | None = None) -> bool:
    now = now or _now()
    return grant.revoked_at is None and (grant.expires_at is None or as_utc(grant.expires_at) > now)


def to_proto(grant: RecordGrant, person: Person | None = None) -> pb.RecordGrant:
    msg = pb.RecordGrant(
        name=make_name("grants", grant.id), person=make_name("people", grant.person_id),
        user=make_name("users", grant.user_id),
        kind=pb.GRANT_KIND_BREAK_GLASS if grant.kind == "break_glass" else pb.GRANT_KIND_GRANT,
        reason=grant.reason, review_outcome=OUTCOME_TO_PROTO.get(grant.review_outcome, 0),
        review_note=grant.review_note, active=is_active(grant),
        person_display_name=people.display_name(person) if person is not None else "",
    )
    msg.granted_by.user_name = make_name("users", grant.granted_by_user)
    msg.granted_by.display_name = grant.granted_by_name
    msg.grant_time.FromDatetime(as_utc(grant.granted_at))
    if grant.expires_at:
        msg.expire_time.FromDatetime(as_utc(grant.expires_at))
    if grant.revoked_at:
        msg.revoke_time.FromDatetime(as_utc(grant.revoked_at))
    if grant.reviewed_by_user:
        msg.reviewed_by.user_name = make_name("users", grant.reviewed_by_user)
        msg.reviewed_by.display_name = grant.reviewed_by_name
    return msg


def required_reason(text: str, field: str = "reason") -> str:
    """A reason a change needs (kept with the record and in the audit): never blank, never cut."""
    reason = text.strip()
    if not reason:
        raise InvalidArgument("Give a reason: it is kept with the record and shown in its access report.",
                              {field: "required"})
    if len(reason) > 2000:
        raise InvalidArgument("Keep the reason to 2,000 characters.", {field: "at most 2,000 characters"})
    return reason


def _grant(session: Session, principal: Principal, person_id: int, user_id: int, kind: str, reason: str,
           expires_at: datetime | None, team_id: int | None = None) -> RecordGrant:
    row = RecordGrant(person_id=person_id, user_id=user_id, kind=kind, reason=reason,
                      granted_by_user=principal.user_id, granted_by_name=principal.display_name,
                      granted_at=_now(), expires_at=expires_at, team_id=team_id)
    session.add(row)
    session.flush()
    return row


def _has_live_grant(session: Session, person_id: int, user_id: int) -> bool:
    return session.scalar(select(RecordGrant.id).where(
        RecordGrant.person_id == person_id, RecordGrant.user_id == user_id, RecordGrant.kind == "grant",
        access.live()).limit(1)) is not None


def keep_sight(session: Session, principal: Principal, person: Person, user_id: int, reason: str) -> None:
    """A restricted or sealed record stays open to someone who must work on it (whoever restricted
    it, the allocated worker): a grant until revoked, unless they already hold one."""
    if person.access_level != access.OPEN and not _has_live_grant(session, person.id, user_id):
        _grant(session, principal, person.id, user_id, "grant", reason, None)


def set_access(session: Session, principal: Principal, request: pb.SetRecordAccessRequest) -> Person:
    access.require(principal, "record.restrict", "restrict or seal records")
    level = LEVEL_FROM_PROTO.get(request.access_level)
    if level is None:
        raise InvalidArgument("Choose open, restricted or sealed.", {"access_level": "open, restricted or sealed"})
    reason = required_reason(request.reason)
    person = people.get_visible(session, principal, parse_name(request.person, "people", "person"),
                                for_update=True, action="record.restrict")
    require_etag(request.etag, person.version, "Someone else changed this child's record since you opened it. "
                 "Reload it, then change its access again.", field="etag")
    if person.access_level == level:
        raise FailedPrecondition(f"This record is already {LEVEL_WORDS[level]}.")
    before = person.access_level
    person.access_level = level
    person.version += 1
    if level != access.OPEN:
        # Whoever restricts it, and the allocated worker, keep sight of it.
        keep = {principal.user_id}
        keep.update(session.scalars(select(Allocation.worker_user).where(
            Allocation.person_id == person.id, Allocation.end_date.is_(None))))
        for user_id in sorted(keep):
            keep_sight(session, principal, person, user_id, f"kept when the record was made {LEVEL_WORDS[level]}: {reason}")
    name = make_name("people", person.id)
    outbox.append(session, principal, "person.access_changed", name, person.id,
                  {"person": name, "from": before, "to": level})
    audit.record(session, principal, f"access.{level}", name, [person.id], detail=f"was {before}", reason=reason)
    return person


def grant(session: Session, principal: Principal, request: pb.GrantRecordAccessRequest) -> pb.RecordGrant:
    access.require(principal, "record.restrict", "grant access to records")
    if earlier := idempotency.earlier_result(session, principal, request.request_id, "GrantRecordAccess"):
        return to_proto(_visible_grant(session, principal, earlier))
    reason = required_reason(request.reason)
    user_id = parse_name(request.user, "users", "user")
    if not 0 <= request.days <= MAX_GRANT_DAYS:
        raise InvalidArgument(f"A grant lasts 1 to {MAX_GRANT_DAYS} days, or 0 for until it is revoked.",
                              {"days": f"0 to {MAX_GRANT_DAYS}"})
    person = people.get_visible(session, principal, parse_name(request.person, "people", "person"),
                                for_update=True, action="record.restrict")
    expires = _now() + timedelta(days=request.days) if request.days else None
    row = _grant(session, principal, person.id, user_id, "grant", reason, expires)
    name = make_name("grants", row.id)
    outbox.append(session, principal, "access.granted", name, person.id,
                  {"grant": name, "person": make_name("people", person.id), "user": request.user})
    audit.record(session, principal, "access.grant", name, [person.id], detail=f"to {request.user}", reason=reason)
    idempotency.remember(session, principal, request.request_id, "GrantRecordAccess", name)
    return to_proto(row, person)


def _visible_grant(session: Session, principal: Principal, name: str, action: str = "record.restrict") -> RecordGrant:
    """A grant is known to someone who may manage (or review) access to its child's record."""
    row = session.scalar(select(RecordGrant).join(Person, Person.id == RecordGrant.person_id)
                         .where(RecordGrant.id == parse_name(name, "grants"))
                         .where(access.visible_people(principal, action)))
    if row is None:
        raise NotFound(f"No grant {name} is known to you.")
    return row


def revoke(session: Session, principal: Principal, request: pb.RevokeRecordAccessRequest) -> pb.RecordGrant:
    access.require(principal, "record.restrict", "revoke access to records")
    reason = required_reason(request.reason)
    row = _visible_grant(session, principal, request.name)
    if not is_active(row):
        raise FailedPrecondition("This grant has already ended.")
    if row.user_id == principal.user_id and row.kind == "grant":
        raise FailedPrecondition("You cannot revoke your own access; ask another leader or manager.")
    row.revoked_at = _now()
    row.revoked_by_user = principal.user_id
    outbox.append(session, principal, "access.revoked", request.name, row.person_id, {"grant": request.name})
    audit.record(session, principal, "access.revoke", request.name, [row.person_id], reason=reason)
    return to_proto(row)


def list_for(session: Session, principal: Principal, request: pb.ListRecordGrantsRequest) -> list[pb.RecordGrant]:
    access.require(principal, "record.restrict", "see who has been granted a record")
    person = people.get_visible(session, principal, parse_name(request.person, "people", "person"),
                                action="record.restrict")
    rows = session.scalars(select(RecordGrant).where(RecordGrant.person_id == person.id).order_by(RecordGrant.id))
    found = [to_proto(g, person) for g in rows if request.include_ended or is_active(g)]
    audit.record(session, principal, "list", f"people/{person.id}/grants", [person.id])
    return found


def break_glass(session: Session, principal: Principal, request: pb.BreakGlassRequest) -> pb.RecordGrant:
    access.require(principal, "record.break_glass", "use emergency access")
    reason = required_reason(request.reason)
    if request.person:
        query = select(Person).where(Person.id == parse_name(request.person, "people", "person"))
    elif request.nhs_number.strip():
        query = select(Person).where(Person.nhs_number == request.nhs_number.replace(" ", ""))
    else:
        raise InvalidArgument("Name the child: their record (people/N) or NHS number.", {"person": "required"})
    person = session.scalar(query.where(Person.merged_into_id.is_(None), Person.access_level != access.SEALED))
    if person is None:
        raise NotFound("No such child is known to ICS, or their record cannot be opened in an emergency.")
    row = _grant(session, principal, person.id, principal.user_id, "break_glass", reason,
                 _now() + timedelta(hours=BREAK_GLASS_HOURS), team_id=person.team_id)
    name = make_name("grants", row.id)
    # No child's name or reason in the event: alerts tells leaders a review is due; the review
    # queue in records shows the detail to those who may review it.
    outbox.append(session, principal, "access.break_glass", name, None,
                  {"grant": name, "team": make_name("teams", person.team_id), "on": _now().date().isoformat(),
                   "user": principal.user_name})
    audit.record(session, principal, "break_glass", name, [person.id], reason=reason)
    return to_proto(row, person)


def _reviewable(query, principal: Principal):
    """Emergency accesses this caller reviews: their teams' (a leader), or every one (a manager)."""
    query = query.where(RecordGrant.kind == "break_glass")
    if principal.scope("access.review") != "any":
        query = query.where(RecordGrant.team_id.in_(principal.team_ids))
    return query


def review_queue(session: Session, principal: Principal, include_reviewed: bool) -> list[pb.RecordGrant]:
    access.require(principal, "access.review", "review emergency access")
    query = _reviewable(select(RecordGrant, Person).join(Person, Person.id == RecordGrant.person_id), principal)
    if not include_reviewed:
        query = query.where(RecordGrant.review_outcome == "")
    rows = session.execute(query.order_by(RecordGrant.granted_at, RecordGrant.id)).all()
    if rows:
        audit.record(session, principal, "list", "break-glass-reviews", [p.id for _, p in rows])
    return [to_proto(g, p) for g, p in rows]


def review(session: Session, principal: Principal, request: pb.ReviewBreakGlassRequest) -> pb.RecordGrant:
    access.require(principal, "access.review", "review emergency access")
    outcome = OUTCOMES.get(request.outcome)
    if outcome is None:
        raise InvalidArgument("Say whether the emergency access was justified.", {"outcome": "justified or not"})
    note = request.note.strip()
    if outcome == "not_justified" and not note:
        raise InvalidArgument("Say what was wrong with it; the note goes to the worker's manager.", {"note": "required"})
    row = session.scalar(_reviewable(select(RecordGrant), principal)
                         .where(RecordGrant.id == parse_name(request.name, "grants")))
    if row is None:
        raise NotFound(f"No emergency access {request.name} is waiting for you to review.")
    if row.review_outcome:
        raise FailedPrecondition(f"This emergency access was already reviewed by {row.reviewed_by_name}.")
    if row.user_id == principal.user_id:
        raise PermissionDenied("Someone else reviews your own emergency access.")
    row.review_outcome, row.review_note = outcome, note
    row.reviewed_by_user, row.reviewed_by_name, row.reviewed_at = principal.user_id, principal.display_name, _now()
    if outcome == "not_justified" and is_active(row):
        row.revoked_at, row.revoked_by_user = _now(), principal.user_id
    outbox.append(session, principal, "access.break_glass_reviewed", request.name, None,
                  {"grant": request.name, "outcome": outcome, "on": _now().date().isoformat()})
    audit.record(session, principal, "break_glass.review", request.name, [row.person_id], detail=outcome)
    return to_proto(row)
