"""Timescale rule sets are data (rulesets/*.toml), not code: a council can read and change them.

A rule is a clock. `start` events open it, `meet` events end it (met on or before the due date,
missed after), `stop` events end it without a verdict (the work was cancelled or the case
closed), and `repeat` events, for reviews and visits that recur, end the current round and open
the next from the day it happened. Each event matcher names the records event type, the payload
fields it must have (`where`), where its date is (`date`, with `|` for fallbacks), and which
clock it is about (`subject`: a payload field naming the clock's subject, "person" for the
child, or "event" for the event's own subject). A rule set is versioned, and every clock records
the rule set version and calendar it was counted with.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from services.alerts.calendar import NATIONS, WorkingCalendar
from services.common.dates import add_months

UNITS = ("working_days", "calendar_days", "weeks", "months")
# Applied in this order for one event: a final review both repeats (this round met, the next
# opened) and stops (the plan ended), and the stop must then close the round just opened.
MATCHER_KINDS = ("start", "meet", "repeat", "stop")
ANY = "*"  # in `where`: the field is present and not empty


class RuleSetError(ValueError):
    pass


@dataclass(frozen=True)
class Interval:
    unit: str
    amount: int

    def after(self, start: date, calendar: WorkingCalendar) -> date:
        if self.unit == "working_days":
            return calendar.add_working_days(start, self.amount)
        if self.unit == "calendar_days":
            return start + timedelta(days=self.amount)
        if self.unit == "weeks":
            return start + timedelta(weeks=self.amount)
        return add_months(start, self.amount)

    def describe(self) -> str:
        words = {"working_days": "working day", "calendar_days": "day", "weeks": "week", "months": "month"}
        return f"{self.amount} {words[self.unit]}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True)
class Matcher:
    event: str
    date: str = ""
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()
    subject: str = ""

    def matches(self, event_type: str, payload: dict) -> bool:
        if event_type != self.event:
            return False
        return all(bool(lookup(payload, key)) if allowed == (ANY,) else str(lookup(payload, key) or "") in allowed
                   for key, allowed in self.where)

    def date_in(self, payload: dict, fallback: date) -> date:
        for path in filter(None, self.date.split("|")):
            value = lookup(payload, path.strip())
            if value:
                return date.fromisoformat(str(value))
        return fallback


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    first: Interval
    subject: str
    start: tuple[Matcher, ...]
    meet: tuple[Matcher, ...] = ()
    stop: tuple[Matcher, ...] = ()
    repeat: tuple[Matcher, ...] = ()
    # Intervals for the second, third... rounds; the last one goes on repeating.
    then: tuple[Interval, ...] = ()
    # From this many days after the first round started, rounds use `later` instead (for example
    # visits to a child in a long-term placement after its first year).
    later_after_days: int = 0
    later: Interval | None = None
    # Who the clock is for: "worker" (the child's allocated worker, else their team) or
    # "leaders" (the leaders of the team named in the starting event, e.g. to review an
    # emergency access; the child is not named on it).
    to: str = "worker"

    def interval(self, round_number: int, first_start: date, this_start: date) -> Interval:
        if round_number == 1 or not self.then:
            return self.first
        if self.later and (this_start - first_start).days >= self.later_after_days:
            return self.later
        return self.then[min(round_number - 2, len(self.then) - 1)]

    def due(self, start: date, calendar: WorkingCalendar, round_number: int = 1,
            first_start: date | None = None) -> date:
        return self.interval(round_number, first_start or start, start).after(start, calendar)

    def describe(self) -> str:
        text = f"within {self.first.describe()}"
        if self.then:
            text += ", then every " + ", then every ".join(i.describe() for i in self.then)
        if self.later:
            text += f"; after {self.later_after_days} days, every {self.later.describe()}"
        return text


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: int
    title: str
    calendar: WorkingCalendar
    rules: dict[str, Rule]
    due_soon_working_days: int = 2
    stale_after_working_days: int = 10
    matchers: dict[str, list[tuple[str, Rule, Matcher]]] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def for_event(self, event_type: str) -> list[tuple[str, Rule, Matcher]]:
        """(kind, rule, matcher) for every matcher listening to this event type, in rule order."""
        return self.matchers.get(event_type, [])


def lookup(payload: dict, path: str):
    """payload["a"]["b.c"] for "a.b.c": keys may themselves hold dots (statutory items do)."""
    if path in payload:
        return payload[path]
    head, _, rest = path.partition(".")
    inner = payload.get(head)
    return lookup(inner, rest) if rest and isinstance(inner, dict) else None


def _interval(body, where: str) -> Interval:
    if not isinstance(body, dict) or body.get("unit") not in UNITS or not isinstance(body.get("amount"), int) \
            or body["amount"] < 0:
        raise RuleSetError(f"{where}: needs unit (one of {', '.join(UNITS)}) and a whole amount >= 0")
    return Interval(body["unit"], body["amount"])


def _matcher(body: dict, where: str) -> Matcher:
    unknown = set(body) - {"event", "date", "where", "subject"}
    if unknown or not body.get("event"):
        raise RuleSetError(f"{where}: needs event; unknown keys {sorted(unknown)}" if unknown else f"{where}: needs event")
    conditions = []
    for key, allowed in (body.get("where") or {}).items():
        values = allowed if isinstance(allowed, list) else [allowed]
        conditions.append((key, tuple(str(v) for v in values)))
    return Matcher(event=body["event"], date=body.get("date", ""), where=tuple(conditions),
                   subject=body.get("subject", ""))


def _rule(key: str, body: dict) -> Rule:
    where = f"rule {key}"
    known = {"title", "unit", "amount", "subject", "then", "later", "later_after_days", "to", *MATCHER_KINDS}
    if unknown := set(body) - known:
        raise RuleSetError(f"{where}: unknown keys {sorted(unknown)}")
    if not body.get("title") or not body.get("start"):
        raise RuleSetError(f"{where}: needs a title and at least one start event")
    matchers = {kind: tuple(_matcher(m, f"{where} {kind}") for m in body.get(kind, [])) for kind in MATCHER_KINDS}
    if body.get("then") and not matchers["repeat"]:
        raise RuleSetError(f"{where}: 'then' intervals need a repeat event to start each new round")
    later = _interval(body["later"], f"{where} later") if "later" in body else None
    if body.get("to", "worker") not in ("worker", "leaders"):
        raise RuleSetError(f"{where}: 'to' is \"worker\" or \"leaders\"")
    return Rule(key=key, title=body["title"], first=_interval(body, where), subject=body.get("subject", "event"),
                then=tuple(_interval(i, f"{where} then") for i in body.get("then", [])),
                later=later, later_after_days=int(body.get("later_after_days", 0)), to=body.get("to", "worker"),
                **matchers)


def parse(text: str, closure_days: frozenset[date] = frozenset(), snapshot_file: str = "") -> RuleSet:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"not valid TOML: {exc}") from None
    nation = doc.get("nation", "")
    if nation not in NATIONS:
        raise RuleSetError(f"nation must be one of {', '.join(NATIONS)}; got {nation!r}")
    if not isinstance(doc.get("version"), int) or doc["version"] < 1:
        raise RuleSetError("version must be a whole number from 1: raise it whenever a rule changes")
    rules = {key: _rule(key, body) for key, body in doc.get("rules", {}).items()}
    rule_set = RuleSet(doc["name"], doc["version"], doc.get("title", doc["name"]),
                       WorkingCalendar(nation, closure_days, snapshot_file), rules,
                       due_soon_working_days=int(doc.get("due_soon_working_days", 2)),
                       stale_after_working_days=int(doc.get("stale_after_working_days", 10)))
    for rule in rules.values():
        for kind in MATCHER_KINDS:
            for matcher in getattr(rule, kind):
                rule_set.matchers.setdefault(matcher.event, []).append((kind, rule, matcher))
    return rule_set


def shipped() -> list[str]:
    folder = resources.files("services.alerts") / "rulesets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load(name: str, closure_days: frozenset[date] = frozenset(), folder: Path | None = None,
         snapshot_file: str = "") -> RuleSet:
    """A shipped rule set by name, or a council's own file from `folder` (which wins)."""
    candidates = [folder / f"{name}.toml"] if folder else []
    candidates.append(Path(str(resources.files("services.alerts") / "rulesets" / f"{name}.toml")))
    for path in candidates:
        if path.is_file():
            try:
                return parse(path.read_text(encoding="utf-8"), closure_days, snapshot_file)
            except RuleSetError as exc:
                raise RuleSetError(f"{path}: {exc}") from None
    raise RuleSetError(f"There is no rule set called {name!r}; known: {', '.join(shipped())}")
