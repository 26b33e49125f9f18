"""Calendar months and years on timestamps in a project time zone (language.md §11).

In a zone other than UTC, ``T − N months`` on a timestamp is a step of the zone's wall
clock, exactly as the batch compiler takes it (:func:`timecalc.minus_in_zone`): T's
local time, the month shifted with the day clamped, and back to an instant, a local time
that does not exist or exists twice being read with the offset in force before the
switch (PEP 495 ``fold=0``). As a function of T this bound ``B(T)`` is a translation
``T + c`` between finitely many break points:

- T's local midnights (the clamped day changes: 29, 30 and 31 May − 3 months are all
  28 February, and 1 March follows 28 February − 1 month's 28 January by four days);
- T's own switches of summer time (its wall clock jumps);
- the instants at which T's wall-clock time reaches a switch of the *shifted* day
  (reading 03:00 on 29 March 2026 in Berlin jumps back an hour from 02:59:59.999999,
  which lies in the gap and is read with the winter offset).

So a value ``x`` can meet ``B(T)`` inside a piece, or be jumped over at a break point,
forwards or backwards. :func:`month_changes` lists every instant at which the order of
``B(T)`` and ``x`` changes, once per ``(x, N, zone)`` (cached); live evaluation marks the
first of them after the clock.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import itertools
import zoneinfo

from segdsl.semantic.ir import Duration
from segdsl.semantic.timecalc import local_to_utc, shift_months, utc_to_local

EPSILON = dt.timedelta(microseconds=1)
SECOND = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)
SHORT = dt.timedelta(days=10)
# Local days of T looked at on each side of x's day shifted forward (ten days of T
# move the shifted day by at least seven: at most four days map to one, at a clamped end
# of month).
MARGIN = 10
# Days before it: the shifted day of ``centre − 5`` is at least two days before x's.
LEAD = 4


def months_of(d: Duration) -> int:
    return d.amount if d.unit == "month" else 12 * d.amount


def back_in_zone(t: dt.datetime, months: int, zone: str) -> dt.datetime:
    """``T − months`` on the wall clock of ``zone`` (timecalc.minus_in_zone's bound)."""
    return local_to_utc(shift_months(utc_to_local(t, zone), -months), zone)


def _offset(t: dt.datetime, zone: str) -> dt.timedelta:
    return utc_to_local(t, zone) - t


def _switches(a: dt.datetime, b: dt.datetime, zone: str) -> list[dt.datetime]:
    """The instants in ``(a, b]`` at which ``zone``'s offset changes (one a day at most,
    on whole seconds, as in the tz database; never two within ten days that cancel)."""
    out: list[dt.datetime] = []
    start, before = a, _offset(a, zone)
    if b - a <= SHORT and _offset(b, zone) == before:
        return out  # no zone switches and switches back within ten days
    while start < b:
        end = min(start + DAY, b)
        after = _offset(end, zone)
        if before != after:
            # whole seconds from start: offset(start + lo) is the old one, (start + hi) the new
            lo, hi = 0, int((end - start).total_seconds())
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset(start + mid * SECOND, zone) == before:
                    lo = mid
                else:
                    hi = mid
            out.append(start + hi * SECOND)
        start, before = end, after
    return out


def _walls(switches: list[dt.datetime], zone: str) -> set[dt.datetime]:
    """The wall-clock times at which reading a local time jumps: each switch's local
    time just before it and just after it."""
    out: set[dt.datetime] = set()
    for u in switches:
        out.add(utc_to_local(u - EPSILON, zone) + EPSILON)
        out.add(utc_to_local(u, zone))
    return out


def _instants_of(day: dt.date, wall: dt.time, zone: str) -> set[dt.datetime]:
    """The instants whose wall-clock time in ``zone`` is ``wall`` on ``day`` (two in a
    repeated hour, none in a skipped one: then the nearest reading), naive UTC."""
    local = dt.datetime.combine(day, wall)
    out = set()
    for fold in (0, 1):
        aware = local.replace(tzinfo=zoneinfo.ZoneInfo(zone), fold=fold)
        out.add(aware.astimezone(dt.UTC).replace(tzinfo=None))
    return out


def _sign(delta: dt.timedelta) -> int:
    return (delta > dt.timedelta(0)) - (delta < dt.timedelta(0))


@functools.lru_cache(maxsize=1 << 15)
def month_changes(x: dt.datetime, months: int, zone: str) -> tuple[tuple[dt.datetime, int], ...]:
    """Every instant at which the order of ``B(T) = T − months`` (on ``zone``'s wall
    clock) and ``x`` changes, with the order from then on (-1: ``B < x``, 0: equal,
    1: ``B > x``). Before the first instant ``B < x``; after the last, ``B > x``."""
    try:
        return _month_changes(x, months, zone)
    except (OverflowError, ValueError):  # near the year 1 or 9999: no change computed
        return ()


def _shift_day(day: dt.date, months: int) -> dt.date:
    """``day − months``, the day clamped to the end of a shorter month."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month0 + 1)[1] if day.day > 28 else 28
    return dt.date(year, month0 + 1, min(day.day, last))


def _month_changes(x: dt.datetime, months: int, zone: str) -> tuple[tuple[dt.datetime, int], ...]:
    def start_of(day: dt.date) -> dt.datetime:
        return local_to_utc(dt.datetime.combine(day, dt.time()), zone)

    # Only on T's local days whose shifted day is within a day of x's local day can
    # B(T) meet x (a switch moves an instant by hours, not a day): the shifted day never
    # decreases from one day to the next, so they are a run of days. Before it B < x,
    # from the day after it on B > x.
    x_day = utc_to_local(x, zone).date()
    centre = shift_months(dt.datetime.combine(x_day, dt.time()), months).date()
    days: list[dt.date] = []
    after = centre + (MARGIN + 1) * DAY
    for k in range(-LEAD, MARGIN + 1):
        day = centre + k * DAY
        shifted = _shift_day(day, months)
        if shifted > x_day + DAY:
            after = day
            break
        if shifted >= x_day - DAY:
            days.append(day)
    if not days:  # B(T) jumps over x at the start of a day (a clamped end of month)
        return ((start_of(after), 1),)
    lo, hi = start_of(days[0]), start_of(after)
    points = {lo, hi, *(start_of(day) for day in days)}
    points.update(_switches(lo - DAY, hi + DAY, zone))  # T's own switches
    walls = _walls(
        _switches(
            start_of(_shift_day(days[0], months)) - 2 * DAY,
            start_of(_shift_day(days[-1], months)) + 2 * DAY,
            zone,
        ),
        zone,
    )
    for day in days:  # T's wall clock reaching a switch of the shifted day
        target = _shift_day(day, months)
        for w in walls:
            if w.date() == target:
                points.update(_instants_of(day, w.time(), zone))
    cuts = sorted(p for p in points if lo <= p <= hi)
    out: list[tuple[dt.datetime, int]] = []
    previous = _sign(back_in_zone(lo - EPSILON, months, zone) - x)
    for p, q in itertools.pairwise(cuts):
        c = back_in_zone(p, months, zone) - p  # B(T) = T + c on [p, q)
        order = _sign(p + c - x)
        if order != previous:
            out.append((p, order))
        meet = x - c
        if p < meet < q:
            out.append((meet, 0))
        if p <= meet and meet + EPSILON < q:
            out.append((meet + EPSILON, 1))
        previous = _sign(q - EPSILON + c - x)
    if _sign(back_in_zone(hi, months, zone) - x) != previous:
        out.append((hi, 1))
    return tuple(out)


def next_change_in_zone(
    now: dt.datetime, x: dt.datetime, d: Duration, zone: str
) -> dt.datetime | None:
    """The first instant after ``now`` at which the order of ``T − d`` (a month or year
    step on ``zone``'s wall clock) and the instant ``x`` changes; None if never."""
    changes = month_changes(x, months_of(d), zone)
    i = bisect.bisect_right(changes, (now, 2))
    return changes[i][0] if i < len(changes) else None
