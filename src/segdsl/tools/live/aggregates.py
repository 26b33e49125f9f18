"""Aggregates and sequences over a profile's logs, at the instant of a :class:`Ctx`."""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from segdsl.semantic import ir
from segdsl.tools.live.ctx import Ctx, cached
from segdsl.tools.live.state import Log, Summary, Sums
from segdsl.tools.live.times import back, back_date, next_change, period_bounds
from segdsl.tools.live.values import exact

EMPTY = Log()  # the log of a profile without events of its kind (never added to)

FIXED_DAYS = {"day": 1, "week": 7}


def count_compare_fn(
    op: Callable[[Any, Any], bool],
    const: Any,
    log_id: int,
    window: ir.Duration,
    is_date: bool,
) -> Callable[[Ctx], bool]:
    """``count(E in last N days …) OP k``: as time passes the count only falls, one
    event at a time; the next instant the comparison itself changes is found here,
    rather than waking at every event that leaves the window."""
    delta = dt.timedelta(days=FIXED_DAYS[window.unit] * window.amount)
    whole = isinstance(const, int) and not isinstance(const, bool)
    name = {operator.ge: ">=", operator.gt: ">", operator.le: "<=", operator.lt: "<"}.get(op, "=")

    def _first_flip(n: int, truth: bool) -> int | None:
        """How many of the n events must leave before the comparison flips (None:
        never): the count only falls, one event at a time."""
        k = const
        if name == ">=":
            return n - k + 1 if truth else None
        if name == ">":
            return n - k if truth else None
        if name == "<=":
            return None if truth else n - k
        if name == "<":
            return None if truth else n - k + 1
        if truth:  # = k: true now, false when one more leaves
            return 1
        return n - k if n > k else None

    def count_compare(ctx: Ctx) -> bool:
        # the events in (T − N days, T] — as the aggregate counts them (_bounds), read
        # here directly: its marks (every event leaving) are not needed
        log = ctx.logs.get(log_id)
        if log is None:
            return bool(op(0, const))
        ts = log.ts
        n = len(ts) - bisect.bisect_right(ts, (ctx.today if is_date else ctx.now) - delta)
        truth = bool(op(n, const))
        if not n:
            return truth
        m = _first_flip(n, truth) if whole else None
        if m is None and not whole:
            for k in range(1, n + 1):
                if bool(op(n - k, const)) != truth:
                    m = k
                    break
        if m is not None and 1 <= m <= n:
            t: Any = ts[len(ts) - n + m - 1]
            ctx.mark_stamp(t + delta)
        return truth

    return count_compare


def _avg_flip(
    sums: Sums, first: int, end: int, op: Callable[[Any, Any], bool], cd: int, bar: int
) -> tuple[bool, int]:
    """``avg`` over the events ``[first, end)`` compared (``op``) with ``bar / (cd ·
    scale)``, and the first k after ``first`` at which the average over ``[k, end)``
    gives the other answer (-1: none)."""
    pre, cnt = sums.pre, sums.cnt
    top, top_n = pre[end], cnt[end]
    n = top_n - cnt[first]
    truth = n > 0 and bool(op((top - pre[first]) * cd, bar * n))
    for k in range(first + 1, end + 1):
        n = top_n - cnt[k]
        if (n > 0 and bool(op((top - pre[k]) * cd, bar * n))) != truth:
            return truth, k
    return truth, -1


def _value_of(
    func: str, ts: list[Any], vals: list[tuple[Any, ...]], i: int, j: int, fi: int
) -> Any:
    """``first/last(E.f)``: f of the earliest/latest event in ``[i, j)`` (the largest
    set f among events at that instant); ``most_frequent(E.f)``: the set value most
    events carry, the smallest on a tie."""
    if i >= j:
        return None
    if func == "most_frequent":
        counts: dict[Any, int] = {}
        for k in range(i, j):
            x = vals[k][fi]
            if x is not None:
                counts[x] = counts.get(x, 0) + 1
        if not counts:
            return None
        top = max(counts.values())
        return min(x for x, c in counts.items() if c == top)
    at = ts[i] if func == "first" else ts[j - 1]
    lo = bisect.bisect_left(ts, at, i, j)
    hi = bisect.bisect_right(ts, at, i, j)
    present = [vals[k][fi] for k in range(lo, hi) if vals[k][fi] is not None]
    return max(present) if present else None


