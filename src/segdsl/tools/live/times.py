"""Instants and windows for live evaluation (language.md §7).

An instant is a naive UTC :class:`datetime.datetime`; a date-stamped value is a
:class:`datetime.date`. A window ends at the clock ``T``: on timestamps
``T − N < ts ≤ T``, on dates ``date(T) − N < d ≤ date(T)``.

Live evaluation must report a change at the exact instant it happens, so for a value
``x`` and a duration ``N`` it needs the next instant at which the order of ``T − N``
and ``x`` changes (:func:`next_change`). With calendar months ``T − N`` is not even
monotonic: 28 June 12:00 − 4 months is 28 February 12:00, but 29 June 00:00 − 4 months
is 28 February 00:00 (the day is clamped), so a value can leave a window and come back.
"""

from __future__ import annotations

import datetime as dt
import functools

from segdsl.semantic.ir import Duration, Period
from segdsl.semantic.timecalc import (
    UTC,
    local_to_utc,
    period_days,
    period_start_date,
    periods_back,
    shift_months,
    utc_to_local,
)
from segdsl.tools.live.zoned import back_in_zone, next_change_in_zone

MIDNIGHT = dt.time()
EPSILON = dt.timedelta(microseconds=1)
ONE_DAY = dt.timedelta(days=1)
FAR_FUTURE = dt.datetime(9999, 12, 31)


def back(t: dt.datetime, d: Duration, zone: str = UTC) -> dt.datetime:
    """``t − d``: weeks are 7 days, months and years calendar steps (day clamped) — on
    the wall clock of ``zone`` for a timestamp ``t`` (zoned.back_in_zone)."""
    if d.unit == "day":
        return t - dt.timedelta(days=d.amount)
    if d.unit == "week":
        return t - dt.timedelta(days=7 * d.amount)
    months = d.amount if d.unit == "month" else 12 * d.amount
    if zone != UTC:
        return back_in_zone(t, months, zone)
    return shift_months(t, -months)


def back_date(day: dt.date, d: Duration) -> dt.date:
    return back(dt.datetime.combine(day, MIDNIGHT), d).date()


def forward(t: dt.datetime, d: Duration) -> dt.datetime:
    if d.unit == "day":
        return t + dt.timedelta(days=d.amount)
    if d.unit == "week":
        return t + dt.timedelta(days=7 * d.amount)
    months = d.amount if d.unit == "month" else 12 * d.amount
    return shift_months(t, months)


def next_change(
    now: dt.datetime, x: dt.datetime | dt.date, d: Duration, zone: str = UTC
) -> dt.datetime | None:
    """The first instant after ``now`` at which the order of ``T − d`` and ``x`` (less,
    equal, greater) can change; ``x`` a timestamp, or a date compared with ``date(T) − d``.

    For days and weeks ``T − d`` moves steadily: it meets ``x`` at ``x + d`` and passes
    it a microsecond (a day, on dates) later. Months and years are calendar steps that
    clamp the day (30 June − 4 months is 28 February, and so are 29 and 31 June at the
    same time of day), so ``T − d`` jumps (back or forward) at some midnights: near ``x + d`` every day is looked at one by one.

    On dates the changes happen at midnight in the project's ``zone`` (``date(T)`` is
    T's date there); on timestamps days and weeks are exact 24-hour steps, and months
    and years in a zone other than UTC step on its wall clock (zoned.py)."""
    if isinstance(x, dt.datetime):
        if zone != UTC and d.unit in ("month", "year"):
            return next_change_in_zone(now, x, d, zone)
        if d.unit in ("day", "week"):
            meet = forward(x, d)
            if meet > now:
                return meet
            return meet + EPSILON if meet + EPSILON > now else None
        first = max(now.date(), (forward(x, d) - 4 * ONE_DAY).date())
        for k in range(12):
            m = midnight(first + k * ONE_DAY)
            b = back(m, d)
            if m > now and back(m - EPSILON, d) + EPSILON != b:  # a jump at midnight
                return m
            for target in (x, x + EPSILON):
                offset = target - b
                if dt.timedelta(0) <= offset < ONE_DAY and m + offset > now:
                    return m + offset
        return None
    today = now.date()
    if d.unit in ("day", "week"):
        meet_day = forward(midnight(x), d).date()
        for on in (meet_day, meet_day + ONE_DAY):
            t = local_midnight(on, zone)
            if t > now:
                return t
        return None
    first = max(today - ONE_DAY, forward(midnight(x), d).date() - 4 * ONE_DAY)
    previous = _order(back_date(first, d), x)
    for k in range(1, 13):
        on = first + k * ONE_DAY
        order = _order(back_date(on, d), x)
        if order != previous and local_midnight(on, zone) > now:
            return local_midnight(on, zone)
        previous = order
    return None


