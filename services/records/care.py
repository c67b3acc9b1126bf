"""Looked-after periods (SSDA903): a child starts to be looked after within an episode of need,
with a legal status and a category of need; legal statuses and placements change within the
period; the period ends with a reason for ceasing. The SSDA903 Episodes rows are derived from
those facts, never typed: `episode_rows` is a pure function so it is tested directly.

Codes come from the council's Placement Information Record (`placements.codes`), so the form and
the service can never disagree. Every change needs the period's etag, which changes whenever the
period, its legal statuses or its placements change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Hashable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.records.v1 import records_pb2 as pb
from services.common.auth import Principal
from services.common.dates import iso, past_date_or_today
from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.common.etags import refuse_stale
from services.common.names import make_name, parse_name
from services.records import access, audit, episodes, idempotency, outbox, people, placements
from services.records.models import CarePeriod, Carer, LegalStatusSpan, Person, Placement
from services.records.template_library import TemplateLibrary

DEFAULT_REASON_PLACE_CHANGE = "CLOSE"
# X1 ends one episode row when the next starts the same day; ICS writes it itself, and a period
# of being looked after never ends with it.
NEW_EPISODE_SAME_DAY = "X1"
ETAG_REQUIRED = "required: the etag of the looked-after period you read, so no one's change is overwritten"


# ---------------------------------------------------------------------------------------------
# The SSDA903 Episodes table, derived. Plain data in, plain data out.

@dataclass(frozen=True)
class StatusSpan:
    code: str
    start: date
    end: date | None = None


@dataclass(frozen=True)
class PlacementSpan:
    carer: Hashable          # anything that identifies the carer: same value, same carer
    place: str
    provider: str
    postcode: str
    urn: str
    start: date
    end: date | None = None
    end_reason: str = ""


@dataclass(frozen=True)
class EpisodeRow:
    """One row of the SSDA903 Episodes table, dates in ISO form (the return writes dd/mm/yyyy)."""

    decom: str
    rne: str
    ls: str
    cin: str
    place: str
    place_provider: str
    dec: str
    rec: str
    reason_place_change: str
    home_post: str
    pl_post: str
    urn: str


def reason_new_episode(status_changed: bool, placement_changed: bool, temporary: bool) -> str:
    """RNE for a row after the first (the first is always S), as the council's Placement
    Information Record offers the codes: L legal status only; P placement only; T a temporary
    placement only (SSDA903 PLACE codes T0-T4); B legal status and placement together; U legal
    status and a temporary placement together. Check against the year's 903 guidance before a
    return; this function is the one place to change."""
    if status_changed and placement_changed:
        return "U" if temporary else "B"
    if placement_changed:
        return "T" if temporary else "P"
    return "L"


def _in_force(spans: Sequence, day: date, period_end: date | None) -> int | None:
    """Index of the span in force on `day`: started on or before it and not ended by it, the
    latest start winning (a status replaced the day it began is never in force). A span ending
    with the period counts as running to its end."""
    best = None
    for index, span in enumerate(spans):
        ends = None if span.end is not None and period_end is not None and span.end >= period_end else span.end
        if span.start <= day and (ends is None or ends > day):
            if best is None or span.start >= spans[best].start:
                best = index
    return best


def episode_rows(start: date, end: date | None, end_reason: str, category_of_need: str, home_postcode: str,
                 statuses: Sequence[StatusSpan], placed: Sequence[PlacementSpan]) -> list[EpisodeRow]:
    """The Episodes rows of one looked-after period. A new row starts whenever the legal status
    or the placement changes; DEC is the next row's DECOM (REC X1) or the period's end (REC its
    reason). REASON_PLACE_CHANGE is given on a row ended by a placement ending within the period
    (the next row's RNE is then P, B, T or U, or the child was left without a placement); the last
    row's is blank, as the 903 wants it when the period itself ends. `statuses` and `placed` are
    oldest first."""
    def inside(day: date) -> bool:
        return start < day and (end is None or day < end)

    boundaries = {start}
    boundaries |= {s.start for s in statuses if inside(s.start)}
    boundaries |= {p.start for p in placed if inside(p.start)}
    boundaries |= {p.end for p in placed if p.end is not None and inside(p.end)}

    states: list[tuple[date, int | None, int | None]] = []
    for day in sorted(boundaries):
        status, placement = _in_force(statuses, day, end), _in_force(placed, day, end)
        if states and (status, placement) == states[-1][1:]:
            continue
        states.append((day, status, placement))

    rows: list[EpisodeRow] = []
    for i, (day, status, placement) in enumerate(states):
        if i == 0:
            rne = "S"
        else:
            _, before_status, before_placement = states[i - 1]
            current = placed[placement] if placement is not None else None
            temporary = current is not None and current.place.startswith("T")
            rne = reason_new_episode(status != before_status, placement != before_placement, temporary)
        following = states[i + 1][0] if i + 1 < len(states) else None
        home = placed[placement] if placement is not None else None
        code = statuses[status].code if status is not None else ""
        if following is not None:
            dec, rec = iso(following), NEW_EPISODE_SAME_DAY
            moved = home is not None and home.end == following
            reason = home.end_reason if moved else ""
        else:
            dec, rec, reason = iso(end), end_reason if end else "", ""
        rows.append(EpisodeRow(
            decom=iso(day), rne=rne, ls=code, cin=category_of_need,
            place=home.place if home else "", place_provider=home.provider if home else "",
            dec=dec, rec=rec, reason_place_change=reason, home_post=home_postcode,
            pl_post=home.postcode if home else "", urn=home.urn if home else ""))
    return rows


# ---------------------------------------------------------------------------------------------
# Storage and the service's calls.

def _statuses(session: Session, period_id: int) -> list[LegalStatusSpan]:
    return list(session.scalars(select(LegalStatusSpan).where(LegalStatusSpan.care_period_id == period_id)
                                .order_by(LegalStatusSpan.start_date, LegalStatusSpan.id)))


def _placements(session: Session, period_id: int) -> list[tuple[Placement, Carer]]:
    return list(session.execute(select(Placement, Carer).join(Carer, Carer.id == Placement.carer_id)
                                .where(Placement.care_period_id == period_id)
                                .order_by(Placement.start_date, Placement.id)).all())


def to_proto(session: Session, period: CarePeriod) -> pb.CarePeriod:
    statuses = _statuses(session, period.id)
    placed = _placements(session, period.id)
    child = session.get(Person, period.child_id)
    rows = episode_rows(
        period.start_date, period.end_date, period.end_reason, period.category_of_need, child.postcode,
        [StatusSpan(s.code, s.start_date, s.end_date) for s in statuses],
        [PlacementSpan(c.id, p.placement_type, p.provider, c.postcode, c.urn, p.start_date, p.end_date, p.end_reason)
         for p, c in placed])
    return pb.CarePeriod(
        name=make_name("care-periods", period.id), child=make_name("people", period.child_id),
        episode=make_name("episodes", period.episode_id), start_date=iso(period.start_date),
        end_date=iso(period.end_date), end_reason=period.end_reason, category_of_need=period.category_of_need,
        legal_statuses=[pb.LegalStatus(code=s.code, start_date=iso(s.start_date), end_date=iso(s.end_date))
                        for s in statuses],
        placements=[placements.to_proto(p, c) for p, c in placed],
        episode_rows=[pb.CareEpisodeRow(
            decom=r.decom, rne=r.rne, ls=r.ls, cin=r.cin, place=r.place, place_provider=r.place_provider,
            dec=r.dec, rec=r.rec, reason_place_change=r.reason_place_change, home_post=r.home_post,
            pl_post=r.pl_post, urn=r.urn) for r in rows],
        etag=str(period.version))


def _visible(session: Session, principal: Principal, name: str, for_update: bool = False) -> tuple[CarePeriod, Person]:
    """The period and its child, if the caller may see the child: absent and hidden answer alike.
    For a change the child is locked first, as placements.start does, so changes to one child's
    care and placements queue rather than cross."""
    period = session.get(CarePeriod, parse_name(name, "care-periods"))
    if period is None:
        raise NotFound(f"No looked-after period {name} is known to you.")
    try:
        child = people.get_visible(session, principal, period.child_id, for_update=for_update)
    except NotFound:
        raise NotFound(f"No looked-after period {name} is known to you.") from None
    if for_update:
        session.refresh(period)
    return period, child


def _open_for_change(session: Session, principal: Principal, name: str, etag: str) -> tuple[CarePeriod, Person]:
    period, child = _visible(session, principal, name, for_update=True)
    if period.end_date is not None:
        raise FailedPrecondition(f"{people.display_name(child)} stopped being looked after on {iso(period.end_date)} "
                                 f"({period.end_reason}); that period ({name}) no longer changes. Start a new one if "
                                 "they are looked after again.")
    refuse_stale(etag, period.version, f"Someone changed {people.display_name(child)}'s looked-after period since "
                 "you opened it (a legal status or a placement). Reload it to see their change, then make yours again.")
    return period, child


def _current_status(session: Session, period: CarePeriod) -> LegalStatusSpan:
    return session.scalar(select(LegalStatusSpan).where(LegalStatusSpan.care_period_id == period.id,
                                                        LegalStatusSpan.end_date.is_(None))
                          .order_by(LegalStatusSpan.start_date.desc(), LegalStatusSpan.id.desc()).limit(1))


def _event(session: Session, principal: Principal, period: CarePeriod, child: Person, kind: str, payload: dict) -> None:
    name = make_name("care-periods", period.id)
    outbox.append(session, principal, f"care.{kind}", name, child.id,
                  {"care_period": name, "child": make_name("people", child.id),
                   "person_display_name": people.display_name(child), **payload})
    audit.record(session, principal, kind, name, [child.id])


def start(session: Session, principal: Principal, library: TemplateLibrary, request: pb.StartCareRequest) -> pb.CarePeriod:
    access.require_write(principal, "record that a child is looked after")
    if earlier := idempotency.earlier_result(session, principal, request.request_id, "StartCare"):
        return to_proto(session, _visible(session, principal, earlier)[0])
    violations: dict[str, str] = {}
    begins = past_date_or_today(request.start_date, "start_date", "start date", violations)
    if request.legal_status not in placements.codes(library, "LS"):
        violations["legal_status"] = "not an SSDA903 legal status code (LS), e.g. C2 for a full care order"
    if request.category_of_need not in placements.codes(library, "CIN"):
        violations["category_of_need"] = "not an SSDA903 category of need (CIN): N1 to N8"
    people.raise_if_invalid(violations, "Starting to be looked after")
    child = people.get_visible(session, principal, parse_name(request.child, "people", "child"), for_update=True)
    # Asked again once the child is locked: a retry that queued behind the first gets its answer.
    if earlier := idempotency.earlier_result(session, principal, request.request_id, "StartCare"):
        return to_proto(session, _visible(session, principal, earlier)[0])
    who = people.display_name(child)
    current = session.scalar(select(CarePeriod).where(CarePeriod.child_id == child.id, CarePeriod.end_date.is_(None)))
    if current is not None:
        raise FailedPrecondition(f"{who} is already looked after (care-periods/{current.id}, since "
                                 f"{iso(current.start_date)}). Change its legal status, or end it, instead of "
                                 "starting another.")
    last = session.scalar(select(CarePeriod).where(CarePeriod.child_id == child.id)
                          .order_by(CarePeriod.end_date.desc(), CarePeriod.id.desc()).limit(1))
    if last is not None and begins < last.end_date:
        raise InvalidArgument(f"{who}'s last looked-after period (care-periods/{last.id}) ended on "
                              f"{iso(last.end_date)}; a new one cannot start before that.",
                              {"start_date": f"before the last looked-after period ended ({iso(last.end_date)})"})
    if child.date_of_birth is not None and begins < child.date_of_birth:
        raise InvalidArgument(f"{who} was born on {iso(child.date_of_birth)}, after {iso(begins)}.",
                              {"start_date": "before the child's date of birth"})
    placed = session.scalar(select(Placement).where(Placement.child_id == child.id, Placement.end_date.is_(None)))
    if placed is not None:
        raise FailedPrecondition(f"{who} is still placed outside any looked-after period (placements/{placed.id}, "
                                 "for example privately fostered). End that placement first, then record that they "
                                 "are looked after and place them again within it.")
    # The episode of need the child was in on that day (recording a past period, as a migration
    # does, that may be one since closed), else the open one, whose start the period may not precede.
    episode = episodes.open_on(session, child.id, begins) or episodes.open_for(session, child.id)
    if episode is None:
        raise FailedPrecondition(f"{who} has no open episode of need. A child becomes looked after within one: "
                                 "record the contact and the referral decision first.")
    if begins < episode.opened_date:
        raise InvalidArgument(f"{who}'s episode of need (episodes/{episode.id}) opened on {iso(episode.opened_date)}; "
                              "being looked after cannot start before it.",
                              {"start_date": f"before the episode of need opened ({iso(episode.opened_date)})"})
    period = CarePeriod(child_id=child.id, episode_id=episode.id, start_date=begins, end_date=None, end_reason="",
                        category_of_need=request.category_of_need, version=1, created_by_user=principal.user_id,
                        created_at=datetime.now(timezone.utc))
    session.add(period)
    session.flush()
    session.add(LegalStatusSpan(care_period_id=period.id, code=request.legal_status, start_date=begins))
    session.flush()
    _event(session, principal, period, child, "started",
           {"start_date": iso(begins), "legal_status": request.legal_status,
            "category_of_need": request.category_of_need, "episode": make_name("episodes", episode.id)})
    idempotency.remember(session, principal, request.request_id, "StartCare", make_name("care-periods", period.id))
    return to_proto(session, period)


def change_legal_status(session: Session, principal: Principal, library: TemplateLibrary,
                        request: pb.ChangeLegalStatusRequest) -> pb.CarePeriod:
    access.require_write(principal, "change a child's legal status")
    violations: dict[str, str] = {}
    begins = past_date_or_today(request.start_date, "start_date", "start date", violations)
    if request.legal_status not in placements.codes(library, "LS"):
        violations["legal_status"] = "not an SSDA903 legal status code (LS), e.g. C1 for an interim care order"
    if not request.etag:
        violations["etag"] = ETAG_REQUIRED
    people.raise_if_invalid(violations, "Changing the legal status")
    period, child = _open_for_change(session, principal, request.name, request.etag)
    current = _current_status(session, period)
    if current.code == request.legal_status:
        raise FailedPrecondition(f"{people.display_name(child)}'s legal status is already {current.code} (since "
                                 f"{iso(current.start_date)}); there is nothing to change.")
    if begins < current.start_date:
        raise InvalidArgument(f"The current legal status ({current.code}) started on {iso(current.start_date)}; a "
                              "new one cannot start before it.",
                              {"start_date": f"before the current legal status started ({iso(current.start_date)})"})
    current.end_date = begins
    session.add(LegalStatusSpan(care_period_id=period.id, code=request.legal_status, start_date=begins))
    period.version += 1
    session.flush()
    _event(session, principal, period, child, "legal_status_changed",
           {"start_date": iso(begins), "legal_status": request.legal_status, "previous_legal_status": current.code})
    return to_proto(session, period)


def end(session: Session, principal: Principal, library: TemplateLibrary, request: pb.EndCareRequest) -> pb.CarePeriod:
    access.require_write(principal, "record that a child stopped being looked after")
    violations: dict[str, str] = {}
    ends = past_date_or_today(request.end_date, "end_date", "end date", violations)
    if request.end_reason == NEW_EPISODE_SAME_DAY:
        violations["end_reason"] = ("X1 only joins two episode rows, and ICS writes it itself; give the reason the "
                                    "child stopped being looked after")
    elif request.end_reason not in placements.codes(library, "REC"):
        violations["end_reason"] = "not an SSDA903 reason episode ceased (REC), e.g. E4A for returned home as planned"
    place_reasons = placements.codes(library, "REASON_PLACE_CHANGE")
    reason_place_change = request.reason_place_change or (
        DEFAULT_REASON_PLACE_CHANGE if DEFAULT_REASON_PLACE_CHANGE in place_reasons else "")
    if reason_place_change not in place_reasons:
        violations["reason_place_change"] = "not an SSDA903 reason for a placement change (REASON_PLACE_CHANGE)"
    if not request.etag:
        violations["etag"] = ETAG_REQUIRED
    people.raise_if_invalid(violations, "Ending the looked-after period")
    period, child = _open_for_change(session, principal, request.name, request.etag)
    status = _current_status(session, period)
    placed = [p for p, _ in _placements(session, period.id)]
    latest = max([(period.start_date, "the period started"), (status.start_date, f"legal status {status.code} started")]
                 + [(p.start_date, f"placements/{p.id} started") for p in placed]
                 + [(p.end_date, f"placements/{p.id} ended") for p in placed if p.end_date is not None])
    if ends < latest[0]:
        raise InvalidArgument(f"The looked-after period cannot end before {iso(latest[0])}, when {latest[1]}.",
                              {"end_date": f"before {iso(latest[0])}, when {latest[1]}"})
    status.end_date = ends
    for row in placed:
        if row.end_date is None:
            placements.close(session, principal, row, ends, reason_place_change)
    period.end_date, period.end_reason = ends, request.end_reason
    period.version += 1
    session.flush()
    _event(session, principal, period, child, "ended", {"end_date": iso(ends), "end_reason": request.end_reason})
    return to_proto(session, period)


def list_for(session: Session, principal: Principal, child_name: str) -> list[pb.CarePeriod]:
    access.require_read(principal, "read looked-after periods")
    child = people.get_visible(session, principal, parse_name(child_name, "people", "child"))
    rows = session.scalars(select(CarePeriod).where(CarePeriod.child_id == child.id)
                           .order_by(CarePeriod.start_date.desc(), CarePeriod.id.desc()))
    audit.record(session, principal, "read", f"people/{child.id}/care-periods", [child.id])
    return [to_proto(session, p) for p in rows]
