"""Literals of every logical type, and the as-of instant T: a literal when known, else
the engine's current time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlglot import exp

from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.semantic.timecalc import minus, minus_date
from segdsl.sql.dialects import capabilities, current_instant, minus_interval, timestamp_type
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

    def now(self, t: Type) -> exp.Expr:
        if self.instant is None:
            return current_instant(capabilities(self.dialect or ""), t)
        if t is Type.DATE:
            return literal(self.instant.date(), Type.DATE)
        return literal(self.instant, Type.TIMESTAMP, self.dialect)

    def ago(self, d: ir.Duration, t: Type) -> exp.Expr:
        if self.instant is not None:
            if t is Type.DATE:
                return literal(minus_date(self.instant.date(), d), Type.DATE)
            return literal(minus(self.instant, d), Type.TIMESTAMP, self.dialect)
        caps = capabilities(self.dialect or "")
        return minus_interval(caps, self.now(t), d.amount, d.unit, t)

    def sort_key(self, d: ir.Duration) -> dt.datetime | None:
        return minus(self.instant, d) if self.instant is not None else None
