"""An independent evaluator of segdsl's typed IR over plain Python rows.

It implements the contract (/work/shared/design/language.md §6–8) directly, without the
compiler or any SQL, so that the SQL that segdsl produces can be checked against it:

- two-valued truth: a positive predicate on a missing value is false; ``Not`` is the
  complement; ``And``/``Or`` are Python's ``all``/``any`` over booleans;
- events stamped after T do not exist (for every aggregate, windowed or not);
- ``count``/``sum`` over no values are 0, ``avg``/``min``/``max``/``first``/``last`` are
  missing; aggregates over a field skip events whose field is missing (so ``sum`` over
  events whose amounts are all missing is 0, ``avg`` over them is missing);
- windows: ``T − N < ts ≤ T`` on timestamps and ``date(T) − N < d ≤ date(T)`` on dates;
  weeks are 7 days, months and years are calendar steps with the day clamped to the end
  of a shorter month;
- ``top P% by X``: X is set and fewer than ``P/100 · n`` entities have a strictly greater
  X, where n counts the entities whose X is set (``bottom``: strictly smaller); ranked
  over the whole entity;
- numbers are exact (``fractions.Fraction``); division is real, by zero it is missing;
- ``contains``/``starts with``/``ends with`` are case-insensitive and take ``%`` and ``_``
  as plain characters.

Section 10 (the behavioural forms), from the contract and the meanings the lead chose
where it is silent (docs/language.md):

- offset window ``between N ago and M ago``: ``T − N < ts ≤ T − M`` (on dates from
  ``date(T)``), months and years as calendar steps;
- ``then``: some matching E1 (kind, window, C1, stamped ≤ T) and some matching E2 (kind,
  C2, stamped ≤ T) with ``e1.ts < e2.ts ≤ e1.ts + D``; ``then not``: some matching E1
  with ``e1.ts + D ≤ T`` (on dates ``date(T)``) and no matching E2 in
  ``(e1.ts, e1.ts + D]``. An event never follows itself, nor one at the same instant;
- ``top/bottom … per G``: the ranking above within each value of G; a missing G is in
  no group;
- ``within D km of (φ0, λ0)``: haversine distance with R = 6371.0088 km, at most
  D + 0.000001 km (1 mm of slack); a missing coordinate is not within;
- ``sample P% seed s``: ``int(md5("s:key")[:8], 16) < floor(P/100 · 2³²)``, integer keys
  as their decimal text.

Wave 2 (§11–15), with the choices written down in docs/language.md:

- the project zone Z (catalog ``timezone``): date(T) is T's calendar date in Z; a
  rolling window steps days and weeks as exact 24 hours and months/years on Z's wall
  clock; ``in this UNIT`` is ``start(P) ≤ ts ≤ T`` and ``in previous N UNITs`` is
  ``start(P) − N periods ≤ ts < start(P)``, period starts being local midnights (Monday
  weeks, January/April/July/October quarters), found here by walking back day by day;
- ``day_of_week``/``hour_of_day``: ``isoweekday()``/``hour`` of the event time in Z (a
  date's own weekday);
- ``first/last(E.f)``: f of the earliest/latest matching event, the largest non-missing
  f among events at that instant; ``most_frequent``: the non-missing value carried by
  most matching events, the smallest on a tie;
- ``score 1..N by X [per G]``: ``1 + floor(N·b/n)`` counted by brute force;
- a segmentation's value: the first class whose condition holds, else its catch-all.

The catalog is read only for where rows live (source table, key column, timestamp
column and type, kind filter). The IR is evaluated as given: where the resolver has
rewritten a timestamp-vs-date comparison into bounds, the bounds are evaluated (the
rewrite itself is covered by hand-written expectations in test_semantics.py). A date
that still meets a timestamp in the IR is compared on the calendar day (``_align``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from segdsl.catalog.model import Catalog
from segdsl.semantic import ir


def shift_months(t: dt.datetime, months: int) -> dt.datetime:
    """Move by whole calendar months, clamping the day to the target month's length."""
    index = t.year * 12 + t.month - 1 + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return t.replace(year=year, month=month0 + 1, day=min(t.day, last_day))


def step_back(t: dt.datetime, duration: ir.Duration) -> dt.datetime:
    n = duration.amount
    unit = duration.unit
    if unit == "day":
        return t - dt.timedelta(days=n)
    if unit == "week":
        return t - dt.timedelta(days=7 * n)
    if unit == "month":
        return shift_months(t, -n)
    if unit == "year":
        return shift_months(t, -12 * n)
    raise ValueError(f"unknown unit {unit!r}")


