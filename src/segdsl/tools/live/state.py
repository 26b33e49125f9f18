"""Per-profile state: attributes, one log per (event kind, event condition), the
segments the profile is in, and when each segment must be looked at again.

A log keeps the events of one kind that pass one event condition, sorted by time, with
only the fields the project's rules read. Events that can never again fall inside any
window of the rules that read the log are folded into a summary (counts, sums, minima,
maxima, first and last time, distinct values where a rule counts them) or dropped when
no rule reads them without a window — so a log holds at most the events of its longest
window. A log that a sequence without a window reads keeps every event's time (an
``E1 → E2`` pair can be found from any two times).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import operator
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from segdsl.tools.live.times import iso
from segdsl.tools.live.values import exact, number_from_json, number_json

Stamp = dt.datetime | dt.date


@dataclass
class FieldSummary:
    """Folded values of one field: how many were set, their sum, least and greatest,
    and (only where a rule counts distinct values without a window) the set."""

    n: int = 0
    total: Any = 0
    low: Any = None
    high: Any = None
    distinct: set[Any] | None = None

    def add(self, v: Any) -> None:
        if v is None:
            return
        self.n += 1
        if not isinstance(v, str | bool | dt.date):
            self.total = exact(operator.add, self.total, v)
        if self.low is None or v < self.low:
            self.low = v
        if self.high is None or v > self.high:
            self.high = v
        if self.distinct is not None:
            self.distinct.add(v)


@dataclass
class Summary:
    n: int = 0
    first: Stamp | None = None
    last: Stamp | None = None
    fields: list[FieldSummary] = field(default_factory=list)


class Sums:
    """Running sums of one numeric field of a log, exact and in whole numbers: every
    value is held as a multiple of ``1/scale`` (the least common denominator of the
    values seen: binary floats are fractions over powers of two, decimals over powers
    of ten), ``pre[k]`` is the sum of the first k events' values times ``scale`` and
    ``cnt[k]`` how many of them are set (``negative``: where the last value below zero
    is, so a window without one is known to lose sum as events leave). The sum of the events ``[i, j)`` is
    ``(pre[j] − pre[i]) / scale`` — two list reads and a subtraction of integers, not a
    walk over the window with fraction arithmetic. Derived from the log (never saved)."""

    __slots__ = ("cnt", "negative", "pre", "scale")

    def __init__(self, vals: list[tuple[Any, ...]], fi: int) -> None:
        self.scale = 1
        self.pre = [0]
        self.cnt = [0]
        self.negative = -1  # the place of the last negative value (-1: none)
        for v in vals:
            self.add(v[fi])

    def add(self, v: Any) -> None:
        pre = self.pre
        if v is None:
            pre.append(pre[-1])
            self.cnt.append(self.cnt[-1])
            return
        kind = type(v)
        if kind is int:
            pre.append(pre[-1] + v * self.scale)
        else:
            if kind is Fraction:
                top, den = v.numerator, v.denominator
            else:  # a decimal: its exact ratio, without making a Fraction
                top, den = v.as_integer_ratio()
            if self.scale % den:
                grow = math.lcm(self.scale, den) // self.scale
                self.scale *= grow
                self.pre = pre = [x * grow for x in pre]
            pre.append(pre[-1] + top * (self.scale // den))
        if v < 0:
            self.negative = len(pre) - 2
        self.cnt.append(self.cnt[-1] + 1)

    def total(self, i: int, j: int) -> Any:
        """The exact sum of the events ``[i, j)``: an int when it is whole."""
        diff = self.pre[j] - self.pre[i]
        if self.scale == 1:
            return diff
        f = Fraction(diff, self.scale)
        return f.numerator if f.denominator == 1 else f

    def drop(self, i: int) -> None:
        """The first ``i`` events have left the log."""
        del self.pre[:i]
        del self.cnt[:i]
        self.negative = max(self.negative - i, -1)


@dataclass
class Log:
    ts: list[Stamp] = field(default_factory=list)
    vals: list[tuple[Any, ...]] = field(default_factory=list)
    summary: Summary | None = None
    # running sums per field index, made when a rule first asks (see :class:`Sums`)
    sums: dict[int, Sums] = field(default_factory=dict, compare=False, repr=False)

    def sums_of(self, fi: int) -> Sums:
        found = self.sums.get(fi)
        if found is None:
            found = Sums(self.vals, fi)
            if self.vals:  # kept from here on (an empty log's are made again: cheap)
                self.sums[fi] = found
        return found

    def add(self, stamp: Stamp, values: tuple[Any, ...]) -> None:
        ts = self.ts
        if not ts or stamp >= ts[-1]:
            ts.append(stamp)
            self.vals.append(values)
            for fi, sums in self.sums.items():
                sums.add(values[fi])
            return
        i = bisect.bisect_right(ts, stamp)
        ts.insert(i, stamp)
        self.vals.insert(i, values)
        if self.sums:  # a late event: made again when next asked
            self.sums = {}

    def fold(self, upto: Stamp, keep_summary: bool, distinct: tuple[bool, ...]) -> None:
        """Move the events stamped at or before ``upto`` into the summary (or drop
        them when no rule reads this log without a window)."""
        i = bisect.bisect_right(self.ts, upto)
        if i == 0:
            return
        if keep_summary:
            for stamp, values in zip(self.ts[:i], self.vals[:i], strict=True):
                self.fold_one(stamp, values, distinct)
        del self.ts[:i]
        del self.vals[:i]
        for sums in self.sums.values():
            sums.drop(i)

    def fold_one(self, stamp: Stamp, values: tuple[Any, ...], distinct: tuple[bool, ...]) -> None:
        s = self.summary
        if s is None:
            s = self.summary = Summary(
                fields=[FieldSummary(distinct=set() if d else None) for d in distinct]
            )
        s.n += 1
        if s.first is None or stamp < s.first:
            s.first = stamp
        if s.last is None or stamp > s.last:
            s.last = stamp
        for fs, v in zip(s.fields, values, strict=True):
            fs.add(v)


@dataclass
class Profile:
    entity: str
    key: Any
    attrs: dict[str, Any] = field(default_factory=dict)
    logs: dict[int, Log] = field(default_factory=dict)
    ids: dict[str, dt.datetime] = field(default_factory=dict)  # event id → its instant
    # the live segments it is in: bit i for the evaluator's i-th segment (its
    # SegmentPlan.bit; a whole number kept in the profile, not a set of names)
    members: int = 0
    wakes: dict[str, dt.datetime] = field(default_factory=dict)
    # the wake this profile is queued under (the earliest of ``wakes`` when it was
    # last evaluated); a queued entry with another instant is stale
    queued: dt.datetime | None = None
    # for a segment with a top-level `and` it is not in: the part found false (not
    # kept in the state file: without it the segment is simply evaluated)
    blocked: dict[str, int] = field(default_factory=dict)
    # the segments in ``blocked``, a bit each (SegmentPlan.bit): the dict is looked at
    # only for them
    blocked_bits: int = 0
    # its place among profiles waking at the same instant (the key's repr: the same
    # order after a restart from the state file)
    order: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.order = repr(self.key)

    def wake(self) -> dt.datetime | None:
        return min(self.wakes.values()) if self.wakes else None


# ---- JSON ---------------------------------------------------------------------------


def stamp_json(s: Stamp) -> str:
    return iso(s)[:-1] if isinstance(s, dt.datetime) else iso(s)


def stamp_from_json(text: str, is_date: bool) -> Stamp:
    return dt.date.fromisoformat(text) if is_date else dt.datetime.fromisoformat(text)


def value_json(v: Any) -> Any:
    """A field value in the state file: numbers exact, times as text with a marker."""
    if isinstance(v, dt.datetime):
        return {"t": stamp_json(v)}
    if isinstance(v, dt.date):
        return {"d": v.isoformat()}
    if isinstance(v, list):
        return {"l": [value_json(x) for x in v]}
    if isinstance(v, Fraction):
        return {"f": number_json(v)}
    if isinstance(v, Decimal):
        # a JSON number when it reads back as the same decimal (the state file is read
        # with decimals for numbers with a point), else exact text
        if v.is_finite() and Decimal(repr(float(v))) == v:
            return float(v)
        return {"n": str(v)}
    return v


def value_from_json(raw: Any) -> Any:
    if isinstance(raw, dict):
        if "t" in raw:
            return dt.datetime.fromisoformat(raw["t"])
        if "d" in raw:
            return dt.date.fromisoformat(raw["d"])
        if "f" in raw:
            return number_from_json(raw["f"])
        if "n" in raw:
            return Decimal(raw["n"])
        return [value_from_json(x) for x in raw["l"]]
    if isinstance(raw, float):  # pragma: no cover - files are read with parse_float=Decimal
        return Decimal(repr(raw))
    return raw
