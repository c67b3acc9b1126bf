"""alerts over gRPC: what is due, for me and for my teams."""

from __future__ import annotations

from sqlalchemy import and_, case, or_, select

from ics.alerts.v1 import alerts_pb2 as pb
from ics.alerts.v1 import alerts_pb2_grpc
from services.alerts import engine, rules
from services.alerts.feed import RecordsFeed
from services.alerts.models import Clock
from services.common import paging
from services.common.auth import Principal, caller
from services.common.dates import iso, parse_date, today_london
from services.common.db import Database
from services.common.errors import InvalidArgument, NotFound, PermissionDenied
from services.common.names import parse_name

PUBLIC_METHODS: set[str] = set()


def clock_to_proto(clock: Clock, rule_set: rules.RuleSet) -> pb.Clock:
    msg = pb.Clock(
        name=f"clocks/{clock.id}", rule=clock.rule, title=clock.title, rule_set=clock.rule_set,
        subject=clock.subject, person=clock.person, person_display_name=clock.person_display_name,
        team=clock.team, assignee=clock.assignee, start_date=iso(clock.start_date),
        due_date=iso(clock.due_date), state=clock.state, ended_date=iso(clock.ended_date),
        calendar=clock.calendar,
    )
    msg.create_time.FromDatetime(clock.created_at)
    if clock.state == pb.CLOCK_STATE_OPEN:
        left = rule_set.calendar.working_days_between(today_london(), clock.due_date)
        msg.working_days_left = left
        msg.overdue = today_london() > clock.due_date
    return msg


def _ordered(query):
    # Open work first (soonest due first), then what ended most recently.
    return query.order_by(case((Clock.state == pb.CLOCK_STATE_OPEN, 0), else_=1), Clock.due_date, Clock.id)


def _mine(principal: Principal):
    return or_(Clock.assignee == principal.user_name,
               and_(Clock.assignee == "", Clock.team.in_(principal.team_names)))


class AlertsServicer(alerts_pb2_grpc.AlertsServiceServicer):
    def __init__(self, db: Database, rule_set: rules.RuleSet, feed: RecordsFeed | None):
        self.db = db
        self.rule_set = rule_set
        self.feed = feed

    async def _list(self, where, include_ended: bool, page_size: int, page_token: str):
        size = paging.page_size(page_size)
        offset = paging.decode_offset(page_token)
        query = select(Clock).where(where)
        if not include_ended:
            query = query.where(Clock.state == pb.CLOCK_STATE_OPEN)

        def work(s):
            clocks = list(s.scalars(_ordered(query).offset(offset).limit(size)))
            return pb.ListClocksResponse(clocks=[clock_to_proto(c, self.rule_set) for c in clocks],
                                         next_page_token=paging.next_token(offset, size, len(clocks)))

        return await self.db.read(work)

    async def ListMyAlerts(self, request, context):
        return await self._list(_mine(caller()), request.include_ended, request.page_size, request.page_token)

    async def ListTeamClocks(self, request, context):
        who = caller()
        team = request.team or who.primary_team
        parse_name(team, "teams", "team")
        if team not in who.team_names and not who.has_any_role("manager"):
            raise PermissionDenied("You can see the clocks of your own teams only.")
        return await self._list(Clock.team == team, request.include_ended, request.page_size, request.page_token)

    async def GetClock(self, request, context):
        who = caller()
        clock_id = parse_name(request.name, "clocks")

        def work(s):
            clock = s.scalar(select(Clock).where(Clock.id == clock_id).where(_mine(who)))
            if clock is None:
                raise NotFound(f"No clock clocks/{clock_id} is known to you.")
            return clock_to_proto(clock, self.rule_set)

        return await self.db.read(work)

    async def ComputeDueDate(self, request, context):
        caller()
        try:
            rule_set = rules.load(request.rule_set) if request.rule_set else self.rule_set
        except rules.RuleSetError as exc:
            raise InvalidArgument(str(exc), {"rule_set": "unknown"}) from None
        rule = rule_set.rules.get(request.rule)
        if rule is None:
            raise InvalidArgument(f"The rule set {rule_set.name} has no rule {request.rule!r}; it has "
                                  f"{', '.join(sorted(rule_set.rules))}.", {"rule": "unknown"})
        start = parse_date(request.start_date, "start_date", "start date")
        return pb.ComputeDueDateResponse(due_date=iso(rule.due(start, rule_set.calendar)),
                                         calendar=rule_set.calendar.name)

    async def GetFeedStatus(self, request, context):
        caller()
        status = pb.FeedStatus(last_sequence=await self.db.read(engine.cursor),
                               connected=bool(self.feed and self.feed.connected))
        if self.feed and self.feed.last_event_time:
            status.last_event_time.FromDatetime(self.feed.last_event_time)
        return status