def window_compare_fn(
    value: Callable[[Ctx], Any],
    op: Callable[[Any, Any], bool],
    const: Any,
    log_id: int,
    fi: int,
    func: str,
    window: ir.Duration,
    is_date: bool,
) -> Callable[[Ctx], bool]:
    """``sum|avg|min|max|count distinct(E.f in last N days …) OP k``: as time passes
    the window only loses events, oldest first. The value after each loss is computed
    from the newest end, and the comparison wakes at the first loss that flips it —
    not at every event that leaves the window."""
    delta = dt.timedelta(days=FIXED_DAYS[window.unit] * window.amount)
    adds = func in ("sum", "avg")
    # min, max and count distinct of what is left only move one way as events leave,
    # so an order comparison with them flips at most once: the walk from the newest
    # end stops at the first remainder that already gives today's answer
    monotone = func in ("min", "max", "count_distinct") and op in (
        operator.lt,
        operator.le,
        operator.gt,
        operator.ge,
    )

    def current(total: Any, n: int, low: Any, high: Any, seen: set[Any]) -> Any:
        if func == "sum":
            return total
        if func == "avg":
            return None if n == 0 else Fraction(total) / n
        if func == "min":
            return low
        if func == "max":
            return high
        return len(seen)

    if adds:  # sum and avg: from the log's running sums, in whole numbers
        c = Fraction(const)
        cn, cd = c.numerator, c.denominator
        is_avg = func == "avg"
        ordered = op in (operator.lt, operator.le, operator.gt, operator.ge)
        # the answer a falling sum can leave: true for `>`/`>=`, false for `<`/`<=`
        falls = op in (operator.gt, operator.ge)

        def sums_compare(ctx: Ctx) -> bool:
            log = ctx.logs.get(log_id)
            if log is None or not log.ts:
                return False if is_avg else bool(op(0, const))
            ts = log.ts
            sums = log.sums_of(fi)
            end = len(ts)
            first = bisect.bisect_right(ts, (ctx.today if is_date else ctx.now) - delta)
            bar = cn * sums.scale
            if is_avg:
                truth, flip = _avg_flip(sums, first, end, op, cd, bar)
            else:
                pre = sums.pre
                top = pre[end]
                truth = bool(op((top - pre[first]) * cd, bar))
                flip = -1
                if not ordered or sums.negative >= first:
                    for k in range(first + 1, end + 1):
                        if bool(op((top - pre[k]) * cd, bar)) != truth:
                            flip = k
                            break
                elif truth == falls and bool(op(0, bar)) != truth:
                    # no value below zero: the sum only falls as events leave, so the
                    # answer flips once — at the first k of [first + 1, end] found by halving
                    lo, hi = first + 1, end
                    while lo < hi:
                        mid = (lo + hi) // 2
                        if bool(op((top - pre[mid]) * cd, bar)) != truth:
                            hi = mid
                        else:
                            lo = mid + 1
                    flip = lo
            # the first event whose leaving flips the answer: its leaving is the wake
            if flip >= 0:
                leaves = ts[flip - 1] + delta
                ctx.mark_stamp(leaves)
            return truth

        return sums_compare

    def window_compare(ctx: Ctx) -> bool:
        saved = ctx.wake
        v = value(ctx)
        ctx.wake = saved  # the aggregate's own marks: every event leaving — not needed
        truth = v is not None and bool(op(v, const))
        log = ctx.logs.get(log_id)
        if log is None or not log.ts:
            return truth
        ts, vals = log.ts, log.vals
        first = bisect.bisect_right(ts, (ctx.today if is_date else ctx.now) - delta)
        # the truth once the events first..k have left, for k from the newest down
        total: Any = 0
        n = 0
        low: Any = None
        high: Any = None
        seen: set[Any] = set()
        after: list[bool] = []
        for k in range(len(ts) - 1, first - 1, -1):
            w = current(total, n, low, high, seen)
            after.append(w is not None and bool(op(w, const)))
            if monotone and w is not None and after[-1] == truth:
                # every longer remainder gives today's answer too (a remainder
                # without a set value — min/max missing — is not one of the monotone
                # ones: it is passed over): the answer flips when the events up to k
                # have left, if k is not the newest
                if k < len(ts) - 1:
                    leaves = ts[k + 1] + delta
                    ctx.mark_stamp(leaves)
                return truth
            x = vals[k][fi]
            if x is not None:
                n += 1
                if adds:
                    total = exact(operator.add, total, x)
                elif func == "count_distinct":
                    seen.add(x)
                else:
                    low = x if low is None or x < low else low
                    high = x if high is None or x > high else high
        after.reverse()  # after[m]: the truth once events first..first+m have left
        for m, t in enumerate(after):
            if t != truth:
                leaves = ts[first + m] + delta
                ctx.mark_stamp(leaves)
                break
        return truth

    return window_compare


