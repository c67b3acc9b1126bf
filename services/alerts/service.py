"""alerts over gRPC: what is due, for me, my teams and one child; pauses and extensions; the
push stream; timeliness."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone

import grpc
from sqlalchemy import and_, case, false, or_, select, true
from sqlalchemy.orm import Session

from ics.alerts.v1 import alerts_pb2 as pb
from ics.alerts.v1 import alerts_pb2_grpc
from ics.records.v1 import records_pb2, records_pb2_grpc
from services.alerts import audit, engine, reports, rules
from services.alerts.feed import RecordsFeed
from services.alerts.models import Clock, ClockChange
from services.common import paging, tls
from services.common import reports as reports_common
from services.common.auth import Principal, caller, current_token
from services.common.dates import iso, parse_date, today_london
from services.common.db import Database
from services.common.errors import (Aborted, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied,
                                    Unavailable)
from services.common.names import parse_name
from services.common.signals import EventSignal

PUBLIC_METHODS: set[str] = set()
OPEN = pb.CLOCK_STATE_OPEN
OVERSEE = "work.oversee"
# A clock for the team's leaders rather than its worker (an emergency access to review): rules
# with `to = "leaders"` (services/alerts/rules.py).
LEADERS = engine.LEADERS
# How often a watcher looks again with nothing pushed: levels change when a day turns over, and
# the watcher's session is checked again (a disabled user stops receiving within this and the
# token cache's few seconds).
WATCH_POLL_SECONDS = 30.0


def level(clock: Clock, rule_set: rules.RuleSet, today: date, left: int | None = None) -> int:
    """`left`: the working days from today to the due date, when the caller has counted them."""
    if clock.state != OPEN or clock.paused_since is not None:
        return pb.ALERT_LEVEL_UNSPECIFIED
    calendar = rule_set.calendar
    if today > clock.due_date:
        idle = calendar.working_days_between(clock.last_activity_date or clock.start_date, today)
        return pb.ALERT_LEVEL_STALE if idle >= rule_set.stale_after_working_days else pb.ALERT_LEVEL_OVERDUE
    if left is None:
        left = calendar.working_days_between(today, clock.due_date)
    if left <= rule_set.due_soon_working_days:
        return pb.ALERT_LEVEL_DUE_SOON
    return pb.ALERT_LEVEL_UNSPECIFIED


def clock_to_proto(clock: Clock, rule_set: rules.RuleSet, today: date | None = None) -> pb.Clock:
    today = today or today_london()
    left = rule_set.calendar.working_days_between(today, clock.due_date) if clock.state == OPEN else None
    msg = pb.Clock(
        name=f"clocks/{clock.id}", rule=clock.rule, title=clock.title, rule_set=clock.rule_set,
        rule_set_version=clock.rule_set_version, subject=clock.subject, person=clock.person,
        person_display_name=clock.person_display_name, team=clock.team, assignee=clock.assignee,
        start_date=iso(clock.start_date), due_date=iso(clock.due_date), state=clock.state,
        ended_date=iso(clock.ended_date), calendar=clock.calendar, counting=clock.counting, round=clock.round,
        original_due_date=iso(clock.original_due_date or clock.due_date), paused=clock.paused_since is not None,
        paused_since=iso(clock.paused_since), start_event=clock.start_event, ended_by_event=clock.ended_by_event,
        end_reason=clock.end_reason, last_activity_date=iso(clock.last_activity_date), etag=str(clock.version),
        level=level(clock, rule_set, today, left),
    )
    msg.create_time.FromDatetime(clock.created_at)
    if clock.state == OPEN:
        msg.working_days_left = left
        msg.overdue = today > clock.due_date and clock.paused_since is None
    return msg


def _ordered(query):
    # Open work first (soonest due first), then what ended most recently.
    return query.order_by(case((Clock.state == OPEN, 0), else_=1), Clock.due_date, Clock.id)


def _oversees(principal: Principal, team: str | None = None) -> bool:
    """Leads this team (or, with team None, any team); a manager's scope covers every team."""
    scope = principal.scope(OVERSEE)
    return scope == "any" or (scope == "team" and (team is None or team in principal.team_names))


