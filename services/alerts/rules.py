"""Timescale rule sets are data (rulesets/*.toml), not code: a council can read and change them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources

from services.alerts.calendar import NATIONS, WorkingCalendar
from services.common.dates import add_months

UNITS = ("working_days", "calendar_days", "weeks", "months")


class RuleSetError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    starts_on: str
    start_date_field: str
    ends_on: str
    end_date_field: str
    unit: str
    amount: int

    def due(self, start: date, calendar: WorkingCalendar) -> date:
        if self.unit == "working_days":
            return calendar.add_working_days(start, self.amount)
        if self.unit == "calendar_days":
            return start + timedelta(days=self.amount)
        if self.unit == "weeks":
            return start + timedelta(weeks=self.amount)
        return add_months(start, self.amount)


@dataclass(frozen=True)
class RuleSet:
    name: str
    title: str
    calendar: WorkingCalendar
    rules: dict[str, Rule]

    def starting(self, event_type: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.starts_on == event_type]

    def ending(self, event_type: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.ends_on == event_type]


def parse(text: str, closure_days: frozenset[date] = frozenset()) -> RuleSet:
    doc = tomllib.loads(text)
    nation = doc.get("nation", "")
    if nation not in NATIONS:
        raise RuleSetError(f"nation must be one of {', '.join(NATIONS)}; got {nation!r}")
    rules = {}
    for key, body in doc.get("rules", {}).items():
        try:
            rule = Rule(key=key, **body)
        except TypeError as exc:
            raise RuleSetError(f"rule {key}: {exc}") from None
        if rule.unit not in UNITS or rule.amount < 0:
            raise RuleSetError(f"rule {key}: unit must be one of {', '.join(UNITS)} with amount >= 0")
        rules[key] = rule
    return RuleSet(doc["name"], doc.get("title", doc["name"]), WorkingCalendar(nation, closure_days), rules)


def load(name: str, closure_days: frozenset[date] = frozenset()) -> RuleSet:
    path = resources.files("services.alerts") / "rulesets" / f"{name}.toml"
    if not path.is_file():
        known = sorted(p.name[:-5] for p in (resources.files("services.alerts") / "rulesets").iterdir()
                       if p.name.endswith(".toml"))
        raise RuleSetError(f"There is no rule set called {name!r}; known: {', '.join(known)}")
    return parse(path.read_text(), closure_days)