def _order(a: dt.date, b: dt.date) -> int:
    return (a > b) - (a < b)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, MIDNIGHT)


@functools.lru_cache(maxsize=16384)
def local_midnight(day: dt.date, zone: str) -> dt.datetime:
    """The instant (naive UTC) at which ``day`` starts in ``zone`` (remembered: the
    same few hundred days are asked for again and again)."""
    return local_to_utc(dt.datetime.combine(day, MIDNIGHT), zone)


EPOCH = dt.datetime(1970, 1, 1)
QUARTER_HOUR = dt.timedelta(minutes=15)
_OFFSETS: dict[tuple[str, int], dt.timedelta | None] = {}
_LAST: dict[str, tuple[dt.datetime, dt.datetime, dt.timedelta]] = {}


def to_local(t: dt.datetime, zone: str) -> dt.datetime:
    """The wall-clock time in ``zone`` of the instant ``t`` — timecalc.utc_to_local,
    fast: a zone's offset from UTC is remembered per quarter of an hour of UTC (every
    switch of a real zone falls on one); a quarter in which the offset changes is
    converted exactly, instant by instant."""
    if zone == UTC:
        return t
    last = _LAST.get(zone)
    if last is not None and last[0] <= t < last[1]:
        return t + last[2]
    quarter = (t - EPOCH) // QUARTER_HOUR
    start = EPOCH + quarter * QUARTER_HOUR
    key = (zone, quarter)
    if key in _OFFSETS:
        offset = _OFFSETS[key]
    else:
        end = start + QUARTER_HOUR - EPSILON
        a = utc_to_local(start, zone) - start
        offset = a if utc_to_local(end, zone) - end == a else None
        if len(_OFFSETS) > 65536:
            _OFFSETS.clear()
        _OFFSETS[key] = offset
    if offset is None:
        return utc_to_local(t, zone)
    _LAST[zone] = (start, start + QUARTER_HOUR, offset)
    return t + offset


def today_in(now: dt.datetime, zone: str) -> dt.date:
    """``date(T)`` in ``zone`` (timecalc.local_date, through :func:`to_local`)."""
    return to_local(now, zone).date()


def period_bounds(
    now: dt.datetime, p: Period, zone: str, on_date: bool
) -> tuple[dt.datetime | dt.date, dt.datetime | dt.date, bool, dt.datetime]:
    """A calendar window at ``now`` exactly as the batch compiler computes it
    (timecalc.period_dates / period_instants): ``(start, end, end_included, next)``,
    ``start ≤ x`` and ``x ≤ end`` (or ``x < end``); ``next`` is the instant the next
    period begins in ``zone`` — until then the bounds stay (``in this UNIT``'s end is
    ``T`` itself: a value enters when ``T`` reaches it)."""
    lo, hi, inc, following = _period_parts(today_in(now, zone), p, zone, on_date)
    return lo, now if hi is None else hi, inc, following


@functools.lru_cache(maxsize=4096)
def _period_parts(
    today: dt.date, p: Period, zone: str, on_date: bool
) -> tuple[dt.datetime | dt.date, dt.datetime | dt.date | None, bool, dt.datetime]:
    """The bounds of :func:`period_bounds` on the day ``today`` (``None`` for ``T``):
    timecalc.period_dates and period_instants, remembered per day."""
    first, last, inc = period_days(today, p)
    following = local_midnight(periods_back(period_start_date(today, p.unit), p.unit, -1), zone)
    if on_date:
        return first, last, inc, following
    lo = local_midnight(first, zone)
    return lo, None if inc else local_midnight(last, zone), inc, following


def period_span(p: Period) -> Duration:
    """How far back a calendar window can reach, as a duration (for a log's horizon)."""
    if p.unit == "quarter":
        return Duration(3 * (p.previous + 1), "month")
    unit = {"day": "day", "week": "week", "year": "year"}.get(p.unit, "month")
    return Duration(p.previous + 1, unit)  # type: ignore[arg-type]


def span_days(d: Duration) -> int:
    """An upper bound, in whole days, of how far back ``T − d`` can lie."""
    return {"day": 1, "week": 7, "month": 31, "year": 366}[d.unit] * d.amount + 1


def parse_instant(text: str) -> dt.datetime:
    """``2026-06-01``, ``2026-06-01T10:00:00[.ffffff]`` with an optional ``Z`` or
    ``±hh:mm`` → a naive UTC instant. Raises ValueError."""
    if not isinstance(text, str) or not 10 <= len(text) <= 40:
        raise ValueError("not a timestamp")
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def iso(t: dt.datetime | dt.date) -> str:
    """An instant as ``2026-06-01T10:00:00Z`` (microseconds when there are any); a
    date as ``2026-06-01``."""
    if isinstance(t, dt.datetime):
        return t.isoformat(timespec="microseconds" if t.microsecond else "seconds") + "Z"
    return t.isoformat()