def _mine(principal: Principal):
    """Mine: allocated to me; my team's while no one holds it; and, for those who oversee a team,
    the work addressed to its leaders (an emergency access to review)."""
    mine = [Clock.assignee == principal.user_name, and_(Clock.assignee == "", Clock.team.in_(principal.team_names))]
    if principal.scope(OVERSEE) == "any":
        mine.append(Clock.assignee == LEADERS)
    elif principal.scope(OVERSEE) == "team":
        mine.append(and_(Clock.assignee == LEADERS, Clock.team.in_(principal.team_names)))
    return or_(*mine)


def _is_mine(clock: pb.Clock, principal: Principal) -> bool:
    return clock.assignee == principal.user_name or (not clock.assignee and clock.team in principal.team_names) \
        or (clock.assignee == LEADERS and _oversees(principal, clock.team))


def _visible(principal: Principal):
    """Mine; my teams' if I lead a team; every team's for a manager."""
    scope = principal.scope(OVERSEE)
    if scope == "any":
        return true()
    if scope == "team":
        return or_(_mine(principal), Clock.team.in_(principal.team_names))
    return _mine(principal)


def _teams_led(principal: Principal, team: str) -> list[str] | None:
    """The teams a report may cover: None means every team (managers)."""
    if not _oversees(principal):
        raise PermissionDenied("Only team leaders and managers see their teams' overdue work and timeliness.")
    if team:
        parse_name(team, "teams", "team")
        if not _oversees(principal, team):
            raise PermissionDenied("You can see your own teams only.")
        return [team]
    return None if principal.scope(OVERSEE) == "any" else list(principal.team_names)


def _change_to_proto(change: ClockChange, clock: Clock) -> pb.ClockChange:
    msg = pb.ClockChange(clock=f"clocks/{clock.id}", kind=change.kind, reason=change.reason,
                         old_due_date=iso(change.old_due_date), new_due_date=iso(change.new_due_date),
                         by=change.by_name, title=clock.title, person_display_name=clock.person_display_name,
                         team=clock.team)
    msg.time.FromDatetime(change.at)
    return msg


