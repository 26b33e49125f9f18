"""The as-of instant and calendar arithmetic on it (section 7 of the contract)."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import zoneinfo

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.semantic.ir import Duration, Period

UTC = "UTC"


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


def parse_as_of(text: str, zone: str = UTC) -> dt.datetime:
    """``2026-06-30``, ``2026-06-30T00:00:00`` or ``…Z`` → a naive UTC datetime. A value
    without an offset is a wall-clock time in ``zone`` (the project's time zone)."""
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
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return local_to_utc(value, zone)


# ---- the project's time zone (language.md §11) ---------------------------------------


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def local_to_utc(local: dt.datetime, zone: str) -> dt.datetime:
    """A wall-clock time in ``zone`` → the naive UTC instant. A time that does not exist
    (skipped by a switch to summer time) or exists twice (the hour repeated in autumn)
    is read with the offset in force before the switch (PEP 495 ``fold=0``): 02:30 on
    the spring day in Berlin is 01:30 UTC, and 02:30 on the autumn day is its first
    occurrence. A period that starts at such a time thus starts at the switch."""
    if zone == UTC:
        return local.replace(tzinfo=None)
    aware = local.replace(tzinfo=_zone(zone), fold=0)
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def utc_to_local(t: dt.datetime, zone: str) -> dt.datetime:
    """A naive UTC instant → the wall-clock time in ``zone`` (naive)."""
    if zone == UTC:
        return t
    return t.replace(tzinfo=dt.UTC).astimezone(_zone(zone)).replace(tzinfo=None)


def local_date(t: dt.datetime, zone: str) -> dt.date:
    """The calendar date of the instant ``t`` (naive UTC) in ``zone``: date(T)."""
    return utc_to_local(t, zone).date()


def period_start_date(day: dt.date, unit: str) -> dt.date:
    """The first day of the day/week/month/quarter/year holding ``day`` (weeks start on
    Monday, quarters in January, April, July and October)."""
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    raise ValueError(f"unknown calendar unit {unit}")  # pragma: no cover


def periods_back(start: dt.date, unit: str, n: int) -> dt.date:
    """The first day of the period ``n`` periods before the one starting on ``start``."""
    try:
        if unit == "day":
            return start - dt.timedelta(days=n)
        if unit == "week":
            return start - dt.timedelta(days=7 * n)
        months = {"month": 1, "quarter": 3, "year": 12}[unit] * n
        return shift_months(dt.datetime.combine(start, dt.time()), -months).date()
    except (OverflowError, ValueError):
        raise SegdslError(
            Diagnostic(
                "U001",
                f"{n} {unit}(s) before {start.isoformat()} is before the year 1",
                hint="choose a later --as-of or fewer periods",
            )
        ) from None


def period_dates(t: dt.datetime, period: Period, zone: str) -> tuple[dt.date, dt.date, bool]:
    """A calendar window on a date column, at the instant ``t``: ``(first, last,
    last_included)`` — `in this UNIT` is ``first ≤ d ≤ date(T)``, `in previous N UNITs`
    is ``first ≤ d < start of this period``."""
    return period_days(local_date(t, zone), period)


def period_days(today: dt.date, period: Period) -> tuple[dt.date, dt.date, bool]:
    """:func:`period_dates` on the day ``today`` (date(T) in the zone)."""
    start = period_start_date(today, period.unit)
    if period.previous == 0:
        return start, today, True
    return periods_back(start, period.unit, period.previous), start, False


def period_instants(
    t: dt.datetime, period: Period, zone: str
) -> tuple[dt.datetime, dt.datetime, bool]:
    """A calendar window on a timestamp column (naive UTC instants): ``(start, end,
    end_included)`` — `in this UNIT` is ``start(P) ≤ ts ≤ T``, `in previous N UNITs` is
    ``start(P) − N periods ≤ ts < start(P)``, each start being local midnight in
    ``zone`` (so a day lasts 23 or 25 hours across a switch of summer time)."""
    first, last, _ = period_dates(t, period, zone)
    start = local_to_utc(dt.datetime.combine(first, dt.time()), zone)
    if period.previous == 0:
        return start, t, True
    return start, local_to_utc(dt.datetime.combine(last, dt.time()), zone), False


def minus_in_zone(t: dt.datetime, d: Duration, zone: str) -> dt.datetime:
    """``T − d`` for a rolling window on timestamps: days and weeks are exact (24 hours
    each), months and years calendar steps of the wall clock in ``zone``."""
    if zone == UTC or d.unit in ("day", "week"):
        return minus(t, d)
    return local_to_utc(minus(utc_to_local(t, zone), d), zone)
