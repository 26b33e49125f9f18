"""The metric of `segdsl lift`: an aggregate over each entity's events in a period.

The metric is written as in rules but without a window — ``sum(purchase.amount)``,
``count(purchase where status = "paid")``, ``count distinct(purchase.category)``, a
measure without a window such as ``lifetime_spend``, arithmetic over those, or a
condition such as ``did purchase`` (1 when it holds, 0 when not: a conversion rate).
It goes through the real parser and resolver; :func:`over_period` then bounds every
aggregate to the events stamped in ``[start, end)`` by adding ``start <= ts < end`` to
the aggregate's own condition, so the compiler builds the SQL as it does for rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from segdsl.catalog import Catalog
from segdsl.catalog.types import Type
from segdsl.diagnostics import Diagnostic, SegdslError, Source, Span
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.semantic.resolver import Resolver
from segdsl.semantic.timecalc import local_date
from segdsl.syntax import ast
from segdsl.syntax.parser import parse_condition

_VALUE_NODES = (ast.Aggregate, ast.Arith, ast.Neg, ast.Number, ast.LiteralExpr)
_EXAMPLES = "e.g. --metric 'sum(purchase.amount)', 'count(purchase)' or 'did purchase'"


@dataclass(frozen=True)
class Metric:
    """A resolved metric: a number per entity (``node`` a value) or a 0/1 indicator
    (``node`` a condition)."""

    text: str
    entity: str
    node: ir.Value | ir.Cond

    @property
    def is_rate(self) -> bool:
        return isinstance(self.node, ir.Cond)


def _whole(text: str) -> Span:
    return Span(Source("--metric", text), 1, 1, 1, max(len(text), 1) + 1)


def _bad(code: str, message: str, text: str, label: str, hint: str) -> SegdslError:
    return SegdslError(Diagnostic(code, message, _whole(text), label=label, hint=hint))


def _is_value(e: ast.Expr, project: Project) -> bool:
    while isinstance(e, ast.Paren):
        e = e.inner
    if isinstance(e, ast.Name):
        # A measure or a number attribute (refused below with a clear message); a
        # yes/no attribute is a condition.
        if e.name in project.measures:
            return True
        column = project.catalog.entities[project.catalog.default_entity].attributes.get(e.name)
        return column is not None and column.type is not Type.BOOLEAN
    return isinstance(e, _VALUE_NODES)


def parse_metric(project: Project, text: str) -> Metric:
    """Parse and resolve ``text``; an M00x error when it is not an aggregate over
    events without a window."""
    if not text.strip():
        raise _bad("M001", "the metric is empty", text, "nothing here", _EXAMPLES)
    expr = parse_condition(text, "--metric")
    node: ir.Value | ir.Cond
    entity: str
    if _is_value(expr, project):
        name = "segdsl_metric"
        while name in project.measures or name in project.segments:
            name += "_"
        mdef = ast.MeasureDef(expr.span, name, expr.span, expr)
        resolver = Resolver(project.catalog, [*project.modules, ast.Module("--metric", (mdef,))])
        try:
            measure = resolver.measure(name)
        except SegdslError as exc:
            if any(name in d.message for d in exc.diagnostics):
                raise _bad(
                    "M002",
                    "the metric must be a number per entity",
                    text,
                    "not a number",
                    _EXAMPLES,
                ) from None
            raise
        node, entity = measure.expr, measure.entity
        if not node.type.is_numeric:
            raise _bad(
                "M002",
                "the metric must be a number per entity, not a date",
                text,
                "`first`/`last` give a time",
                _EXAMPLES,
            )
    else:
        seg = Resolver(project.catalog, project.modules).rule(expr)
        node, entity = seg.cond, seg.entity
    _check(node, text)
    return Metric(text, entity, node)


def _check(node: ir.Value | ir.Cond, text: str) -> None:
    """Only aggregates without a window (and constants, arithmetic, comparisons)."""
    aggregates = 0
    values = ir.walk_values(node)
    for v in values:
        if isinstance(v, ir.Aggregate):
            aggregates += 1
            if v.window is not None or v.until is not None:
                raise _bad(
                    "M003",
                    "the metric has a window; its period is --from … --to",
                    text,
                    "leave out `in last …` / `between … ago`",
                    "write the aggregate without a window, e.g. 'sum(purchase.amount)': "
                    "lift counts the events of [--from, --to)",
                )
            if v.func in ("first", "last"):
                raise _bad(
                    "M002",
                    f"`{v.func}` gives a time, not a number",
                    text,
                    "not a number",
                    _EXAMPLES,
                )
        elif isinstance(v, ir.Attr):
            raise _bad(
                "M002",
                f"the metric uses the attribute `{v.name}`: it must be an aggregate of "
                "events in the period",
                text,
                "not an aggregate",
                _EXAMPLES + "; compare groups by attribute with `segdsl profile`",
            )
        elif isinstance(v, ir.Ago):
            raise _bad(
                "M003",
                "the metric refers to a time relative to the as-of instant",
                text,
                "`… ago`",
                "the period is --from … --to; leave out `ago`",
            )
    for c in ir.walk_conds(node):
        if not isinstance(
            c, ir.Compare | ir.Between | ir.InValues | ir.IsMissing | ir.Not | ir.And | ir.Or
        ) and not isinstance(c, ir.Literal):
            raise _bad(
                "M002",
                "the metric may only test aggregates of events (e.g. `did purchase`, "
                "`count(purchase) >= 2`)",
                text,
                "not a condition on events",
                _EXAMPLES,
            )
    if aggregates == 0:
        raise _bad(
            "M002",
            "the metric is not an aggregate of events",
            text,
            "no count, sum, avg, min, max or did here",
            _EXAMPLES,
        )


def _bound(t: Type, instant: dt.datetime, zone: str) -> ir.Const:
    if t is Type.DATE:
        # events stamped with dates: the instant's date in the project's time zone
        return ir.Const(local_date(instant, zone), Type.DATE)
    return ir.Const(instant, Type.TIMESTAMP)


def over_period(
    node: ir.Value | ir.Cond, catalog: Catalog, start: dt.datetime, end: dt.datetime
) -> ir.Value | ir.Cond:
    """``node`` with every aggregate restricted to events stamped in ``[start, end)``
    (for events stamped with dates, the dates of ``start`` and ``end`` in the project's
    time zone)."""

    def agg(a: ir.Aggregate) -> ir.Aggregate:
        ev = catalog.events[a.event]
        ts = ir.EventField(a.event, ev.timestamp, ev.timestamp, ev.timestamp_type)
        period: list[ir.Cond] = [
            ir.Compare(">=", ts, _bound(ev.timestamp_type, start, catalog.timezone)),
            ir.Compare("<", ts, _bound(ev.timestamp_type, end, catalog.timezone)),
        ]
        where = ir.And((*period, a.where)) if a.where is not None else ir.And(tuple(period))
        return dataclasses.replace(a, where=where, window=None, until=None)

    def value(v: ir.Value) -> ir.Value:
        if isinstance(v, ir.Aggregate):
            return agg(v)
        if isinstance(v, ir.MeasureRef):
            return dataclasses.replace(v, expr=value(v.expr))
        if isinstance(v, ir.Arith):
            return dataclasses.replace(v, left=value(v.left), right=value(v.right))
        if isinstance(v, ir.Neg):
            return dataclasses.replace(v, operand=value(v.operand))
        return v

    def cond(c: ir.Cond) -> ir.Cond:
        if isinstance(c, ir.Compare):
            return dataclasses.replace(c, left=value(c.left), right=value(c.right))
        if isinstance(c, ir.Between):
            return dataclasses.replace(c, left=value(c.left), low=value(c.low), high=value(c.high))
        if isinstance(c, ir.InValues | ir.IsMissing):
            return dataclasses.replace(c, left=value(c.left))
        if isinstance(c, ir.Not):
            return ir.Not(cond(c.operand))
        if isinstance(c, ir.And):
            return ir.And(tuple(cond(i) for i in c.items))
        if isinstance(c, ir.Or):
            return ir.Or(tuple(cond(i) for i in c.items))
        return c

    return cond(node) if isinstance(node, ir.Cond) else value(node)
