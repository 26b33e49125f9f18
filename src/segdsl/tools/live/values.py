"""Values of attributes and event fields, as live evaluation holds them.

Numbers are exact (``int`` or :class:`fractions.Fraction`, as the contract's arithmetic
is exact); dates are :class:`datetime.date`, timestamps naive UTC
:class:`datetime.datetime`; lists are Python lists. ``None`` is a missing value. Input
comes from JSON (numbers as written: ``0.1`` is one tenth) or from Python (a warehouse
row): :func:`coerce` accepts both and raises :class:`BadValue` with the reader's words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from segdsl.catalog.types import Type, describe
from segdsl.tools.live.times import iso, parse_instant


class BadValue(ValueError):
    """A value that does not fit its declared type (the message says why)."""


def num(v: Any) -> Any:
    """A number as an exact value: ints and decimals (JSON numbers with a point are
    read as decimals) stay as they are, binary floats become exact fractions."""
    if v is None or isinstance(v, bool | int | Decimal):
        return v
    if isinstance(v, Fraction):
        return v.numerator if v.denominator == 1 else v
    if isinstance(v, float):
        f = Fraction(v)
        return f.numerator if f.denominator == 1 else f
    return v


def exact(op: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    """``op(a, b)`` on exact numbers: a decimal meets a fraction as a fraction."""
    try:
        return op(a, b)
    except TypeError:
        return op(Fraction(a), Fraction(b))


def coerce(t: Type, raw: Any) -> Any:
    """``raw`` read as a value of type ``t`` (``None`` stays missing)."""
    if raw is None:
        return None
    if t is Type.INTEGER:
        if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | Fraction):
            raise BadValue(f"expected {describe(t)}, got {_shown(raw)}")
        value = num(raw) if not isinstance(raw, float) or math.isfinite(raw) else None
        if not isinstance(value, int):
            raise BadValue(f"expected {describe(t)}, got {_shown(raw)}")
        return value
    if t is Type.NUMBER:
        if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | Fraction):
            raise BadValue(f"expected {describe(t)}, got {_shown(raw)}")
        if isinstance(raw, float) and not math.isfinite(raw):
            raise BadValue(f"expected a finite number, got {_shown(raw)}")
        if isinstance(raw, Decimal) and not raw.is_finite():
            raise BadValue(f"expected a finite number, got {_shown(raw)}")
        return num(raw)
    if t is Type.STRING:
        if not isinstance(raw, str):
            raise BadValue(f"expected {describe(t)}, got {_shown(raw)}")
        return raw
    if t is Type.BOOLEAN:
        if not isinstance(raw, bool):
            raise BadValue(f"expected true or false, got {_shown(raw)}")
        return raw
    if t is Type.DATE:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw) if len(raw) == 10 else parse_instant(raw).date()
            except ValueError:
                pass
        raise BadValue(f"expected a date such as 2026-06-01, got {_shown(raw)}")
    if t is Type.TIMESTAMP:
        if isinstance(raw, dt.datetime):
            if raw.tzinfo is not None:
                return raw.astimezone(dt.UTC).replace(tzinfo=None)
            return raw
        if isinstance(raw, dt.date):
            return dt.datetime.combine(raw, dt.time())
        if isinstance(raw, str):
            try:
                return parse_instant(raw)
            except ValueError:
                pass
        raise BadValue(f"expected a timestamp such as 2026-06-01T10:00:00Z, got {_shown(raw)}")
    # lists
    if not isinstance(raw, list | tuple):
        raise BadValue(f"expected {describe(t)} (a JSON array), got {_shown(raw)}")
    return [coerce(t.element, item) for item in raw]


def coercer(t: Type) -> Callable[[Any], Any]:
    """:func:`coerce` for one type, answering the common case — a value already of the
    type's own kind — without the walk through every type; anything else goes to
    :func:`coerce` (the same values, the same errors)."""
    if t is Type.STRING:
        return lambda raw: raw if type(raw) is str else coerce(Type.STRING, raw)
    if t is Type.INTEGER:
        return lambda raw: raw if type(raw) is int else coerce(Type.INTEGER, raw)
    if t is Type.NUMBER:

        def number(raw: Any) -> Any:
            kind = type(raw)
            if kind is int or (kind is Decimal and raw.is_finite()):
                return raw
            return coerce(Type.NUMBER, raw)

        return number
    if t is Type.TIMESTAMP:

        def timestamp(raw: Any) -> Any:
            if type(raw) is dt.datetime and raw.tzinfo is None:
                return raw
            if type(raw) is str and 10 < len(raw) <= 40 and raw[-1] == "Z":
                try:  # an instant in UTC, as the protocol writes them ("Z": offset 0)
                    return dt.datetime.fromisoformat(raw).replace(tzinfo=None)
                except ValueError:
                    pass  # coerce gives its own error
            return coerce(Type.TIMESTAMP, raw)

        return timestamp
    return lambda raw: coerce(t, raw)


def to_json(t: Type, value: Any) -> Any:
    """A held value as JSON (the inverse of :func:`coerce`)."""
    if value is None:
        return None
    if t.is_list:
        return [to_json(t.element, x) for x in value]
    if t is Type.NUMBER or t is Type.INTEGER:
        return number_json(value)
    if t.is_temporal:
        return iso(value)
    return value


def number_json(value: Any) -> Any:
    """An exact number as JSON: an int, or ``"n/d"`` text for a fraction (exact)."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        return f"{value.numerator}/{value.denominator}"
    return value


def number_from_json(raw: Any) -> Any:
    if isinstance(raw, str):
        return num(Fraction(raw))
    return num(raw)


def _shown(raw: Any) -> str:
    text = repr(raw) if not isinstance(raw, str) else '"' + raw + '"'
    return text if len(text) <= 40 else text[:37] + "…"
