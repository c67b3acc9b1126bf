"""The alerts service's management reports (SPEC §6): timeliness against every clock of every
rule set, and work with no end. Both are computed from clocks alone; alerts never reads records.

Open work is never dropped. Timeliness takes the clocks that started in the period and counts
each as met, missed, open and already late (counted as not met), open and still in time
(censored: its verdict is not known yet, so it is shown apart and bounds the share from above),
or stopped without a verdict (the work was cancelled or the case closed).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ics.alerts.v1 import alerts_pb2 as pb
from services.alerts import rules
from services.alerts.models import Clock, ClockChange, PersonSeen
from services.common.reports import (COUNT, DATE, SHARE, TEAM, TEXT, USER, Ask, Column, Report, Spec, Table,
                                     share)

OPEN, MET, MISSED, STOPPED = pb.CLOCK_STATE_OPEN, pb.CLOCK_STATE_MET, pb.CLOCK_STATE_MISSED, pb.CLOCK_STATE_STOPPED
UNALLOCATED = "(no worker yet)"
WHOLE_TEAM = "(whole team)"
# How long work has been left past its clock, in working days; the last band is "over a year".
OVERDUE_BANDS = ((0, 20, "up to 20"), (21, 60, "21 to 60"), (61, 250, "61 to 250"), (251, None, "over 250"))

_COUNTS = [
    Column("met", "Met", COUNT, "ended on or before the due date"),
    Column("missed", "Missed", COUNT, "ended after the due date"),
    Column("open_late", "Open, late", COUNT, "still open and already past the due date: counted as not met"),
    Column("open_in_time", "Open, in time", COUNT,
           "still open and not yet due: no verdict yet (censored), shown apart"),
    Column("stopped", "Stopped", COUNT, "ended without a verdict: the work was cancelled or the case closed"),
    Column("extended", "Extended", COUNT, "clocks whose due date a team leader extended, with a reason"),
    Column("share_met", "Within timescale", SHARE, "met / (met + missed + open and late)"),
    Column("share_at_best", "At best", SHARE,
           "the share if every clock still in time is met: (met + open in time) / (all with or awaiting a verdict)"),
]


class Tally:
    __slots__ = ("met", "missed", "open_late", "open_in_time", "stopped", "extended")

    def __init__(self) -> None:
        self.met = self.missed = self.open_late = self.open_in_time = self.stopped = self.extended = 0

    def add(self, clock: Clock, today: date, extended: bool) -> None:
        if clock.state == MET:
            self.met += 1
        elif clock.state == MISSED:
            self.missed += 1
        elif clock.state == STOPPED:
            self.stopped += 1
        elif today > clock.due_date:
            self.open_late += 1
        else:
            self.open_in_time += 1
        self.extended += extended

    def values(self) -> list:
        judged = self.met + self.missed + self.open_late
        return [self.met, self.missed, self.open_late, self.open_in_time, self.stopped, self.extended,
                share(self.met, judged), share(self.met + self.open_in_time, judged + self.open_in_time)]


# Only what the reports read: plain rows, not ORM objects, so a year of a large authority's
# clocks (100,000 and more) loads in a fraction of the time.
_READ = (Clock.id, Clock.rule_set, Clock.rule_set_version, Clock.rule, Clock.title, Clock.person,
         Clock.person_display_name, Clock.team, Clock.assignee, Clock.start_date, Clock.due_date, Clock.state,
         Clock.paused_since, Clock.last_activity_date)


def _clocks(session: Session, ask: Ask, *where):
    query = select(*_READ).where(*where)
    if ask.team_names is not None:
        query = query.where(Clock.team.in_(ask.team_names))
    return list(session.execute(query))


def _closed_records(session: Session) -> dict[str, str]:
    """Children whose records are restricted or sealed, by "people/N": counted, never named."""
    return dict(session.execute(select(PersonSeen.person, PersonSeen.access_level)
                                .where(PersonSeen.access_level != "open")).all())


def _child(table: Table, clock, closed: dict[str, str]) -> tuple[str, str]:
    """(what the list shows for the child, the record's name): a restricted or sealed record is
    shown as such, without a name or number, and is not audited as seen."""
    level = closed.get(clock.person)
    if level:
        return f"(a {level} record)", ""
    if clock.person.startswith("people/"):
        table.people.add(int(clock.person.removeprefix("people/")))
    return clock.person_display_name, clock.person


def _rule_set_label(clock: Clock) -> str:
    return f"{clock.rule_set} v{clock.rule_set_version}"


def timeliness(session: Session, ask: Ask, rule_set: rules.RuleSet) -> Report:
    clocks = _clocks(session, ask, Clock.start_date >= ask.since, Clock.start_date <= ask.until)
    changes = _extensions(session, [c.id for c in clocks])
    extended = {change.clock_id for change in changes}
    today = ask.today
    by_rule: dict[tuple[str, str], Tally] = defaultdict(Tally)
    by_worker: dict[tuple[str, str, str, str], Tally] = defaultdict(Tally)
    titles: dict[str, str] = {}
    for clock in clocks:
        key = (_rule_set_label(clock), clock.rule)
        titles[clock.rule] = clock.title
        was_extended = clock.id in extended
        by_rule[key].add(clock, today, was_extended)
        for worker in (WHOLE_TEAM, clock.assignee or UNALLOCATED):
            by_worker[(key[0], clock.rule, clock.team, worker)].add(clock, today, was_extended)

    rules_table = Table("by_rule", "Timeliness by clock", [
        Column("rule_set", "Rule set", TEXT, "the rule set and version the clocks were counted with"),
        Column("rule", "Clock", TEXT), *_COUNTS],
        notes=["Clocks that started in the period. A clock counted under an earlier rule set keeps it.",
               "Open work is never dropped: open and late counts as not met; open and in time has no "
               "verdict yet, so 'At best' shows the share if all of it is met on time."])
    for (label, rule), tally in sorted(by_rule.items(), key=lambda item: (item[0][0], titles[item[0][1]])):
        rules_table.add(label, titles[rule], *tally.values(), flag=_flag(tally))

    team_table = Table("by_team_and_worker", "Timeliness by team and worker", [
        Column("rule_set", "Rule set", TEXT), Column("rule", "Clock", TEXT), Column("team", "Team", TEAM),
        Column("worker", "Worker", USER, f"{WHOLE_TEAM} on the team's total; otherwise the worker the clock "
                                         "was last assigned to"), *_COUNTS],
        notes=["Each team's total first, then its workers. Work held by the team with no worker allocated is "
               f"shown as {UNALLOCATED!r}."])
    for (label, rule, team, worker), tally in sorted(
            by_worker.items(), key=lambda item: (item[0][0], titles[item[0][1]], item[0][2], item[0][3] != WHOLE_TEAM,
                                                 item[0][3])):
        team_table.add(label, titles[rule], team, worker, *tally.values(),
                       flag=_flag(tally) if worker == WHOLE_TEAM else "")

    extension_table = _extension_table(clocks, changes, _closed_records(session))
    reasons = Table("extension_reasons", "Extensions by clock and team", [
        Column("rule", "Clock", TEXT), Column("team", "Team", TEAM),
        Column("extensions", "Extensions", COUNT), Column("working_days", "Working days added", COUNT)],
        notes=["The reasons themselves are listed, clock by clock, for those who see case details."])
    by_id = {c.id: c for c in clocks}
    added: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    calendar = _WorkingDays(rule_set, [d for ch in changes for d in (ch.old_due_date, ch.new_due_date)])
    for change in changes:
        clock = by_id[change.clock_id]
        tally = added[(clock.title, clock.team)]
        tally[0] += 1
        tally[1] += calendar.between(change.old_due_date, change.new_due_date)
    for (title, team), (count, days) in sorted(added.items()):
        reasons.add(title, team, count, days)
    return Report("timeliness", "Timeliness against statutory timescales",
                  [rules_table, team_table, reasons, extension_table])


def _flag(tally: Tally) -> str:
    judged = tally.met + tally.missed + tally.open_late
    return "more than a quarter not met" if judged >= 4 and tally.met / judged < 0.75 else ""


def _extensions(session: Session, clock_ids: list[int]) -> list[ClockChange]:
    if not clock_ids:
        return []
    found: list[ClockChange] = []
    for start in range(0, len(clock_ids), 5000):  # bounded IN lists on both engines
        found += session.scalars(select(ClockChange).where(
            ClockChange.kind == "extend", ClockChange.clock_id.in_(clock_ids[start:start + 5000])))
    return sorted(found, key=lambda change: (change.at, change.id))


def _extension_table(clocks: list[Clock], changes: list[ClockChange], closed: dict[str, str]) -> Table:
    by_id = {c.id: c for c in clocks}
    table = Table("extensions", "Every extension and its reason", [
        Column("clock", "Clock", TEXT), Column("child", "Child", TEXT), Column("rule", "Work", TEXT),
        Column("team", "Team", TEAM), Column("old_due", "Was due", DATE), Column("new_due", "Now due", DATE),
        Column("by", "Extended by", TEXT), Column("reason", "Reason", TEXT)], case_details=True)
    for change in changes:
        clock = by_id[change.clock_id]
        child, _ = _child(table, clock, closed)
        table.add(f"clocks/{clock.id}", child, clock.title, clock.team, change.old_due_date,
                  change.new_due_date, change.by_name, change.reason)
    return table


class _WorkingDays:
    """Working days between any two dates of a report, counted from one walk over the calendar:
    a report on years of clocks would otherwise walk the days between each pair again."""

    def __init__(self, rule_set: rules.RuleSet, days: list[date]) -> None:
        self.start = min(days) if days else date.today()
        end = max(days) if days else self.start
        calendar = rule_set.calendar
        self.working = [self.start + timedelta(days=n) for n in range((end - self.start).days + 1)
                        if calendar.is_working_day(self.start + timedelta(days=n))]

    def between(self, start: date, end: date) -> int:
        """Working days after start up to and including end."""
        return bisect_right(self.working, end) - bisect_right(self.working, start)


def work_with_no_end(session: Session, ask: Ask, rule_set: rules.RuleSet) -> Report:
    today = ask.today
    clocks = _clocks(session, ask, Clock.state == OPEN, Clock.due_date < today)
    days = _WorkingDays(rule_set, [today] + [d for c in clocks for d in (c.due_date, c.last_activity_date
                                                                         or c.start_date)])
    summary = Table("by_clock_and_team", "Open past its clock, by clock and team", [
        Column("rule", "Work", TEXT), Column("team", "Team", TEAM),
        *[Column(f"late_{words.replace(' ', '_')}", f"{words} working days late", COUNT) for low, _, words in OVERDUE_BANDS],
        Column("total", "Total", COUNT), Column("stale", "Nothing recorded lately", COUNT,
                                                f"nothing recorded on the child for "
                                                f"{rule_set.stale_after_working_days} working days or more"),
        Column("oldest_due", "Oldest due date", DATE)],
        notes=[f"Work still open on {today.isoformat()} past its due date: neither completed nor cancelled. "
               "The period does not apply: this is the state of the work today.",
               "Paused clocks are counted (a pause is not an ending) and marked in the list below."])
    listing = Table("work", "Every piece of open work past its clock", [
        Column("clock", "Clock", TEXT), Column("child", "Child", TEXT), Column("person", "Record", TEXT),
        Column("rule", "Work", TEXT), Column("team", "Team", TEAM), Column("worker", "Worker", USER),
        Column("started", "Started", DATE), Column("due", "Due", DATE),
        Column("late", "Working days late", COUNT), Column("last_recorded", "Last recorded on the child", DATE)],
        case_details=True)
    groups: dict[tuple[str, str], list] = {}
    stale_after = rule_set.stale_after_working_days
    closed = _closed_records(session)
    for clock in sorted(clocks, key=lambda c: (c.due_date, c.id)):
        late = days.between(clock.due_date, today)
        quiet = days.between(clock.last_activity_date or clock.start_date, today)
        group = groups.setdefault((clock.title, clock.team), [[0] * len(OVERDUE_BANDS), 0, 0, clock.due_date])
        group[0][_band(late)] += 1
        group[1] += 1
        group[2] += quiet >= stale_after
        child, record = _child(listing, clock, closed)
        listing.add(f"clocks/{clock.id}", child, record, clock.title, clock.team,
                    clock.assignee or UNALLOCATED, clock.start_date, clock.due_date, late,
                    clock.last_activity_date, flag="paused" if clock.paused_since else "")
    for (title, team), (bands, total, stale, oldest) in sorted(groups.items()):
        summary.add(title, team, *bands, total, stale, oldest)
    return Report("work_with_no_end", "Work with no end: open past its clock", [summary, listing])


def _band(late: int) -> int:
    """Past its due date by `late` working days (0 when due on a Friday and today is the weekend)."""
    for index, (low, high, _) in enumerate(OVERDUE_BANDS):
        if late >= low and (high is None or late <= high):
            return index
    return 0


SPECS = {spec.name: spec for spec in (
    Spec("timeliness", "Timeliness against statutory timescales",
         "Share of each clock met within its timescale, by rule set, team and worker; open work counted, not "
         "dropped; extensions and their reasons.", timeliness),
    Spec("work_with_no_end", "Work with no end",
         "Every piece of work open past its clock, neither completed nor cancelled, by how late it is.",
         work_with_no_end),
)}
