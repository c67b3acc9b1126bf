"""Working days, counted the one way every part of ICS agrees on (SPEC §4).

Days are dates in Europe/London. "Within N working days of X" is due on the Nth working day
after the day of X; the day of X never counts. Working days are Monday to Friday less the
nation's bank holidays and the council's own closure days.

Bank holidays come from two places, both offline: a snapshot of gov.uk's bank-holidays.json
(shipped in calendars/, or the council's newer copy named in configuration), which is
authoritative for every year it lists; and the `holidays` package's rules for the years it does
not (they include substitute days, but a newly proclaimed holiday needs a package upgrade). A
clock records the calendar's name, which says which snapshot and which closures counted it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

import holidays

NATIONS = {"england": "ENG", "wales": "WLS"}
# gov.uk lists England and Wales together; each nation keeps its own calendar so they can differ.
GOV_UK_DIVISION = {"england": "england-and-wales", "wales": "england-and-wales"}
SHIPPED_SNAPSHOT = "bank-holidays.json"


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class Snapshot:
    """The bank holidays gov.uk lists for one division, and the years the list covers."""

    label: str
    days: frozenset[date]
    years: frozenset[int]

    @classmethod
    def read(cls, text: str, division: str, label: str) -> "Snapshot":
        try:
            events = json.loads(text)[division]["events"]
            days = frozenset(date.fromisoformat(e["date"]) for e in events)
        except (ValueError, KeyError, TypeError) as exc:
            raise CalendarError(f"{label}: not a gov.uk bank-holidays.json with {division!r} events ({exc})") from None
        return cls(label, days, frozenset(d.year for d in days))


@lru_cache(maxsize=8)
def _rules(subdivision: str) -> holidays.HolidayBase:
    # Filled lazily year by year as dates are asked about.
    return holidays.country_holidays("GB", subdiv=subdivision)


@lru_cache(maxsize=8)
def load_snapshot(nation: str, path: str = "") -> Snapshot:
    if path:
        source = Path(path)
        try:
            text = source.read_text(encoding="utf-8")
        except OSError as exc:
            raise CalendarError(f"cannot read the bank holidays file {source}: {exc}") from None
        label = f"gov.uk file {source.name}"
    else:
        text = (resources.files("services.alerts") / "calendars" / SHIPPED_SNAPSHOT).read_text(encoding="utf-8")
        label = "gov.uk snapshot shipped with ICS"
    snapshot = Snapshot.read(text, GOV_UK_DIVISION[nation], label)
    years = sorted(snapshot.years)
    return Snapshot(f"{label} {years[0]}-{years[-1]}" if years else label, snapshot.days, snapshot.years)


@dataclass(frozen=True)
class WorkingCalendar:
    nation: str = "england"
    closure_days: frozenset[date] = field(default_factory=frozenset)
    snapshot_file: str = ""

    @property
    def snapshot(self) -> Snapshot:
        return load_snapshot(self.nation, self.snapshot_file)

    @property
    def name(self) -> str:
        closures = f" + {len(self.closure_days)} council closure days" if self.closure_days else ""
        return f"{self.nation}: {self.snapshot.label}, holidays {holidays.__version__} rules beyond{closures}"

    def is_bank_holiday(self, day: date) -> bool:
        snapshot = self.snapshot
        if day.year in snapshot.years:
            return day in snapshot.days
        return day in _rules(NATIONS[self.nation])

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.closure_days:
            return False
        return not self.is_bank_holiday(day)

    def add_working_days(self, start: date, n: int) -> date:
        if n < 0:
            raise ValueError("n must be 0 or more")
        day = start
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    # Cached: every listed clock asks (its due date, or its last activity, against today), and
    # counting walks each day between; the answer never changes for one calendar.
    @lru_cache(maxsize=16384)
    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when end is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for offset in range(1, (end - start).days + 1)
                   if self.is_working_day(start + timedelta(days=offset)))
