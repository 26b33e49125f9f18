"""The as-of instant and calendar arithmetic on it (section 7 of the contract)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.semantic.ir import Duration


def shift_months(t: dt.datetime, months: int) -> dt.datetime:
    """``t`` moved by a whole number of calendar months; the day is clamped to the
    end of a shorter month (2024-03-31 minus 1 month is 2024-02-29)."""
    total = t.year * 12 + (t.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    day = min(t.day, calendar.monthrange(year, month)[1])
    return t.replace(year=year, month=month, day=day)


def minus(t: dt.datetime, d: Duration) -> dt.datetime:
    """``t − d`` with weeks as 7 days and months and years as calendar steps."""
    try:
        return _minus(t, d)
    except (OverflowError, ValueError):
        raise SegdslError(
            Diagnostic(
                "U001",
                f"the as-of instant {t.isoformat(sep=' ')} minus {d.amount} {d.unit}(s) "
                "is before the year 1",
                hint="choose a later --as-of or a shorter window",
            )
        ) from None


def _minus(t: dt.datetime, d: Duration) -> dt.datetime:
    if d.unit == "day":
        return t - dt.timedelta(days=d.amount)
    if d.unit == "week":
        return t - dt.timedelta(days=7 * d.amount)
    if d.unit == "month":
        return shift_months(t, -d.amount)
    if d.unit == "year":
        return shift_months(t, -12 * d.amount)
    raise ValueError(f"unknown unit {d.unit}")  # pragma: no cover


def minus_date(t: dt.date, d: Duration) -> dt.date:
    return minus(dt.datetime.combine(t, dt.time()), d).date()


def now_utc() -> dt.datetime:
    """The current instant in UTC, to the second (so that output is reproducible
    within a second and prints cleanly)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


_AS_OF_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}:\d{2})?"
)


def parse_as_of(text: str) -> dt.datetime:
    """``2026-06-30``, ``2026-06-30T00:00:00`` or ``…Z`` → a naive UTC datetime."""
    s = text.strip()
    if not _AS_OF_RE.fullmatch(s):
        raise SegdslError(
            Diagnostic(
                "U001",
                f"`{text}` is not a date or timestamp",
                hint="write --as-of 2026-06-30 or --as-of 2026-06-30T00:00:00 (UTC)",
            )
        )
    try:
        value = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise SegdslError(
            Diagnostic(
                "U001",
                f"`{text}` is not a valid date or timestamp",
                hint="check the month and day, e.g. --as-of 2026-06-30",
            )
        ) from None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value
