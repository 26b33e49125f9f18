"""Readable thresholds.

A split ``x <= t`` found on the data has a threshold like ``183.4700012``. Every
threshold in the split's free interval ``[low, high)`` divides the sample exactly as
``t`` does, so the most readable number in that interval (the fewest significant
digits; among those, the one closest to the middle) changes nothing. When the interval
only holds numbers with more than :data:`MAX_DIGITS` significant digits, the threshold
is rounded to that many digits anyway, and the report counts the sample points that
change class.

Integer features get integer thresholds (``x <= 3`` rather than ``x <= 3.5``): for a
whole number ``x <= 3.5`` and ``x <= 3`` are the same.
"""

from __future__ import annotations

import math
from decimal import Decimal

MAX_DIGITS = 3  # significant digits a rounded threshold may have


def _candidates(low: float, high: float, step: Decimal) -> list[Decimal]:
    """Multiples of ``step`` in [low, high) (only the first one when high is infinite)."""
    value = step * math.ceil(Decimal(repr(low)) / step)
    if not math.isfinite(high):
        return [value]
    top = Decimal(repr(high))
    out: list[Decimal] = []
    while value < top and len(out) < 50:
        out.append(value)
        value += step
    return out


def _steps(scale: float) -> list[Decimal]:
    """Steps from coarse to fine around ``scale``: 10^e, 5·10^(e-1), 2·10^(e-1), …"""
    top = math.floor(math.log10(scale)) + 1 if scale > 0 else 0
    out: list[Decimal] = []
    for e in range(top, top - 12, -1):
        unit = Decimal(1).scaleb(e)
        out += [unit, unit / 2, unit / 5]
    return out


def _significant(d: Decimal) -> int:
    t = d.normalize().as_tuple()
    return len(t.digits) if d != 0 else 1


def readable(
    threshold: float, low: float, high: float, integer: bool = False
) -> tuple[Decimal, bool]:
    """A readable threshold for a split found at ``threshold`` whose free interval is
    ``[low, high)``; and whether it stays in the interval (moves no sample point)."""
    if integer:
        # x <= t for whole x is x <= floor(t); any whole number in [low, high) will do.
        lo_i, hi_i = math.ceil(low), high
        if lo_i < hi_i:
            whole = [Decimal(v) for v in range(lo_i, int(min(hi_i, lo_i + 10_000)) + 1) if v < hi_i]
            return _pick(whole, low, high), True
        return Decimal(math.floor(threshold)), True
    scale = max(abs(low), abs(high) if math.isfinite(high) else 0.0, abs(threshold))
    for step in _steps(scale):
        found = _candidates(low, high, step)
        if found:
            best = _pick(found, low, high)
            if _significant(best) <= MAX_DIGITS or step < Decimal(1).scaleb(-6):
                return best, True
            break
    return _round_to(threshold, MAX_DIGITS), False


def _pick(values: list[Decimal], low: float, high: float) -> Decimal:
    """The value with the fewest significant digits, then nearest the middle."""
    mid = (low + high) / 2 if math.isfinite(high) else low
    return min(values, key=lambda v: (_significant(v), abs(float(v) - mid), v))


def _round_to(value: float, digits: int) -> Decimal:
    if value == 0:
        return Decimal(0)
    e = math.floor(math.log10(abs(value))) - digits + 1
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(e)).normalize() + Decimal(0)


def plain(d: Decimal) -> str:
    """A Decimal as segdsl writes numbers: no exponent, no trailing zeros."""
    text = format(d.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
