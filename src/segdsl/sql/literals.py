"""Literals of every logical type, and the as-of instant T: a literal when known, else
the engine's current time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlglot import exp

from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.semantic.timecalc import (
    UTC,
    local_date,
    minus_date,
    minus_in_zone,
    period_dates,
    period_instants,
)
from segdsl.sql.dialects import (
    capabilities,
    current_instant,
    minus_interval,
    timestamp_type,
    unsupported,
)
from segdsl.sql.nodes import cast, num


def literal(value: ir.Scalar, t: Type, dialect: str | None = None) -> exp.Expr:
    if t is Type.BOOLEAN:
        return exp.true() if value else exp.false()
    if t is Type.STRING:
        return exp.Literal.string(str(value))
    if t is Type.DATE:
        assert isinstance(value, dt.date)
        return cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    if t is Type.TIMESTAMP:
        assert isinstance(value, dt.datetime)
        to = (
            timestamp_type(capabilities(dialect), dialect)
            if dialect
            else exp.DataType.Type.TIMESTAMP
        )
        return cast(exp.Literal.string(value.isoformat(sep=" ")), to)
    if isinstance(value, bool):  # pragma: no cover - booleans handled above
        raise TypeError(value)
    if isinstance(value, int):
        return num(value) if value >= 0 else exp.Neg(this=num(-value))
    dec = Decimal(str(value))
    text = format(dec.normalize(), "f") if dec == dec.to_integral_value() else format(dec, "f")
    if dec < 0:
        return exp.Neg(this=num(text.lstrip("-")))
    return num(text)


def number(value: Decimal) -> exp.Expr:
    return literal(value, Type.NUMBER)


@dataclass(frozen=True)
class AsOf:
    """The as-of instant T: a literal when known, else the engine's current time."""

    instant: dt.datetime | None
    # The dialect decides the literal's type and, without an instant, how the current
    # UTC time and intervals are spelled (dialects.current_instant, minus_interval).
    dialect: str | None = None
    # The project's time zone: date(T) is T's date there, and months step on its clock.
    zone: str = UTC

    def today(self) -> dt.date:
        assert self.instant is not None
        return local_date(self.instant, self.zone)

    def now(self, t: Type) -> exp.Expr:
        if self.instant is None:
            caps = capabilities(self.dialect or "")
            if t is Type.DATE and self.zone != UTC:
                if caps.now != "at_time_zone":
                    raise unsupported(
                        self.dialect or "this dialect",
                        f"today's date in the time zone {self.zone} without --as-of",
                        hint="pass --as-of (a date or timestamp) to compile this rule",
                    )
                here = exp.AtTimeZone(
                    this=exp.CurrentTimestamp(), zone=exp.Literal.string(self.zone)
                )
                return exp.cast(here, exp.DataType.Type.DATE)
            return current_instant(caps, t)
        if t is Type.DATE:
            return literal(self.today(), Type.DATE)
        return literal(self.instant, Type.TIMESTAMP, self.dialect)

    def ago(self, d: ir.Duration, t: Type) -> exp.Expr:
        if self.instant is not None:
            if t is Type.DATE:
                return literal(minus_date(self.today(), d), Type.DATE)
            return literal(minus_in_zone(self.instant, d, self.zone), Type.TIMESTAMP, self.dialect)
        caps = capabilities(self.dialect or "")
        return minus_interval(caps, self.now(t), d.amount, d.unit, t)

    def sort_key(self, d: ir.Duration) -> dt.datetime | None:
        return minus_in_zone(self.instant, d, self.zone) if self.instant is not None else None

    def period(self, p: ir.Period, t: Type) -> tuple[exp.Expr, exp.Expr, bool]:
        """A calendar window as literals ``(start, end, end_included)``: `in this UNIT`
        is ``start ≤ x ≤ T``, `in previous N UNITs` is ``start ≤ x < end`` (§11). The
        bounds are computed here from T and the zone, so they need a known T."""
        if self.instant is None:
            raise unsupported(
                self.dialect or "this dialect",
                f"the calendar window `in {p}` without --as-of",
                hint="calendar windows are computed from the as-of instant when compiling: "
                "pass --as-of with a date or timestamp",
            )
        if t is Type.DATE:
            first, last, inc = period_dates(self.instant, p, self.zone)
            return literal(first, Type.DATE), literal(last, Type.DATE), inc
        start, end, inc = period_instants(self.instant, p, self.zone)
        return (
            literal(start, Type.TIMESTAMP, self.dialect),
            literal(end, Type.TIMESTAMP, self.dialect),
            inc,
        )

    def in_period(self, x: exp.Expr, p: ir.Period, t: Type) -> exp.Expr:
        """``x`` inside the calendar window ``p``."""
        start, end, inc = self.period(p, t)
        upper: exp.Expr = (
            exp.LTE(this=x.copy(), expression=end) if inc else exp.LT(this=x.copy(), expression=end)
        )
        return exp.And(this=exp.GTE(this=x, expression=start), expression=upper)
