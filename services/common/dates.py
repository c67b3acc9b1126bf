"""Dates as a social worker means them: calendar days in Europe/London."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from services.common.errors import InvalidArgument

LONDON = ZoneInfo("Europe/London")


def as_utc(value: datetime | None) -> datetime | None:
    """An instant read back from storage, made timezone-aware: SQLite hands back naive UTC."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


def today_london(now: datetime | None = None) -> date:
    return (now or datetime.now(timezone.utc)).astimezone(LONDON).date()


def parse_date(value: str, field: str, label: str | None = None) -> date:
    label = label or field.replace("_", " ")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidArgument(
            f"The {label} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27.",
            {field: "expected YYYY-MM-DD"},
        ) from None


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def human(value: date | None) -> str:
    """'Mon 30 Nov 2026': the form workers read fastest, and screen readers speak cleanly."""
    return f"{value:%a} {value.day} {value:%b %Y}" if value else "not known"


def checked_date(value: str, field: str, label: str, violations: dict[str, str], required: str = "") -> date | None:
    """A date from a form: None when empty (a violation saying `required`, if it is) or unreadable
    (a violation saying how to write it), so every fault in a form is reported at once."""
    if not value.strip():
        if required:
            violations[field] = required
        return None
    try:
        return parse_date(value, field, label)
    except InvalidArgument as exc:
        violations.update(exc.violations)
        return None


def past_date_or_today(value: str, field: str, label: str, violations: dict[str, str],
                       earliest: date | None = None) -> date:
    """An optional date of something that has happened: today when empty; a problem with it is
    added to `violations` so every fault in a form is reported at once."""
    today = today_london()
    if not value.strip():
        return today
    try:
        when = parse_date(value, field, label)
    except InvalidArgument as exc:
        violations.update(exc.violations)
        return today
    if when > today:
        violations[field] = "cannot be in the future"
    elif earliest and when < earliest:
        violations[field] = f"cannot be before {earliest:%Y}"
    return when


def add_months(start: date, months: int) -> date:
    """Same day N months later, or that month's last day where it has no such day (SPEC §4)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
