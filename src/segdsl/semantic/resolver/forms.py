"""Resolving the wave-2 forms (language.md §11–15): calendar windows, the parts of an
event's time, values of events, comparisons of two expressions, scores and
segmentations. A mixin of the resolver: it relies on the resolver's ``value``, ``cond``,
``_event``, ``_group`` and its tables of definitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from segdsl.catalog.types import Type, comparable, describe
from segdsl.diagnostics import Diagnostic, SegdslError, Span
from segdsl.diagnostics.suggest import did_you_mean
from segdsl.semantic import ir
from segdsl.semantic.timecalc import local_to_utc, utc_to_local
from segdsl.syntax import ast

if TYPE_CHECKING:
    from segdsl.catalog.model import Catalog, EntityDef, EventDef

TIME_PARTS = ("day_of_week", "hour_of_day")


def err(
    code: str,
    message: str,
    span: Span | None,
    *,
    label: str = "",
    hint: str = "",
    notes: Iterable[str] = (),
) -> SegdslError:
    return SegdslError(Diagnostic(code, message, span, label=label, hint=hint, notes=tuple(notes)))


def percentage(literal: ast.Percent, example: str) -> Decimal:
    """The value of a percentage literal (`top 20%`, `sample 10%`), refused (E305)
    outside 0%–100% with ``example`` as the hint."""
    pct = literal.value
    if pct < 0 or pct > 100:
        raise err(
            "E305",
            f"a percentage must be between 0% and 100%, not {pct}%",
            literal.span,
            hint=f"write e.g. `{example}`",
        )
    return pct


def period(w: ast.CalendarWindow) -> ir.Period:
    return ir.Period(w.unit, w.previous)


def zoned_instant(value: dt.datetime, zone: str) -> dt.datetime:
    """A timestamp literal as a naive UTC instant: one written with an offset is that
    instant (the parser keeps it aware, in UTC); one without is read in ``zone``."""
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return local_to_utc(value, zone)


def day_start(day: dt.date, zone: str) -> dt.datetime:
    """The UTC instant at which ``day`` starts in ``zone``."""
    return local_to_utc(dt.datetime.combine(day, dt.time()), zone)


def local_day(instant: dt.datetime, zone: str) -> dt.date:
    return utc_to_local(instant, zone).date()


def time_part(name: str, ev: EventDef, span: Span) -> ir.TimePart:
    """``day_of_week`` / ``hour_of_day`` inside a condition on event ``ev``."""
    if name == "hour_of_day" and ev.timestamp_type is Type.DATE:
        raise err(
            "E316",
            f"`hour_of_day` of `{ev.name}`: its events are stamped with dates, not times",
            span,
            label="a date has no hour",
            hint="use `day_of_week` (1 = Monday … 7 = Sunday), or stamp the event with a "
            "timestamp in the catalog",
        )
    return ir.TimePart(name, ev.name, ev.timestamp, ev.timestamp_type)


def nested_ranking(v: ir.Value) -> bool:
    """Whether a value uses a score or a ranking (which cannot be scored or ranked
    again: both are computed over the whole entity from plain values)."""
    return any(isinstance(n, ir.Score | ir.Rank | ir.ClassOf) for n in ir.walk(v, per_event=False))


def constant_range(e: ast.Expr) -> tuple[Any, Any] | None:
    """``25-34`` written after `=`: a subtraction of two plain numbers, most likely
    meant as a range."""
    if isinstance(e, ast.Arith) and e.op == "-":
        left, right = e.left, e.right
        if (
            isinstance(left, ast.Number)
            and isinstance(right, ast.Number)
            and left.value >= 0
            and right.value > left.value
        ):
            return left.value, right.value
    return None


def only_literals(e: ast.Expr) -> bool:
    """An expression of numbers alone (``1 + 2``)."""
    if isinstance(e, ast.Number):
        return True
    if isinstance(e, ast.Arith):
        return only_literals(e.left) and only_literals(e.right)
    if isinstance(e, ast.Neg | ast.Paren):
        inner = e.operand if isinstance(e, ast.Neg) else e.inner
        return only_literals(inner)
    return False


def class_conditions(conds: list[ir.Cond]) -> list[ir.Cond]:
    """The exclusive form of each class: its condition, and none of the earlier ones
    (first match wins)."""
    out: list[ir.Cond] = []
    for k, c in enumerate(conds):
        if k == 0:
            out.append(c)
            continue
        earlier = conds[0] if k == 1 else ir.Or(tuple(conds[:k]))
        out.append(ir.And((c, ir.Not(earlier))))
    return out


def catchall_condition(conds: list[ir.Cond]) -> ir.Cond:
    if not conds:
        return ir.Literal(True)
    return ir.Not(conds[0] if len(conds) == 1 else ir.Or(tuple(conds)))


def segmentation_entity(catalog: Catalog, sdef: ast.SegmentationDef) -> EntityDef:
    entity_name = sdef.entity or catalog.default_entity
    entity = catalog.entities.get(entity_name)
    if entity is None:
        raise err(
            "E203",
            f"unknown entity `{entity_name}`",
            sdef.entity_span or sdef.name_span,
            label="not in the catalog",
            hint=did_you_mean(entity_name, catalog.entities, trailing="")
            or "the entities are: " + ", ".join(catalog.entities),
        )
    return entity


def compare_types(
    op: str, left: ir.Value, right: ir.Value, left_ast: ast.Expr, right_ast: ast.Expr, what: Any
) -> None:
    """Both sides of a comparison of two expressions must have the same type (§13):
    an integer meets a number; a date meets a date, a timestamp a timestamp."""
    lt, rt = left.type, right.type
    if lt.is_list or rt.is_list:
        side = right_ast if rt.is_list else left_ast
        raise err(
            "E303",
            f"{what(side)} is a list; a comparison takes single values",
            side.span,
            hint='test a list with `has`, e.g. `interests has "running"`',
        )
    if lt.is_temporal and rt.is_temporal and lt is not rt:
        raise err(
            "E318",
            f"{what(left_ast)} is {describe(lt)} and {what(right_ast)} is {describe(rt)}",
            right_ast.span,
            label=f"expected {describe(lt)}",
            hint="two expressions are compared when both are dates or both are timestamps; "
            "compare a timestamp with a date literal (e.g. `2026-06-30`) instead",
        )
    if not comparable(lt, rt):
        raise err(
            "E303",
            f"{what(left_ast)} is {describe(lt)}, but {what(right_ast)} is {describe(rt)}",
            right_ast.span,
            label=f"expected {describe(lt)}",
            hint="both sides of a comparison must be of the same kind: numbers with "
            "numbers, text with text, dates with dates",
        )
    if lt is Type.BOOLEAN and op not in ("=", "!="):
        raise err(
            "E303",
            f"yes/no values cannot be compared with `{op}`",
            right_ast.span,
            hint="use `=` or `!=`",
        )


__all__ = [
    "TIME_PARTS",
    "catchall_condition",
    "class_conditions",
    "compare_types",
    "constant_range",
    "day_start",
    "local_day",
    "nested_ranking",
    "only_literals",
    "period",
    "segmentation_entity",
    "time_part",
    "zoned_instant",
]