def _bounds(
    ctx: Ctx, ts: list[Any], far: ir.Duration, near: ir.Duration | None, is_date: bool
) -> tuple[int, int]:
    """The events inside ``(T − far, T − near]`` as a slice ``[i, j)`` of ``ts``; marks
    when the oldest of them leaves and when the next one enters."""
    days = FIXED_DAYS.get(far.unit)
    if near is None and days is not None:  # the common case, without calendar steps
        delta = dt.timedelta(days=days * far.amount)
        if is_date:
            i = bisect.bisect_right(ts, ctx.today - delta)
            if i < len(ts):
                ctx.mark(ctx.midnight(ts[i] + delta))
        else:
            i = bisect.bisect_right(ts, ctx.now - delta)
            if i < len(ts):
                ctx.mark(ts[i] + delta)
        return i, len(ts)
    if is_date:
        lo: Any = back_date(ctx.today, far)
        hi: Any = ctx.today if near is None else back_date(ctx.today, near)
    else:
        lo = back(ctx.now, far, ctx.zone)
        hi = ctx.now if near is None else back(ctx.now, near, ctx.zone)
    i = bisect.bisect_right(ts, lo)
    j = len(ts) if near is None else bisect.bisect_right(ts, hi)
    now = ctx.now
    if i < j:
        ctx.mark_at(next_change(now, ts[i], far, ctx.zone))
    if i > 0 and far.unit in ("month", "year"):  # calendar steps can fall back a day
        ctx.mark_at(next_change(now, ts[i - 1], far, ctx.zone))
    if near is not None:
        if j < len(ts):
            ctx.mark_at(next_change(now, ts[j], near, ctx.zone))
        if j > 0 and near.unit in ("month", "year"):
            ctx.mark_at(next_change(now, ts[j - 1], near, ctx.zone))
    return i, j


def _slice(ts: list[Any], lo: Any, hi: Any, inc: bool) -> tuple[int, int]:
    """The events of a calendar window ``lo ≤ t ≤ hi`` (``t < hi`` unless ``inc``)."""
    i = bisect.bisect_left(ts, lo)
    return i, (bisect.bisect_right(ts, hi) if inc else bisect.bisect_left(ts, hi))


def _period_slice(ctx: Ctx, ts: list[Any], period: ir.Period, is_date: bool) -> tuple[int, int]:
    """The events inside a calendar window at ``T`` as a slice ``[i, j)`` of ``ts`` (the
    batch compiler's bounds, timecalc.period_dates/period_instants); marks the start of
    the next period, when the bounds move."""
    lo, hi, inc, following = period_bounds(ctx.now, period, ctx.zone, is_date)
    ctx.mark(following)
    return _slice(ts, lo, hi, inc)


