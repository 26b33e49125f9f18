"""`within D km of (LAT, LON)` (haversine) and `sample P% [seed]` (a hash of key and
seed): the two conditions computed from the entity's own columns by a formula."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from sqlglot import exp

from segdsl.semantic import ir
from segdsl.sql.dialects import Capabilities, unsupported
from segdsl.sql.literals import number
from segdsl.sql.names import col
from segdsl.sql.nodes import and_, cast, num

EARTH_RADIUS_KM = Decimal("6371.0088")
# `within D km` holds up to 1 mm beyond D, so that a point on the circle is inside on
# every engine, whatever the last bit of its sine.
DISTANCE_TOLERANCE_KM = Decimal("0.000001")


def haversine_limit(km: Decimal) -> Decimal | None:
    """hav((D + tolerance) / R), or None when the circle covers the whole globe."""
    angle = float(km + DISTANCE_TOLERANCE_KM) / float(EARTH_RADIUS_KM)
    if angle >= math.pi:
        return None
    return Decimal(repr(math.sin(angle / 2) ** 2))


def sample_threshold(percent: Decimal) -> int | None:
    """Members of `sample P%` are the keys whose hash, read as a 32-bit number, is
    below this threshold; None for 0%."""
    t = int(Fraction(percent) * (1 << 32) / 100)
    return t if t > 0 else None


def within_sql(c: ir.Within) -> exp.Expr:
    """Haversine: hav(d/R) = sin²(Δφ/2) + cos φ · cos φ0 · sin²(Δλ/2), compared with
    hav((D + 1 mm)/R) computed here, so each row needs only SIN and COS."""
    lat = cast(col(c.lat.name), exp.DataType.Type.DOUBLE)
    lon = cast(col(c.lon.name), exp.DataType.Type.DOUBLE)
    half_rad = Decimal(repr(math.pi / 360))

    def sin_sq(v: exp.Expr, center: Decimal) -> exp.Expr:
        arg = exp.Mul(
            this=exp.Paren(this=exp.Sub(this=v, expression=number(center))),
            expression=number(half_rad),
        )
        return exp.Mul(this=exp.Sin(this=arg), expression=exp.Sin(this=arg.copy()))

    cos_lat = exp.Cos(this=exp.Mul(this=lat.copy(), expression=number(2 * half_rad)))
    cos_center = Decimal(repr(math.cos(math.radians(float(c.center_lat)))))
    h = exp.Add(
        this=sin_sq(lat, c.center_lat),
        expression=exp.Mul(
            this=exp.Mul(this=cos_lat, expression=number(cos_center)),
            expression=sin_sq(lon, c.center_lon),
        ),
    )
    limit = haversine_limit(c.km)
    if limit is None:  # the whole globe
        return and_(
            exp.Not(this=exp.Is(this=lat.copy(), expression=exp.Null())),
            exp.Not(this=exp.Is(this=lon.copy(), expression=exp.Null())),
        )
    return exp.LTE(this=h, expression=number(limit))


def sample_sql(c: ir.Sample, caps: Capabilities, dialect: str) -> exp.Expr:
    threshold = sample_threshold(c.percent)
    if threshold is None:
        return exp.false()
    if threshold >= 1 << 32:
        return exp.true()
    if not caps.md5_hex:
        raise unsupported(dialect, "`sample` (MD5 as hexadecimal text)")
    text = exp.Concat(
        expressions=[
            exp.Literal.string(c.seed + ":"),
            cast(col(c.key), exp.DataType.Type.VARCHAR),
        ]
    )
    prefix = exp.Substring(this=exp.MD5(this=text), start=num(1), length=num(8))
    return exp.LT(this=prefix, expression=exp.Literal.string(f"{threshold:08x}"))
