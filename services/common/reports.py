"""What every management report is made of, whichever service computes it (SPEC §6).

A report is a few tables of plain values with typed columns. Records and alerts each compute the
reports on their own data (services/records/reports/, services/alerts/reports.py) as these
dataclasses and answer them in the one contract in protos/ics/common/v1/reports.proto, so the
front ends and `ics admin report` show and write every report with one piece of code.

Who sees what is decided here once:
- reports.read (counts) at scope "team" reaches the caller's own teams, at scope "any" every team;
- reports.cases adds the tables that name children or pieces of work; without it those tables
  are left out and the report says so. A caller who holds reports.cases at scope "team" sees
  case details of their own teams only, because the team filter applies to every table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable, Union

from ics.common.v1 import reports_pb2 as rpb
from services.common.auth import Principal
from services.common.dates import human, iso, parse_date
from services.common.errors import InvalidArgument, PermissionDenied

READ, CASES = "reports.read", "reports.cases"

TEXT, COUNT, SHARE, HOURS, DATE, TEAM, NUMBER, USER = "text", "count", "share", "hours", "date", "team", "number", "user"
_KINDS = {TEXT: rpb.COLUMN_KIND_TEXT, COUNT: rpb.COLUMN_KIND_COUNT, SHARE: rpb.COLUMN_KIND_SHARE,
          HOURS: rpb.COLUMN_KIND_HOURS, DATE: rpb.COLUMN_KIND_DATE, TEAM: rpb.COLUMN_KIND_TEAM,
          NUMBER: rpb.COLUMN_KIND_NUMBER, USER: rpb.COLUMN_KIND_USER}

Value = Union[str, int, float, date, None]


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: str = TEXT
    help: str = ""


@dataclass
class Row:
    values: list[Value]
    flag: str = ""  # why this row needs a reader's attention, in words; "" when it does not


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    case_details: bool = False  # rows name children or pieces of work on a child's record
    # The children a case-details table names, so the service audits that the caller saw them
    # listed (the family's access report shows it).
    people: set[int] = field(default_factory=set)

    def add(self, *values: Value, flag: str = "") -> Row:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.key}: {len(values)} values for {len(self.columns)} columns")
        row = Row(list(values), flag)
        self.rows.append(row)
        return row


@dataclass
class Report:
    name: str
    title: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Ask:
    """One request for a report, already checked: the period, which teams it may cover and
    whether tables naming children may be shown."""

    principal: Principal
    since: date
    until: date
    team_ids: tuple[int, ...] | None  # None: every team
    case_details: bool
    today: date

    def covers_team(self, team_id: int | None) -> bool:
        return self.team_ids is None or team_id in self.team_ids

    @property
    def team_names(self) -> tuple[str, ...] | None:
        return None if self.team_ids is None else tuple(f"teams/{t}" for t in self.team_ids)

    def in_period(self, day: date | None) -> bool:
        return day is not None and self.since <= day <= self.until


@dataclass(frozen=True)
class Spec:
    name: str
    title: str
    description: str
    build: Callable  # (session, Ask) -> Report


def financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def ask_for(principal: Principal, request: rpb.GetReportRequest, today: date) -> Ask:
    """Checks who is asking and for what; refuses plainly, before anything is read."""
    scope = principal.scope(READ)
    if scope not in ("any", "team"):
        raise PermissionDenied("Management reports are for team leaders, managers and performance officers; "
                               "your role does not include them.")
    until = parse_date(request.to_date, "to_date", "to date") if request.to_date else today
    since = parse_date(request.from_date, "from_date", "from date") if request.from_date \
        else financial_year_start(until)
    if since > until:
        raise InvalidArgument(f"The period starts ({iso(since)}) after it ends ({iso(until)}); give the earlier "
                              "date first.", {"from_date": "after to_date"})
    own = principal.team_ids
    if request.team:
        number = request.team.removeprefix("teams/")
        if not number.isdigit():
            raise InvalidArgument(f"A team is written like teams/3, not {request.team!r}.", {"team": "not a team"})
        if scope == "team" and int(number) not in own:
            raise PermissionDenied("You can see reports on your own teams only.")
        teams: tuple[int, ...] | None = (int(number),)
    else:
        teams = None if scope == "any" else own
    cases_scope = principal.scope(CASES)
    case_details = cases_scope == "any" or (cases_scope == "team" and teams is not None
                                            and set(teams) <= set(own))
    return Ask(principal, since, until, teams, case_details, today)


def people_shown(report: Report, ask: Ask) -> list[int]:
    """The children the caller will see named, to be audited; none when case details are withheld."""
    if not ask.case_details:
        return []
    return sorted({p for t in report.tables if t.case_details for p in t.people})


def to_proto(report: Report, ask: Ask, service: str) -> rpb.Report:
    withheld = [t for t in report.tables if t.case_details and not ask.case_details]
    notes = list(report.notes)
    if withheld:
        notes.append("Left out because your role sees counts, not case details: "
                     + "; ".join(t.title for t in withheld) + ". A manager can grant case details.")
    message = rpb.Report(
        name=report.name, title=report.title, service=service,
        period=f"{human(ask.since)} to {human(ask.until)}",
        scope="Every team" if ask.team_ids is None else
        ("Team " if len(ask.team_ids) == 1 else "Teams ") + ", ".join(f"teams/{t}" for t in ask.team_ids),
        tables=[_table(t) for t in report.tables if t not in withheld], notes=notes)
    message.produced_at.FromDatetime(datetime.now(timezone.utc))
    return message


def _table(table: Table) -> rpb.ReportTable:
    return rpb.ReportTable(
        key=table.key, title=table.title, notes=table.notes, case_details=table.case_details,
        columns=[rpb.ReportColumn(key=c.key, heading=c.heading, kind=_KINDS[c.kind], help=c.help)
                 for c in table.columns],
        rows=[rpb.ReportRow(cells=[_cell(v, c) for v, c in zip(row.values, table.columns)], flag=row.flag)
              for row in table.rows])


def _cell(value: Value, column: Column) -> rpb.ReportCell:
    if value is None:
        return rpb.ReportCell()
    if isinstance(value, date):
        return rpb.ReportCell(text=iso(value))
    if isinstance(value, bool):
        return rpb.ReportCell(count=int(value))
    if isinstance(value, int) and column.kind in (COUNT, NUMBER):
        return rpb.ReportCell(count=value)
    if isinstance(value, (int, float)):
        return rpb.ReportCell(number=float(value))
    return rpb.ReportCell(text=str(value))


def share(part: int, whole: int) -> float | None:
    """part / whole, or None (shown as a blank, never 0%) when there is nothing to divide."""
    return part / whole if whole else None


def describe(principal: Principal, specs) -> rpb.ListReportsResponse:
    """The reports this caller may ask for: none for a role without reports.read, so a front end
    offers reports only to those who may read them."""
    if principal.scope(READ) not in ("any", "team"):
        return rpb.ListReportsResponse()
    return rpb.ListReportsResponse(reports=[rpb.ReportDescription(name=s.name, title=s.title,
                                                                  description=s.description) for s in specs])


def find(specs: dict[str, Spec], name: str) -> Spec:
    spec = specs.get(name)
    if spec is None:
        raise InvalidArgument(f"There is no report called {name!r} here; there are "
                              f"{', '.join(sorted(specs))}.", {"name": "unknown report"})
    return spec