def aggregate_fn(
    a: ir.Aggregate, log_id: int, fi: int, is_date: bool, slot: int
) -> Callable[[Ctx], Any]:
    func, far, near, period = a.func, a.window, a.until, a.period
    # first/last of a field, most_frequent: read from the log, which keeps every event
    # when there is no window (LogSpec.keep_all), so there is no summary to fold in
    field_value = func == "most_frequent" or (func in ("first", "last") and a.field is not None)

    def compute(ctx: Ctx) -> Any:
        log = ctx.logs.get(log_id)
        if log is None:
            log = EMPTY
        ts = log.ts
        if period is not None:
            return over_periods(ctx, log)
        if far is not None:
            i, j = _bounds(ctx, ts, far, near, is_date)
            return over(log, None, i, j)
        return over(log, log.summary, 0, len(ts))

    def over_periods(ctx: Ctx, log: Log) -> Any:
        """The value in the calendar window at T; marks the first later period start
        at which the window holds other events with another value. Every event known
        lies at or before T, and a new one is evaluated when it comes: so a profile
        with no events near the window does not wake at every period start."""
        assert period is not None
        ts = log.ts
        lo, hi, inc, following = period_bounds(ctx.now, period, ctx.zone, is_date)
        i, j = _slice(ts, lo, hi, inc)
        value = over(log, None, i, j)
        at = following
        for _ in range(period.previous + 2):
            lo, hi, inc, following = period_bounds(at, period, ctx.zone, is_date)
            i2, j2 = _slice(ts, lo, hi, inc)
            if (i2, j2) != (i, j) and over(log, None, i2, j2) != value:
                ctx.mark(at)
                break
            if i2 >= len(ts):  # the windows have passed every event
                break
            at = following
        else:  # cannot happen (every event lies at or before T); look again then
            ctx.mark(at)
        return value

    def over(log: Log, summary: Summary | None, i: int, j: int) -> Any:
        """The aggregate of the events ``[i, j)`` of the log (and its folded summary)."""
        ts, vals = log.ts, log.vals
        if func == "count":
            return (j - i) + (summary.n if summary else 0)
        if field_value:
            return _value_of(func, ts, vals, i, j, fi)
        if func == "first":
            found = ts[i] if i < j else None
            if summary is not None and summary.first is not None:
                found = summary.first if found is None or summary.first < found else found
            return found
        if func == "last":
            found = ts[j - 1] if i < j else None
            if summary is not None and summary.last is not None:
                found = summary.last if found is None or summary.last > found else found
            return found
        fs = summary.fields[fi] if summary is not None and summary.fields else None
        if func in ("sum", "avg"):
            sums = log.sums_of(fi)
            total: Any = sums.total(i, j)
            n = sums.cnt[j] - sums.cnt[i]
            if fs is not None:
                total = exact(operator.add, total, fs.total)
                n += fs.n
            if func == "sum":
                return total
            return None if n == 0 else Fraction(total) / n
        values = [v[fi] for v in vals[i:j]]
        values = [v for v in values if v is not None]
        if func == "count_distinct":
            seen = set(values)
            if fs is not None and fs.distinct:
                seen |= fs.distinct
            return len(seen)
        low = min(values) if values else None
        high = max(values) if values else None
        if fs is not None and fs.n:
            low = fs.low if low is None or fs.low < low else low
            high = fs.high if high is None or fs.high > high else high
        return low if func == "min" else high

    return cached(slot, compute)


def sequence_fn(
    s: ir.Sequence, first_id: int, second_id: int, is_date: bool
) -> Callable[[Ctx], bool]:
    far, near, absent, period = s.window, s.until, s.absent, s.period
    amount = s.within.amount * (7 if s.within.unit == "week" else 1)
    span = dt.timedelta(days=amount)

    def sequence(ctx: Ctx) -> bool:
        log1 = ctx.logs.get(first_id)
        if log1 is None or not log1.ts:
            return False
        ts1 = log1.ts
        log2 = ctx.logs.get(second_id)
        ts2 = log2.ts if log2 is not None else []
        if period is not None:  # the first event in a calendar window, as aggregates
            i, j = _period_slice(ctx, ts1, period, is_date)
        elif far is not None:
            i, j = _bounds(ctx, ts1, far, near, is_date)
        else:
            i, j = 0, len(ts1)
        now: Any = ctx.today if is_date else ctx.now
        n2 = len(ts2)
        for k in range(i, j):
            t1 = ts1[k]
            end = t1 + span
            m = bisect.bisect_right(ts2, t1)
            followed = m < n2 and ts2[m] <= end
            if not absent:
                if followed:
                    return True
            elif not followed:
                if end <= now:
                    return True
                ctx.mark_stamp(end)
        return False

    return sequence