def _num(v: Any) -> Any:
    """Numbers become exact fractions; everything else is kept as it is."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int | float | Decimal):
        return Fraction(v)
    return v


def _align(a: Any, b: Any) -> tuple[Any, Any]:
    """A date meets a timestamp on the calendar day: the timestamp's date is compared.

    This is the resolver's own documented reading (``last_seen = 2024-03-01`` is that
    day; ``signup_date >= 2025-06-01T12:00`` is ``signup_date >= 2025-06-01``). The
    resolver rewrites most such comparisons away; any that remain in the IR (ranges and
    ``in (…)`` lists) are read the same way, so that `x A..B` means `x >= A and x <= B`.
    """
    a_ts, b_ts = isinstance(a, dt.datetime), isinstance(b, dt.datetime)
    if a_ts and not b_ts and isinstance(b, dt.date):
        return a.date(), b
    if b_ts and not a_ts and isinstance(a, dt.date):
        return a, b.date()
    return a, b


EARTH_RADIUS_KM = 6371.0088
DISTANCE_SLACK_KM = 0.000001  # 1 mm: a point on the circle is inside on every engine


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in km (haversine formula, with atan2 for stability)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    a = min(1.0, max(0.0, a))
    return 2 * EARTH_RADIUS_KM * math.atan2(math.sqrt(a), math.sqrt(1 - a))


def sample_hash(seed: str, key: Any) -> int:
    """The first 32 bits of MD5("seed:key"); an integer key as its decimal text."""
    text = f"{seed}:{key}"
    return int(hashlib.md5(text.encode("utf-8")).hexdigest()[:8], 16)


def sample_threshold(percent: Any) -> int:
    """floor(P/100 · 2³²): a key is in the sample when its hash is below it."""
    return math.floor(Fraction(percent) / 100 * 2**32)


def fixed_length(d: ir.Duration) -> dt.timedelta:
    """The follow-up time of `then … within D` (days or weeks only)."""
    if d.unit == "day":
        return dt.timedelta(days=d.amount)
    if d.unit == "week":
        return dt.timedelta(days=7 * d.amount)
    raise ValueError(f"not a fixed length: {d!r}")


def to_local(t: dt.datetime, zone: str) -> dt.datetime:
    """Naive UTC → naive wall-clock time in ``zone``."""
    return t.replace(tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)


def from_local(t: dt.datetime, zone: str) -> dt.datetime:
    """Naive wall-clock time in ``zone`` → naive UTC (the earlier offset on a gap or fold)."""
    aware = t.replace(tzinfo=zoneinfo.ZoneInfo(zone), fold=0)
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def period_first_day(day: dt.date, unit: str) -> dt.date:
    """Walk back one day at a time to the first day of the period holding ``day``."""
    if unit == "day":
        return day
    first = day
    while True:
        if unit == "week" and first.isoweekday() == 1:
            return first
        if unit == "month" and first.day == 1:
            return first
        if unit == "quarter" and first.day == 1 and first.month in (1, 4, 7, 10):
            return first
        if unit == "year" and first.day == 1 and first.month == 1:
            return first
        first -= dt.timedelta(days=1)


def period_back(first: dt.date, unit: str, n: int) -> dt.date:
    """The first day of the period n periods before the one starting on ``first``."""
    day = first
    for _ in range(n):
        day = period_first_day(day - dt.timedelta(days=1), unit)
    return day


class Oracle:
    def __init__(self, tables: dict[str, list[dict[str, Any]]], catalog: Catalog, as_of):
        self.tables = tables
        self.catalog = catalog
        self.as_of: dt.datetime = as_of
        self.zone: str = getattr(catalog, "timezone", "UTC")
        self.as_of_local: dt.datetime = to_local(as_of, self.zone)
        self.as_of_date: dt.date = self.as_of_local.date()
        self._events: dict[str, dict[Any, list[dict[str, Any]]]] = {}
        self._rank_cache: dict[tuple[str, ir.Rank], frozenset[Any]] = {}
        self._score_cache: dict[tuple[str, ir.Score], dict[Any, Fraction]] = {}

    # ---- entities and events ------------------------------------------------------------
    def entity_rows(self, entity: str) -> list[dict[str, Any]]:
        ent = self.catalog.entities[entity]
        return self.tables[ent.source.table]

    def keys(self, entity: str) -> frozenset[Any]:
        key = self.catalog.entities[entity].key
        return frozenset(r[key] for r in self.entity_rows(entity))

    def now(self, is_date: bool) -> dt.date | dt.datetime:
        return self.as_of_date if is_date else self.as_of

    def ago(self, duration: ir.Duration, is_date: bool) -> dt.date | dt.datetime:
        if is_date:
            start = dt.datetime.combine(self.as_of_date, dt.time())
            return step_back(start, duration).date()
        if duration.unit in ("day", "week"):
            return step_back(self.as_of, duration)
        return from_local(step_back(self.as_of_local, duration), self.zone)

    def in_period(self, x: Any, period: ir.Period) -> bool:
        """Whether a date or timestamp lies inside a calendar window at T."""
        first = period_first_day(self.as_of_date, period.unit)
        if period.previous == 0:
            lo, hi = first, self.as_of_date
        else:
            lo, hi = period_back(first, period.unit, period.previous), first
        if isinstance(x, dt.datetime):
            start = from_local(dt.datetime.combine(lo, dt.time()), self.zone)
            if period.previous == 0:
                return start <= x <= self.as_of
            return start <= x < from_local(dt.datetime.combine(hi, dt.time()), self.zone)
        if period.previous == 0:
            return lo <= x <= hi
        return lo <= x < hi

    def visible_events(self, event: str) -> dict[Any, list[dict[str, Any]]]:
        """The events of one kind that exist at T (stamped ≤ T), grouped by entity key."""
        cached = self._events.get(event)
        if cached is not None:
            return cached
        ev = self.catalog.events[event]
        is_date = ev.timestamp_type.value == "date"
        now = self.now(is_date)
        grouped: dict[Any, list[dict[str, Any]]] = {}
        for row in self.tables[ev.source.table]:
            if ev.kind is not None and row.get(ev.kind[0]) != ev.kind[1]:
                continue
            stamp = row[ev.timestamp]
            if stamp is None or stamp > now:
                continue
            grouped.setdefault(row[ev.key], []).append(row)
        self._events[event] = grouped
        return grouped

    # ---- public API ----------------------------------------------------------------------
    def members(self, seg: ir.Segment | ir.Cond, entity: str | None = None) -> set[Any]:
        if isinstance(seg, ir.Segment):
            cond, entity = seg.cond, seg.entity
        else:
            cond = seg
            entity = entity or self.catalog.default_entity
        key = self.catalog.entities[entity].key
        return {row[key] for row in self.entity_rows(entity) if self.truth(cond, row, entity)}

    # ---- conditions ----------------------------------------------------------------------
    def truth(
        self, c: ir.Cond, row: dict[str, Any], entity: str, ev_row: dict[str, Any] | None = None
    ) -> bool:
        def val(v: ir.Value) -> Any:
            return self.value(v, row, entity, ev_row)

        if isinstance(c, ir.And):
            return all(self.truth(x, row, entity, ev_row) for x in c.items)
        if isinstance(c, ir.Or):
            return any(self.truth(x, row, entity, ev_row) for x in c.items)
        if isinstance(c, ir.Not):
            return not self.truth(c.operand, row, entity, ev_row)
        if isinstance(c, ir.Literal):
            return bool(c.value)
        if isinstance(c, ir.InSegment):
            return self.truth(c.cond, row, entity, ev_row)
        if isinstance(c, ir.Compare):
            a, b = val(c.left), val(c.right)
            if a is None or b is None:
                return False
            a, b = _align(a, b)
            return {
                "=": a == b,
                "<": a < b,
                "<=": a <= b,
                ">": a > b,
                ">=": a >= b,
            }[c.op]
        if isinstance(c, ir.Between):
            x, lo, hi = val(c.left), val(c.low), val(c.high)
            if x is None or lo is None or hi is None:
                return False
            x_lo, lo = _align(x, lo)
            x_hi, hi = _align(x, hi)
            return lo <= x_lo and x_hi <= hi
        if isinstance(c, ir.InValues):
            x = val(c.left)
            if x is None:
                return False
            return any(a == b for a, b in (_align(x, val(v)) for v in c.values))
        if isinstance(c, ir.IsMissing):
            return val(c.left) is None
        if isinstance(c, ir.TextMatch):
            s = val(c.left)
            if s is None:
                return False
            hay, needle = s.lower(), c.text.lower()
            if c.op == "contains":
                return needle in hay
            if c.op == "starts":
                return hay.startswith(needle)
            if c.op == "ends":
                return hay.endswith(needle)
            raise ValueError(c.op)
        if isinstance(c, ir.ListHas):
            items = val(c.left)
            if items is None:
                return False
            wanted = [val(v) for v in c.values]
            present = [_num(x) for x in items if x is not None]
            if c.mode == "any":
                return any(w in present for w in wanted)
            return all(w in present for w in wanted)
        if isinstance(c, ir.InLast):
            x = val(c.left)
            if x is None:
                return False
            is_date = not isinstance(x, dt.datetime)
            return self.ago(c.duration, is_date) < x <= self.now(is_date)
        if isinstance(c, ir.InPeriod):
            x = val(c.left)
            return x is not None and self.in_period(x, c.period)
        if isinstance(c, ir.IsTrue):
            return val(c.value) is True
        if isinstance(c, ir.Rank):
            if ev_row is not None:
                raise TypeError("a ranking inside an event condition")
            key = self.catalog.entities[entity].key
            return row[key] in self.rank_members(c, entity)
        if isinstance(c, ir.Sequence):
            return self.sequence(c, row, entity)
        if isinstance(c, ir.Within):
            lat, lon = val(c.lat), val(c.lon)
            if lat is None or lon is None:
                return False
            d = haversine_km(float(lat), float(lon), float(c.center_lat), float(c.center_lon))
            return d <= float(c.km) + DISTANCE_SLACK_KM
        if isinstance(c, ir.Sample):
            return sample_hash(c.seed, row[c.key]) < sample_threshold(c.percent)
        raise TypeError(f"oracle: unknown condition {c!r}")

    def rank_members(self, c: ir.Rank, entity: str) -> frozenset[Any]:
        cached = self._rank_cache.get((entity, c))
        if cached is not None:
            return cached
        key = self.catalog.entities[entity].key
        # One ranking per group; without `per`, the whole entity is one group. A missing
        # group value is in no group at all.
        groups: dict[Any, dict[Any, Any]] = {}
        for r in self.entity_rows(entity):
            group = None if c.per is None else r[c.per.column]
            if c.per is not None and group is None:
                continue
            groups.setdefault(group, {})[r[key]] = self.value(c.by, r, entity, None)
        out = set()
        for xs in groups.values():
            values = [x for x in xs.values() if x is not None]
            limit = Fraction(c.percent) / 100 * len(values)
            for k, x in xs.items():
                if x is None:
                    continue
                if c.direction == "top":
                    better = sum(1 for y in values if y > x)
                else:
                    better = sum(1 for y in values if y < x)
                if better < limit:
                    out.add(k)
        result = frozenset(out)
        self._rank_cache[(entity, c)] = result
        return result

    # ---- values ----------------------------------------------------------------------------
    def value(
        self, v: ir.Value, row: dict[str, Any], entity: str, ev_row: dict[str, Any] | None
    ) -> Any:
        if isinstance(v, ir.Const):
            return _num(v.value)
        if isinstance(v, ir.Ago):
            return self.ago(v.duration, v.type.value == "date")
        if isinstance(v, ir.Attr):
            return _num(row[v.column])
        if isinstance(v, ir.EventField):
            if ev_row is None:
                raise TypeError(f"event field {v.name} outside an event condition")
            return _num(ev_row[v.column])
        if isinstance(v, ir.MeasureRef):
            return self.value(v.expr, row, entity, ev_row)
        if isinstance(v, ir.Neg):
            x = self.value(v.operand, row, entity, ev_row)
            return None if x is None else -x
        if isinstance(v, ir.Arith):
            a = self.value(v.left, row, entity, ev_row)
            b = self.value(v.right, row, entity, ev_row)
            if a is None or b is None:
                return None
            if v.op == "+":
                return a + b
            if v.op == "-":
                return a - b
            if v.op == "*":
                return a * b
            if v.op == "/":
                return None if b == 0 else Fraction(a) / Fraction(b)
            raise ValueError(v.op)
        if isinstance(v, ir.Aggregate):
            return self.aggregate(v, row, entity)
        if isinstance(v, ir.TimePart):
            if ev_row is None:
                raise TypeError(f"{v.part} outside an event condition")
            stamp = ev_row[v.column]
            if stamp is None:
                return None
            if isinstance(stamp, dt.datetime):
                stamp = to_local(stamp, self.zone)
            if v.part == "day_of_week":
                return Fraction(stamp.isoweekday())
            return Fraction(stamp.hour)
        if isinstance(v, ir.Score):
            key = self.catalog.entities[entity].key
            return self.scores(v, entity).get(row[key])
        if isinstance(v, ir.ClassOf):
            for name, cond in zip(v.names, v.conds, strict=True):
                if self.truth(cond, row, entity, None):
                    return name
            return v.catchall
        raise TypeError(f"oracle: unknown value {v!r}")

    def scores(self, s: ir.Score, entity: str) -> dict[Any, Fraction]:
        """Every entity's score, by brute force over the entity's rows."""
        cached = self._score_cache.get((entity, s))
        if cached is not None:
            return cached
        key = self.catalog.entities[entity].key
        groups: dict[Any, dict[Any, Any]] = {}
        for r in self.entity_rows(entity):
            group = None if s.per is None else r[s.per.column]
            if s.per is not None and group is None:
                continue
            x = self.value(s.by, r, entity, None)
            if x is not None:
                groups.setdefault(group, {})[r[key]] = x
        out: dict[Any, Fraction] = {}
        for xs in groups.values():
            n = len(xs)
            for k, x in xs.items():
                below = sum(1 for y in xs.values() if y < x)
                out[k] = Fraction(1 + (s.n * below) // n)
        self._score_cache[(entity, s)] = out
        return out

    def aggregate(self, a: ir.Aggregate, row: dict[str, Any], entity: str) -> Any:
        ev = self.catalog.events[a.event]
        events = self.matching_events(a.event, row, entity, a.window, a.until, a.where, a.period)
        if a.func in ("first", "last") and a.field is not None:
            stamps = [e[ev.timestamp] for e in events]
            if not stamps:
                return None
            at = min(stamps) if a.func == "first" else max(stamps)
            values = [_num(e[a.field.column]) for e in events if e[ev.timestamp] == at]
            present = [x for x in values if x is not None]
            return max(present) if present else None
        if a.func == "most_frequent":
            assert a.field is not None
            counts: dict[Any, int] = {}
            for e in events:
                x = _num(e[a.field.column])
                if x is not None:
                    counts[x] = counts.get(x, 0) + 1
            if not counts:
                return None
            top = max(counts.values())
            return min(x for x, c in counts.items() if c == top)
        if a.func == "count":
            return Fraction(len(events))
        if a.func in ("first", "last"):
            stamps = [e[ev.timestamp] for e in events]
            if not stamps:
                return None
            return min(stamps) if a.func == "first" else max(stamps)
        assert a.field is not None
        values = [_num(e[a.field.column]) for e in events]
        values = [x for x in values if x is not None]
        if a.func == "count_distinct":
            return Fraction(len(set(values)))
        if a.func == "sum":
            return sum(values, Fraction(0))
        if not values:
            return None
        if a.func == "avg":
            return sum(values, Fraction(0)) / len(values)
        if a.func == "min":
            return min(values)
        if a.func == "max":
            return max(values)
        raise ValueError(a.func)

    def matching_events(
        self,
        event: str,
        row: dict[str, Any],
        entity: str,
        window: ir.Duration | None,
        until: ir.Duration | None,
        where: ir.Cond | None,
        period: ir.Period | None = None,
    ) -> list[dict[str, Any]]:
        """The entity's events of one kind that exist at T, inside the window (far end
        exclusive, near end inclusive) and satisfying the condition."""
        ev = self.catalog.events[event]
        is_date = ev.timestamp_type.value == "date"
        key = self.catalog.entities[entity].key
        events: Iterable[dict[str, Any]] = self.visible_events(event).get(row[key], [])
        if window is not None:
            start = self.ago(window, is_date)
            events = [e for e in events if e[ev.timestamp] > start]
        if until is not None:
            end = self.ago(until, is_date)
            events = [e for e in events if e[ev.timestamp] <= end]
        if period is not None:
            events = [e for e in events if self.in_period(e[ev.timestamp], period)]
        if where is not None:
            events = [e for e in events if self.truth(where, row, entity, e)]
        return list(events)

    def sequence(self, s: ir.Sequence, row: dict[str, Any], entity: str) -> bool:
        """Brute force over every pair (e1, e2): no ordering trick to get wrong."""
        ev1, ev2 = self.catalog.events[s.first], self.catalog.events[s.second]
        now = self.now(ev1.timestamp_type.value == "date")
        span = fixed_length(s.within)
        firsts = self.matching_events(
            s.first, row, entity, s.window, s.until, s.first_where, s.period
        )
        seconds = self.matching_events(s.second, row, entity, None, None, s.second_where)
        later = [e[ev2.timestamp] for e in seconds]
        for e1 in firsts:
            t1 = e1[ev1.timestamp]
            followed = any(t1 < t2 <= t1 + span for t2 in later)
            if not s.absent and followed:
                return True
            if s.absent and t1 + span <= now and not followed:
                return True
        return False
