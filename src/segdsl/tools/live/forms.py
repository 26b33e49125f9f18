"""The pieces of the live plan that do not depend on the compiler's state: which IR
forms it understands (:func:`guard`), comparisons, ``and``/``or``, distances, samples."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from segdsl.semantic import ir
from segdsl.semantic.timecalc import UTC, local_date
from segdsl.tools.live.ctx import Ctx
from segdsl.tools.live.times import to_local

Fn = Callable[[Any], Any]


class NotLive(Exception):
    """A form that live evaluation does not support (the message says which, why)."""


OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def align(a: Any, b: Any, zone: str = UTC) -> tuple[Any, Any]:
    """A date meets a timestamp on the calendar day in the project's ``zone`` (the
    resolver's reading of a date literal, language.md §11): the timestamp's local date."""
    a_ts, b_ts = isinstance(a, dt.datetime), isinstance(b, dt.datetime)
    if a_ts and not b_ts and isinstance(b, dt.date):
        return (a.date() if zone == UTC else local_date(a, zone)), b
    if b_ts and not a_ts and isinstance(a, dt.date):
        return a, (b.date() if zone == UTC else local_date(b, zone))
    return a, b


EARTH_RADIUS_KM = 6371.0088
DISTANCE_TOLERANCE_KM = Decimal("0.000001")


def connect(parts: list[Fn], conj: bool) -> Fn:
    """``and`` / ``or`` over compiled parts, stopping at the first that decides."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        if conj:
            return lambda x: a(x) and b(x)
        return lambda x: a(x) or b(x)
    if len(parts) == 3:
        a, b, c = parts
        if conj:
            return lambda x: a(x) and b(x) and c(x)
        return lambda x: a(x) or b(x) or c(x)
    items = tuple(parts)
    if conj:

        def all_of(x: Any) -> bool:
            for p in items:  # noqa: SIM110 - a loop is faster than all(generator)
                if not p(x):
                    return False
            return True

        return all_of

    def any_of(x: Any) -> bool:
        for p in items:  # noqa: SIM110
            if p(x):
                return True
        return False

    return any_of


# The fields of each IR node that live evaluation understands. A node that carries
# another field with a non-default value (a form added to the language later) is
# reported as not live rather than evaluated without it.
KNOWN_FIELDS: dict[type, frozenset[str]] = {
    ir.Aggregate: frozenset(
        {"func", "event", "field", "window", "where", "result_type", "until", "period"}
    ),
    ir.InPeriod: frozenset({"left", "period"}),
    ir.Sequence: frozenset(
        {
            "first",
            "window",
            "until",
            "first_where",
            "absent",
            "second",
            "within",
            "second_where",
            "period",
        }
    ),
    ir.InLast: frozenset({"left", "duration"}),
    ir.Ago: frozenset({"duration", "point_type"}),
    ir.Compare: frozenset({"op", "left", "right"}),
    ir.Between: frozenset({"left", "low", "high"}),
    ir.InValues: frozenset({"left", "values"}),
    ir.IsMissing: frozenset({"left"}),
    ir.TextMatch: frozenset({"op", "left", "text"}),
    ir.ListHas: frozenset({"mode", "left", "values"}),
    ir.IsTrue: frozenset({"value"}),
    ir.InSegment: frozenset({"name", "cond"}),
    ir.Rank: frozenset({"direction", "percent", "by", "per"}),
    ir.Score: frozenset({"n", "by", "per"}),
    ir.ClassOf: frozenset({"segmentation", "names", "conds", "catchall"}),
    ir.Within: frozenset({"lat", "lon", "center_lat", "center_lon", "km"}),
    ir.Sample: frozenset({"percent", "seed", "key"}),
    ir.Not: frozenset({"operand"}),
    ir.And: frozenset({"items"}),
    ir.Or: frozenset({"items"}),
    ir.Literal: frozenset({"value"}),
    ir.Const: frozenset({"value", "const_type"}),
    ir.Attr: frozenset({"entity", "name", "column", "attr_type"}),
    ir.EventField: frozenset({"event", "name", "column", "field_type"}),
    ir.Arith: frozenset({"op", "left", "right"}),
    ir.Neg: frozenset({"operand"}),
    ir.MeasureRef: frozenset({"name", "expr"}),
    ir.TimePart: frozenset({"part", "event", "column", "stamp_type"}),
    ir.Duration: frozenset({"amount", "unit"}),
}
UNITS = frozenset({"day", "week", "month", "year"})


def guard(node: object) -> None:
    """Raise NotLive for a node of an unknown kind or with an unknown field set."""
    known = KNOWN_FIELDS.get(type(node))
    if known is None:
        name = type(node).__name__
        raise NotLive(f"`{name}` is not evaluated live yet")
    for f in dataclasses.fields(node):  # type: ignore[arg-type]
        value = getattr(node, f.name)
        if f.name not in known:
            default: Any = dataclasses.MISSING
            if f.default is not dataclasses.MISSING:
                default = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            if default is dataclasses.MISSING or value != default:
                fallback = f"`{type(node).__name__}` with `{f.name}` is not evaluated live yet"
                raise NotLive(fallback)
        elif isinstance(value, ir.Duration):
            guard(value)
            if value.unit not in UNITS:
                raise NotLive(f"windows in {value.unit}s are not evaluated live yet")


def within_fn(c: ir.Within) -> Fn:
    """`within D km of (φ, λ)`, computed as the SQL does: haversine against
    hav((D + 1 mm) / R), so that a point on the circle is inside on both."""
    lat_col, lon_col = c.lat.column, c.lon.column
    lat0, lon0 = float(c.center_lat), float(c.center_lon)
    angle = float(c.km + DISTANCE_TOLERANCE_KM) / EARTH_RADIUS_KM
    whole = angle >= math.pi
    limit = float(Decimal(repr(math.sin(angle / 2) ** 2))) if not whole else 0.0
    half = math.pi / 360
    cos0 = math.cos(math.radians(lat0))

    def within(ctx: Ctx) -> bool:
        lat, lon = ctx.attrs.get(lat_col), ctx.attrs.get(lon_col)
        if lat is None or lon is None:
            return False
        if whole:
            return True
        lat_f, lon_f = float(lat), float(lon)
        h = math.sin((lat_f - lat0) * half) ** 2 + math.cos(lat_f * 2 * half) * cos0 * (
            math.sin((lon_f - lon0) * half) ** 2
        )
        return h <= limit

    return within


def sample_fn(c: ir.Sample) -> Fn:
    """`sample P% seed s`: the first 32 bits of MD5("s:key") below P% of 2³²."""

    threshold = int(Fraction(c.percent) * (1 << 32) / 100)
    seed = c.seed + ":"

    def sample(ctx: Ctx) -> bool:
        if threshold <= 0:
            return False
        text = (seed + str(ctx.key)).encode("utf-8")
        return int(hashlib.md5(text).hexdigest()[:8], 16) < threshold

    return sample


def time_part_fn(part: str, column: str, zone: str) -> Fn:
    """``day_of_week`` (1 = Monday … 7 = Sunday) or ``hour_of_day`` of an event's time in
    the project's zone, as the SQL reads it (sql/timeparts.py): a timestamp (naive UTC)
    is moved to the zone's wall clock; a date is a calendar day (no zone)."""
    hour = part == "hour_of_day"

    def time_part(row: Any) -> Any:
        stamp = row.get(column)
        if stamp is None:
            return None
        if isinstance(stamp, dt.datetime):
            local = to_local(stamp, zone)
            return local.hour if hour else local.isoweekday()
        return None if hour else stamp.isoweekday()

    return time_part
