"""Working days, counted the one way every part of ICS agrees on (SPEC §4).

Days are dates in Europe/London. "Within N working days of X" is due on the Nth working day
after the day of X; the day of X never counts. Working days are Monday to Friday less the
nation's bank holidays (from `holidays`, which includes substitute days and one-off holidays)
and the council's own closure days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays


NATIONS = {"england": "ENG", "wales": "WLS"}


@lru_cache(maxsize=8)
def _bank_holidays(subdivision: str) -> holidays.HolidayBase:
    # Filled lazily year by year as dates are asked about.
    return holidays.country_holidays("GB", subdiv=subdivision)


@dataclass(frozen=True)
class WorkingCalendar:
    nation: str = "england"
    closure_days: frozenset[date] = field(default_factory=frozenset)

    @property
    def name(self) -> str:
        label = "england-and-wales" if self.nation in NATIONS else self.nation
        return f"{label}/{self.nation}" + (f"+{len(self.closure_days)}-closures" if self.closure_days else "")

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.closure_days:
            return False
        return day not in _bank_holidays(NATIONS[self.nation])

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

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when end is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for offset in range(1, (end - start).days + 1)
                   if self.is_working_day(start + timedelta(days=offset)))
