"""Shared pieces of the resolver: its limits, the context a condition is resolved in,
the result, and small conversions from the syntax tree."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from segdsl.catalog.model import EntityDef, EventDef
from segdsl.catalog.types import Type
from segdsl.diagnostics import Diagnostic, suggest
from segdsl.semantic import ir
from segdsl.semantic.resolver.forms import err as err
from segdsl.semantic.resolver.forms import zoned_instant
from segdsl.semantic.timecalc import utc_to_local
from segdsl.syntax import ast

LITERAL_TYPES = {
    "integer": Type.INTEGER,
    "number": Type.NUMBER,
    "string": Type.STRING,
    "boolean": Type.BOOLEAN,
    "date": Type.DATE,
    "timestamp": Type.TIMESTAMP,
}


# Limits (docs/language.md, "Limits"): a condition the later stages (the compiler, sqlglot,
# lint) can walk within Python's recursion limit and compile within seconds.
MAX_DEPTH = 64  # E312: levels of a condition, counting the segments and measures it uses
MAX_PARTS = 100_000  # E312: IR nodes of one segment once what it uses is written out
MAX_ERRORS = 200  # errors reported before the resolver stops looking for more


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``did you mean `x`?`` (segdsl.diagnostics.suggest, the one helper), or ``""``."""
    return suggest.did_you_mean(word, choices, trailing="")


@dataclass(frozen=True)
class Ctx:
    entity: EntityDef
    event: EventDef | None = None  # inside an aggregate's or `did`'s condition
    segment: str = "rule"  # the segment being resolved: the default seed of `sample`


@dataclass
class Resolved:
    """A resolved project: segments and measures in source order."""

    segments: dict[str, ir.Segment]
    measures: dict[str, ir.Measure]
    # Each segmentation's classes are also in ``segments`` as `NAME.CLASS`.
    segmentations: dict[str, ir.Segmentation] = dataclasses.field(default_factory=dict)


def count(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"more than {10**15:,}"


def first_path(*defs: dict[str, ast.SegmentDef] | dict[str, ast.MeasureDef]) -> str | None:
    for d in defs:
        for node in d.values():
            return node.span.path
    return None


def dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Diagnostic] = []
    for d in diags:
        key = (d.code, d.message, str(d.span))
        if d.code == "E301":
            # One cycle, found from each of its members, is one mistake.
            members = sorted(set(d.message.split(": ", 1)[-1].split(" → ")))
            key = (d.code, " ".join(members), "")
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def as_date(v: ir.Value | None, zone: str = "UTC") -> ir.Value | None:
    """A timestamp literal met by a date is compared by its calendar day (in the
    project's zone)."""
    if isinstance(v, ir.Const) and v.type is Type.TIMESTAMP:
        assert isinstance(v.value, dt.datetime)
        return ir.Const(utc_to_local(v.value, zone).date(), Type.DATE)
    return v


def duration(d: ast.Duration) -> ir.Duration:
    return ir.Duration(d.amount, ir.unit(d.unit))


DAYS = {"day": 1.0, "week": 7.0, "month": 30.436875, "year": 365.2425}


def approx_days(d: ir.Duration) -> float:
    return d.amount * DAYS[d.unit]


def const(v: ast.Literal, zone: str = "UTC") -> ir.Const:
    """A literal as an IR constant; a timestamp becomes a naive UTC instant (read in
    ``zone`` when it was written without an offset, language.md §11)."""
    if v.kind == "timestamp":
        assert isinstance(v.value, dt.datetime)
        return ir.Const(zoned_instant(v.value, zone), Type.TIMESTAMP)
    return ir.Const(v.value, LITERAL_TYPES[v.kind])


def after(a: ir.Value, b: ir.Value) -> bool:
    """Whether a > b for two range ends known at compile time."""
    if isinstance(a, ir.Const) and isinstance(b, ir.Const):
        av, bv = a.value, b.value
        if isinstance(av, dt.datetime) and not isinstance(bv, dt.datetime):
            av = av.date()
        if isinstance(bv, dt.datetime) and not isinstance(av, dt.datetime):
            bv = bv.date()
        try:
            return bool(av > bv)  # type: ignore[operator]
        except TypeError:
            return False
    if isinstance(a, ir.Ago) and isinstance(b, ir.Ago) and a.duration.unit == b.duration.unit:
        return a.duration.amount < b.duration.amount
    return False