class AlertsServicer(alerts_pb2_grpc.AlertsServiceServicer):
    def __init__(self, db: Database, rule_set: rules.RuleSet, feed: RecordsFeed | None, signal: EventSignal,
                 records_target: str = "", verifier=None):
        self.db = db
        self.verifier = verifier
        self.draining = False
        self.rule_set = rule_set
        self.feed = feed
        self.signal = signal
        self.records_target = records_target
        self._records_channel: grpc.aio.Channel | None = None

    def drain(self) -> None:
        """The service is stopping: open alert streams end, and their clients reconnect elsewhere."""
        self.draining = True
        self.signal.notify()

    async def close(self) -> None:
        if self._records_channel is not None:
            await self._records_channel.close()

    async def _list(self, where, include_ended: bool, page_size: int, page_token: str):
        size = paging.page_size(page_size)
        offset = paging.decode_offset(page_token)
        query = select(Clock).where(where)
        if not include_ended:
            query = query.where(Clock.state == OPEN)

        def work(s):
            clocks = list(s.scalars(_ordered(query).offset(offset).limit(size)))
            today = today_london()
            return pb.ListClocksResponse(clocks=[clock_to_proto(c, self.rule_set, today) for c in clocks],
                                         next_page_token=paging.next_token(offset, size, len(clocks)))

        return await self.db.read(work)

    async def ListMyAlerts(self, request, context):
        return await self._list(_mine(caller()), request.include_ended, request.page_size, request.page_token)

    async def ListTeamClocks(self, request, context):
        who = caller()
        team = request.team or who.primary_team
        parse_name(team, "teams", "team")
        if team not in who.team_names and who.scope(OVERSEE) != "any":
            raise PermissionDenied("You can see the clocks of your own teams only.")
        where = Clock.team == team
        if request.escalated_only:
            where = and_(where, Clock.due_date < today_london(), Clock.paused_since.is_(None))
        return await self._list(where, request.include_ended and not request.escalated_only, request.page_size,
                                request.page_token)

    async def ListPersonClocks(self, request, context):
        who = caller()
        person = request.person
        parse_name(person, "people", "person")
        await self._require_record_access(person)
        query = select(Clock).where(Clock.person == person)
        if not request.include_ended:
            query = query.where(Clock.state == OPEN)
        today = today_london()

        def work(s):
            found = pb.ListClocksResponse(clocks=[clock_to_proto(c, self.rule_set, today)
                                                  for c in s.scalars(_ordered(query))])
            audit.record(s, who, "read", f"{person}/clocks", person)
            return found

        return await self.db.write(work)

    async def _require_record_access(self, person: str) -> None:
        """Records decides who may see a child (and audits the look); alerts asks it as the caller."""
        if self._records_channel is None:
            self._records_channel = tls.aio_channel(self.records_target)
        stub = records_pb2_grpc.RecordsServiceStub(self._records_channel)
        try:
            await stub.GetPerson(records_pb2.GetPersonRequest(name=person), timeout=10,
                                 metadata=(("authorization", f"Bearer {current_token.get()}"),))
        except grpc.aio.AioRpcError as exc:
            if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED,
                              grpc.StatusCode.INVALID_ARGUMENT):
                raise NotFound(f"No child {person} is known to you.") from None
            raise Unavailable("The records service cannot be reached to check who may see this child; "
                              "try again shortly.") from None

    async def GetClock(self, request, context):
        who = caller()
        clock_id = parse_name(request.name, "clocks")

        def work(s):
            clock = s.scalar(select(Clock).where(Clock.id == clock_id).where(_visible(who)))
            if clock is None:
                raise NotFound(f"No clock clocks/{clock_id} is known to you.")
            return clock_to_proto(clock, self.rule_set)

        return await self.db.read(work)

    async def ListOverdue(self, request, context):
        teams = _teams_led(caller(), request.team)
        today = today_london()

        def work(s):
            query = select(Clock).where(Clock.state == OPEN, Clock.due_date < today, Clock.paused_since.is_(None))
            if teams is not None:
                query = query.where(Clock.team.in_(teams))
            counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
            for clock in s.scalars(query):
                row = counts[(clock.team, clock.assignee, clock.rule)]
                row[0] += 1
                row[1] += level(clock, self.rule_set, today) == pb.ALERT_LEVEL_STALE
            return pb.ListOverdueResponse(counts=[
                pb.OverdueCount(team=t, worker=w, rule=r, overdue=n, stale=stale)
                for (t, w, r), (n, stale) in sorted(counts.items())])

        return await self.db.read(work)

    # -- flexible timescales -----------------------------------------------------------------
    def _changeable(self, s: Session, who: Principal, request) -> Clock:
        clock_id = parse_name(request.name, "clocks")
        query = select(Clock).where(Clock.id == clock_id).where(_visible(who))
        if s.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        clock = s.scalar(query)
        if clock is None:
            raise NotFound(f"No clock clocks/{clock_id} is known to you.")
        if clock.assignee != who.user_name and not _oversees(who, clock.team):
            raise PermissionDenied("Only the allocated worker or a team leader of the team can change this clock.")
        if not request.etag:
            raise InvalidArgument("Send the clock's etag as you saw it.", {"etag": "required"})
        if request.etag != str(clock.version):
            raise Aborted("This clock changed since you looked at it. Reload it, then try again.")
        if clock.state != OPEN:
            raise FailedPrecondition(f"This clock already ended ({pb.ClockState.Name(clock.state)[12:].lower()} on "
                                     f"{iso(clock.ended_date)}); only open clocks can be paused or extended.")
        return clock

    def _record(self, s: Session, who: Principal, clock: Clock, kind: str, reason: str, old_due: date) -> pb.Clock:
        if clock.due_date != old_due:
            clock.notified_level = 0  # a new due date: if it is missed too, that is told afresh
        s.add(ClockChange(clock_id=clock.id, kind=kind, reason=reason, old_due_date=old_due,
                          new_due_date=clock.due_date, by_user=who.user_name, by_name=who.display_name,
                          at=datetime.now(timezone.utc)))
        audit.record(s, who, f"clock.{kind}", f"clocks/{clock.id}", clock.person,
                     f"due {iso(old_due)} -> {iso(clock.due_date)}")
        clock.version += 1
        clock.updated_at = datetime.now(timezone.utc)
        s.flush()
        return clock_to_proto(clock, self.rule_set)

    async def _change(self, work):
        result = await self.db.write(work)
        self.signal.notify()
        return result

    async def PauseClock(self, request, context):
        who = caller()
        reason = request.reason.strip()
        if not reason:
            raise InvalidArgument("Say why the clock is paused; your team leader will see it.", {"reason": "required"})

        def work(s):
            clock = self._changeable(s, who, request)
            if clock.paused_since is not None:
                raise FailedPrecondition(f"This clock has been paused since {iso(clock.paused_since)}.")
            clock.paused_since = today_london()
            return self._record(s, who, clock, "pause", reason, clock.due_date)

        return await self._change(work)

    async def ResumeClock(self, request, context):
        who = caller()

        def work(s):
            clock = self._changeable(s, who, request)
            if clock.paused_since is None:
                raise FailedPrecondition("This clock is not paused.")
            old = clock.due_date
            clock.due_date = engine.shifted_due(self.rule_set, clock, clock.paused_since, today_london())
            clock.paused_since = None
            return self._record(s, who, clock, "resume", request.reason.strip(), old)

        return await self._change(work)

    async def ExtendClock(self, request, context):
        who = caller()
        reason = request.reason.strip()
        violations = {}
        if not reason:
            violations["reason"] = "required: say why the timescale does not fit this child (your team leader sees it)"
        new_due = parse_date(request.new_due_date, "new_due_date", "new due date") if request.new_due_date else None
        if new_due is None:
            violations["new_due_date"] = "required"
        if violations:
            raise InvalidArgument("The extension was not made: " + "; ".join(f"{k} {v}" for k, v in violations.items()),
                                  violations)

        def work(s):
            clock = self._changeable(s, who, request)
            if clock.paused_since is not None:
                raise FailedPrecondition("Resume the clock before extending it.")
            if new_due <= clock.due_date:
                raise InvalidArgument(f"An extension moves the due date later than {iso(clock.due_date)}.",
                                      {"new_due_date": "not later than the current due date"})
            old = clock.due_date
            clock.due_date = new_due
            return self._record(s, who, clock, "extend", reason, old)

        return await self._change(work)

    async def ListClockChanges(self, request, context):
        who = caller()

        def work(s):
            query = select(ClockChange, Clock).join(Clock, Clock.id == ClockChange.clock_id)
            if request.clock:
                query = query.where(Clock.id == parse_name(request.clock, "clocks", "clock")).where(_visible(who))
            else:
                teams = _teams_led(who, request.team)
                if teams is not None:
                    query = query.where(Clock.team.in_(teams))
            rows = s.execute(query.order_by(ClockChange.at.desc(), ClockChange.id.desc()).limit(500)).all()
            return pb.ListClockChangesResponse(changes=[_change_to_proto(c, k) for c, k in rows])

        return await self.db.read(work)

    # -- push -----------------------------------------------------------------------------------
    async def WatchMyAlerts(self, request, context):
        who = caller()
        token = current_token.get()
        sent: dict[int, tuple] = {}
        first = True
        while not self.draining:
            if not first and self.verifier is not None:
                who = await self.verifier.verify(token)  # an ended session or a disabled user stops here
            known = list(sent)
            seen = self.signal.generation

            def work(s):
                # My open clocks, and any I was told of before: an ended or reallocated one is sent
                # once more, so the client can take it off the list.
                query = select(Clock).where(or_(and_(_mine(who), Clock.state == OPEN),
                                                Clock.id.in_(known) if known else false()))
                return [clock_to_proto(c, self.rule_set) for c in s.scalars(_ordered(query))]

            changed = []
            for clock in await self.db.read(work):
                key = (clock.etag, clock.level, clock.state, clock.assignee)
                clock_id = int(clock.name.split("/")[1])
                if sent.get(clock_id) != key:
                    changed.append(clock)
                if clock.state == OPEN and _is_mine(clock, who):
                    sent[clock_id] = key
                else:
                    sent.pop(clock_id, None)  # told once that it ended or went to someone else
            if first or changed:
                yield pb.AlertUpdate(clocks=changed, initial=first)
            first = False
            await self.signal.wait(WATCH_POLL_SECONDS, seen)

    # -- figures ------------------------------------------------------------------------------
    async def GetTimeliness(self, request, context):
        who = caller()
        teams = _teams_led(who, request.team)
        if request.rule not in self.rule_set.rules:
            raise InvalidArgument(f"The rule set has no rule {request.rule!r}; it has "
                                  f"{', '.join(sorted(self.rule_set.rules))}.", {"rule": "unknown"})
        today = today_london()
        until = parse_date(request.to_date, "to_date", "to date") if request.to_date else today
        since = parse_date(request.from_date, "from_date", "from date") if request.from_date else date(until.year, 1, 1)

        def work(s):
            query = select(Clock).where(Clock.rule == request.rule, Clock.due_date >= since, Clock.due_date <= until)
            if teams is not None:
                query = query.where(Clock.team.in_(teams))
            clocks = list(s.scalars(query))
            extensions = list(s.scalars(select(ClockChange).where(
                ClockChange.kind == "extend", ClockChange.clock_id.in_([c.id for c in clocks]))
                .order_by(ClockChange.at))) if clocks else []
            extended = {change.clock_id for change in extensions}
            tallies: dict[tuple[str, str], reports.Tally] = defaultdict(reports.Tally)
            for clock in clocks:
                for key in ((clock.team, ""), (clock.team, clock.assignee or "unallocated")):
                    tallies[key].add(clock, today, clock.id in extended)
            by_id = {c.id: c for c in clocks}
            return pb.Timeliness(
                rule=request.rule, rule_set=self.rule_set.label,
                rows=[_timeliness_row(key, tallies[key])
                      for key in sorted(tallies, key=lambda k: (k[0], k[1] != "", k[1]))],
                extensions=[_change_to_proto(change, by_id[change.clock_id]) for change in extensions])

        return await self.db.read(work)

    async def ListReports(self, request, context):
        return reports_common.describe(caller(), reports.SPECS.values())

    async def GetReport(self, request, context):
        who = caller()
        spec = reports_common.find(reports.SPECS, request.name)
        ask = reports_common.ask_for(who, request, today_london())

        report = await self.db.read(lambda s: spec.build(s, ask, self.rule_set))
        shown = reports_common.people_shown(report, ask)

        def work(s):
            # One chained row however many children are listed, naming them all, so who saw which
            # child listed can be traced without a row a child.
            audit.record(s, who, "report", f"reports/{spec.name}", "",
                         f"{spec.title}, {ask.since.isoformat()} to {ask.until.isoformat()}"
                         + (f", naming {len(shown)} children: " + ", ".join(f"people/{p}" for p in shown)
                            if shown else ""))
            return reports_common.to_proto(report, ask, "alerts")

        return await self.db.write(work)

    async def ComputeDueDate(self, request, context):
        caller()
        try:
            rule_set = rules.load(request.rule_set, self.rule_set.calendar.closure_days,
                                  snapshot_file=self.rule_set.calendar.snapshot_file) \
                if request.rule_set else self.rule_set
        except rules.RuleSetError as exc:
            raise InvalidArgument(str(exc), {"rule_set": "unknown"}) from None
        rule = rule_set.rules.get(request.rule)
        if rule is None:
            raise InvalidArgument(f"The rule set {rule_set.name} has no rule {request.rule!r}; it has "
                                  f"{', '.join(sorted(rule_set.rules))}.", {"rule": "unknown"})
        start = parse_date(request.start_date, "start_date", "start date")
        return pb.ComputeDueDateResponse(due_date=iso(rule.due(start, rule_set.calendar, request.round or 1, start)),
                                         calendar=rule_set.calendar.name)

    async def GetRuleSet(self, request, context):
        caller()
        rule_set = self.rule_set
        return pb.RuleSet(
            name=rule_set.name, version=rule_set.version, title=rule_set.title, calendar=rule_set.calendar.name,
            due_soon_working_days=rule_set.due_soon_working_days,
            stale_after_working_days=rule_set.stale_after_working_days,
            rules=[pb.RuleDescription(rule=r.key, title=r.title, counting=r.describe(),
                                      starts_on=[m.event for m in r.start], met_by=[m.event for m in r.meet],
                                      stopped_by=[m.event for m in r.stop], repeated_by=[m.event for m in r.repeat])
                   for r in rule_set.rules.values()])

    async def GetFeedStatus(self, request, context):
        caller()
        status = pb.FeedStatus(last_sequence=await self.db.read(engine.cursor),
                               connected=bool(self.feed and self.feed.connected))
        if self.feed and self.feed.last_event_time:
            status.last_event_time.FromDatetime(self.feed.last_event_time)
        return status


def _timeliness_row(key: tuple[str, str], tally: reports.Tally) -> pb.TimelinessRow:
    judged = tally.met + tally.missed + tally.open_late
    return pb.TimelinessRow(team=key[0], worker=key[1], met=tally.met, missed=tally.missed,
                            open_overdue=tally.open_late, open_in_time=tally.open_in_time, stopped=tally.stopped,
                            extended=tally.extended, share_met=tally.met / judged if judged else 0.0)
