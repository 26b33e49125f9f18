"""Conditions: and/or/not, comparisons (with the date/timestamp rules), ranges,
lists, `has`, `in segment`, and the literal on the right of a comparison."""

from __future__ import annotations

import datetime as dt

from segdsl.catalog.types import Type, comparable, describe
from segdsl.diagnostics import SegdslError
from segdsl.semantic import ir
from segdsl.semantic.resolver.common import (
    Ctx,
    after,
    as_date,
    const,
    did_you_mean,
    duration,
    err,
)
from segdsl.semantic.resolver.forms import (
    compare_types,
    constant_range,
    day_start,
    local_day,
    nested_ranking,
    percentage,
    period,
)
from segdsl.semantic.resolver.state import ResolverState
from segdsl.semantic.resolver.wording import (
    condition_hint,
    literal_hint,
    show,
    show_expr,
    what_is,
)
from segdsl.syntax import ast


class ConditionsMixin(ResolverState):
    def cond(self, e: ast.Expr, ctx: Ctx) -> ir.Cond:
        self._deeper(e)
        try:
            return self._cond(e, ctx)
        finally:
            self._depth -= 1

    def _cond(self, e: ast.Expr, ctx: Ctx) -> ir.Cond:
        """A condition: the ``cond_<Node>`` method of the syntax node's class, else a value
        used as a condition."""
        visit = getattr(self, "cond_" + type(e).__name__, None)
        if visit is None:
            return self._cond_of_value(e, ctx)
        out: ir.Cond = visit(e, ctx)
        return out

    def cond_Paren(self, e: ast.Paren, ctx: Ctx) -> ir.Cond:
        return self.cond(e.inner, ctx)

    def cond_And(self, e: ast.And, ctx: Ctx) -> ir.Cond:
        return ir.And(tuple(self.cond(x, ctx) for x in e.items))

    def cond_Or(self, e: ast.Or, ctx: Ctx) -> ir.Cond:
        return ir.Or(tuple(self.cond(x, ctx) for x in e.items))

    def cond_Not(self, e: ast.Not, ctx: Ctx) -> ir.Cond:
        return ir.Not(self.cond(e.operand, ctx))

    def cond_Compare(self, e: ast.Compare, ctx: Ctx) -> ir.Cond:
        return self._compare(e, ctx)

    def cond_Range(self, e: ast.Range, ctx: Ctx) -> ir.Cond:
        return self._range(e, ctx)

    def cond_InList(self, e: ast.InList, ctx: Ctx) -> ir.Cond:
        left = self._scalar(e.left, ctx, "`in (…)`")
        values = tuple(self._const_for(v, left, e.left) for v in e.values.items)
        for item, val in zip(e.values.items, values, strict=True):
            if isinstance(val, ir.Ago):
                raise err(
                    "E303",
                    "a list holds plain values, not `… ago`",
                    item.span,
                    hint="compare with a window instead, e.g. `x in last 30 days`",
                )
        if left.type is Type.DATE:
            values = tuple(as_date(v, self.catalog.timezone) or v for v in values)
        if left.type is Type.TIMESTAMP and any(v.type is Type.DATE for v in values):
            c: ir.Cond = ir.Or(tuple(self._temporal_cmp("=", left, v) for v in values))
        else:
            c = ir.InValues(left, tuple(v for v in values if isinstance(v, ir.Const)))
        return ir.Not(c) if e.negated else c

    def cond_IsSet(self, e: ast.IsSet, ctx: Ctx) -> ir.Cond:
        left = self.value(e.left, ctx)
        c = ir.IsMissing(left)
        return c if e.missing else ir.Not(c)

    def cond_TextMatch(self, e: ast.TextMatch, ctx: Ctx) -> ir.Cond:
        left = self.value(e.left, ctx)
        if left.type is not Type.STRING:
            raise self._type_error(e.left, left, "text", f"`{e.op}` works on text")
        return ir.TextMatch(ir.text_op(e.op), left, str(e.text.value))

    def cond_Has(self, e: ast.Has, ctx: Ctx) -> ir.Cond:
        return self._has(e, ctx)

    def cond_InWindow(self, e: ast.InWindow, ctx: Ctx) -> ir.Cond:
        left = self.value(e.left, ctx)
        if not left.type.is_temporal:
            raise self._type_error(
                e.left, left, "a date or timestamp", "`in last …` is a time window"
            )
        c: ir.Cond
        if isinstance(e.window, ast.CalendarWindow):
            c = ir.InPeriod(left, period(e.window))
        else:
            c = ir.InLast(left, duration(e.window.duration))
        return ir.Not(c) if e.negated else c

    def cond_BeforeAfter(self, e: ast.BeforeAfter, ctx: Ctx) -> ir.Cond:
        left = self.value(e.left, ctx)
        if not left.type.is_temporal:
            raise self._type_error(e.left, left, "a date or timestamp", f"`{e.op}` compares times")
        point = self._const_for(e.point, left, e.left)
        return self._temporal_cmp("<" if e.op == "before" else ">", left, point)

    def cond_InSegment(self, e: ast.InSegment, ctx: Ctx) -> ir.Cond:
        return self._in_segment(e, ctx)

    def cond_Did(self, e: ast.Did, ctx: Ctx) -> ir.Cond:
        if e.then is not None:
            c = self._sequence(e, e.then, ctx)
            return ir.Not(c) if e.negated else c
        agg = self._aggregate(
            ast.Aggregate(e.span, "count", e.event, e.event_span, None, None, e.window, e.where),
            ctx,
        )
        c = ir.Compare(">=", agg, ir.Const(1, Type.INTEGER))
        return ir.Not(c) if e.negated else c

    def cond_Within(self, e: ast.Within, ctx: Ctx) -> ir.Cond:
        return self._within(e, ctx)

    def cond_Sample(self, e: ast.Sample, ctx: Ctx) -> ir.Cond:
        return self._sample(e, ctx)

    def cond_Rank(self, e: ast.Rank, ctx: Ctx) -> ir.Cond:
        if ctx.event is not None:
            raise err("E304", "`top`/`bottom` cannot be used inside an event condition", e.span)
        pct = percentage(e.percent, "top 20% by spend_365d")
        by = self.value(e.by, ctx)
        if not by.type.is_numeric:
            raise self._type_error(e.by, by, "a number", f"`{e.direction}` ranks by a number")
        if nested_ranking(by):
            raise err(
                "E319",
                "a ranking cannot be computed from a score, another ranking or a segmentation",
                e.by.span,
                label="already computed over the whole entity",
                hint="rank by the plain value instead, e.g. `top 10% by spend_365d`",
            )
        per = self._group(e, ctx) if e.per is not None else None
        return ir.Rank(ir.direction(e.direction), pct, by, per)

    def _cond_of_value(self, e: ast.Expr, ctx: Ctx) -> ir.Cond:
        value = self.value(e, ctx)
        if value.type is Type.BOOLEAN:
            return ir.IsTrue(value)
        if isinstance(value, ir.ClassOf):
            first = value.names[0] if value.names else (value.catchall or "…")
            raise err(
                "E302",
                f"`{value.segmentation}` is a segmentation: its value is the name of a class",
                e.span,
                label="this needs a comparison",
                hint=f'compare it, e.g. `{value.segmentation} = "{first}"`, or write '
                f"`in segment {value.segmentation}.{first}`",
            )
        raise err(
            "E302",
            f"{what_is(e)} is {describe(value.type)}, not a condition",
            e.span,
            label="this needs a comparison",
            hint=condition_hint(e, value.type),
        )

    def _compare(self, e: ast.Compare, ctx: Ctx) -> ir.Cond:
        left = self._scalar(e.left, ctx, f"`{e.op}`")
        if isinstance(e.right, ast.Literal | ast.Ago):
            right = self._const_for(e.right, left, e.left)
        else:
            right = self._right_expr(e, left, ctx)
        if left.type is Type.BOOLEAN and e.op not in ("=", "!="):
            raise err(
                "E303",
                f"yes/no values cannot be compared with `{e.op}`",
                e.span,
                hint="use `= true`, `= false`, or the name alone",
            )
        op = ir.compare_op("=" if e.op == "!=" else e.op)
        if left.type.is_temporal:
            c = self._temporal_cmp(op, left, right)
        else:
            c = ir.Compare(op, left, right)
        return ir.Not(c) if e.op == "!=" else c

    def _right_expr(self, e: ast.Compare, left: ir.Value, ctx: Ctx) -> ir.Value:
        """An expression on the right of a comparison (§13): the same type as the left."""
        assert isinstance(e.right, ast.Expr)
        bounds = constant_range(e.right)
        if bounds is not None and e.op == "=":
            low, high = bounds
            raise err(
                "E317",
                f"`{low}-{high}` is a subtraction; a range is written with `..`",
                e.right.span,
                label=f"this is {low} minus {high}",
                hint=f"write a range with `..` (both ends included), e.g. `{show_expr(e.left)} "
                f"{low}..{high}`",
            )
        if isinstance(e.right, ast.Name) and left.type is Type.STRING:
            known = (
                e.right.name in ctx.entity.attributes
                or e.right.name in self.measure_defs
                or e.right.name in self.segmentation_defs
                or (ctx.event is not None and e.right.name in ctx.event.fields)
            )
            if not known:
                raise err(
                    "E201",
                    f"unknown name `{e.right.name}`",
                    e.right.span,
                    label="expected a value",
                    hint=f'text values need quotes: "{e.right.name}" (or compare with '
                    "an attribute or measure of the same kind)",
                )
        right = self._scalar(e.right, ctx, f"`{e.op}`")
        compare_types(e.op, left, right, e.left, e.right, what_is)
        return right

    def _temporal_cmp(self, op: ir.CompareOp, left: ir.Value, right: ir.Value) -> ir.Cond:
        """A comparison of a date or timestamp with a date, timestamp or `N unit ago`.

        When a timestamp meets a date, the comparison is made on the calendar day, which
        is what a reader of `last_seen = 2024-03-01` or `ts 2024-03-01..2024-03-31`
        expects. It is rewritten to bounds on the timestamp so that engines can use them.
        """
        if left.type is Type.TIMESTAMP and isinstance(right, ir.Const) and right.type is Type.DATE:
            assert isinstance(right.value, dt.date)
            # The day as it runs in the project's zone (23 or 25 hours across a switch).
            zone = self.catalog.timezone
            start = ir.Const(day_start(right.value, zone), Type.TIMESTAMP)
            nxt = ir.Const(day_start(right.value + dt.timedelta(days=1), zone), Type.TIMESTAMP)
            if op == "=":
                return ir.And((ir.Compare(">=", left, start), ir.Compare("<", left, nxt)))
            if op == ">":
                return ir.Compare(">=", left, nxt)
            if op == ">=":
                return ir.Compare(">=", left, start)
            if op == "<":
                return ir.Compare("<", left, start)
            if op == "<=":
                return ir.Compare("<", left, nxt)
        if left.type is Type.DATE and isinstance(right, ir.Const) and right.type is Type.TIMESTAMP:
            assert isinstance(right.value, dt.datetime)
            right = ir.Const(local_day(right.value, self.catalog.timezone), Type.DATE)
        return ir.Compare(op, left, right)

    def _range(self, e: ast.Range, ctx: Ctx) -> ir.Cond:
        left = self.value(e.left, ctx)
        if not (left.type.is_numeric or left.type.is_temporal):
            raise self._type_error(
                e.left, left, "a number, date or timestamp", "a range needs ordered values"
            )
        low = self._const_for(e.low, left, e.left) if e.low is not None else None
        high = self._const_for(e.high, left, e.left) if e.high is not None else None
        if left.type is Type.DATE:
            low = as_date(low, self.catalog.timezone)
            high = as_date(high, self.catalog.timezone)
        if low is not None and high is not None and after(low, high):
            assert e.low is not None and e.high is not None
            raise err(
                "E306",
                "this range is empty: its low end is above its high end",
                e.span,
                label=f"{show(e.low)} > {show(e.high)}",
                hint=f"write the smaller value first: `{show(e.high)}..{show(e.low)}`",
            )
        parts: list[ir.Cond] = []
        if left.type is Type.TIMESTAMP:
            if low is not None:
                parts.append(self._temporal_cmp(">=", left, low))
            if high is not None:
                parts.append(self._temporal_cmp("<=", left, high))
            return parts[0] if len(parts) == 1 else ir.And(tuple(parts))
        if low is not None and high is not None:
            return ir.Between(left, low, high)
        if low is not None:
            return (
                self._temporal_cmp(">=", left, low)
                if left.type.is_temporal
                else ir.Compare(">=", left, low)
            )
        assert high is not None
        return (
            self._temporal_cmp("<=", left, high)
            if left.type.is_temporal
            else ir.Compare("<=", left, high)
        )

    def _has(self, e: ast.Has, ctx: Ctx) -> ir.Cond:
        left = self.value(e.left, ctx)
        if not left.type.is_list:
            raise self._type_error(
                e.left, left, "a list", "`has` tests a list attribute such as `interests`"
            )
        items = e.values.items if isinstance(e.values, ast.ValueList) else (e.values,)
        values: list[ir.Const] = []
        for item in items:
            if not isinstance(item, ast.Literal):
                raise err("E303", "a list holds plain values", item.span)
            item_const = const(item)
            if not comparable(item_const.type, left.type.element) or item_const.type is Type.NUMBER:
                raise err(
                    "E303",
                    f"`{show(item)}` is {describe(item_const.type)}, but {what_is(e.left)} is "
                    f"{describe(left.type)}",
                    item.span,
                    hint='write a value of the list\'s kind, e.g. has "running"'
                    if left.type is Type.LIST_STRING
                    else "write a whole number, e.g. has 3",
                )
            values.append(item_const)
        c: ir.Cond = ir.ListHas("all" if e.mode == "all" else "any", left, tuple(values))
        return ir.Not(c) if e.mode == "none" else c

    def _in_segment(self, e: ast.InSegment, ctx: Ctx) -> ir.Cond:
        if ctx.event is not None:
            raise err("E304", "`in segment` cannot be used inside an event condition", e.span)
        if "." in e.name:
            return self._in_class(e, ctx)
        if e.name in self.segmentation_defs:
            g = self.segmentation_defs[e.name]
            first = g.classes[0].name if g.classes else "…"
            raise err(
                "E321",
                f"`{e.name}` is a segmentation, not a segment",
                e.name_span,
                label="name one of its classes",
                hint=f"write `in segment {e.name}.{first}`; its classes are: "
                + ", ".join(c.name for c in g.classes),
            )
        if e.name not in self.segment_defs:
            hint = did_you_mean(e.name, self.segment_defs)
            if e.name in self.measure_defs:
                hint = f"`{e.name}` is a measure; compare it, e.g. `{e.name} > 0`"
            raise err(
                "E201",
                f"unknown segment `{e.name}`",
                e.name_span,
                label="no segment has this name",
                hint=hint or "define it with `segment " + e.name + " where …`",
            )
        self._enter("segment", e.name, e.name_span)
        other = self.segment(e.name)
        self._reuse(other.cond, e.name_span)
        if other.entity != ctx.entity.name:
            raise err(
                "E307",
                f"segment `{e.name}` is about `{other.entity}`, not `{ctx.entity.name}`",
                e.name_span,
                label="different entity",
                hint="`in segment` combines segments of the same entity",
            )
        return ir.InSegment(e.name, other.cond)

    def _const_for(self, v: ast.Value, left: ir.Value, left_ast: ast.Expr) -> ir.Value:
        """A literal on the right of a comparison, checked against the left side's type."""
        if isinstance(v, ast.Ago):
            if not left.type.is_temporal:
                raise err(
                    "E303",
                    f"`{show(v)}` is a point in time, but {what_is(left_ast)} is {describe(left.type)}",
                    v.span,
                    hint="compare times with times, numbers with numbers",
                )
            return ir.Ago(duration(v.duration), left.type)
        c = const(v, self.catalog.timezone)
        if not comparable(left.type, c.type):
            raise err(
                "E303",
                f"{what_is(left_ast)} is {describe(left.type)}, but `{show(v)}` is {describe(c.type)}",
                v.span,
                label=f"expected {describe(left.type)}",
                hint=literal_hint(left.type),
            )
        return c

    def _type_error(self, e: ast.Expr, v: ir.Value, want: str, why: str) -> SegdslError:
        return err(
            "E303",
            f"{what_is(e)} is {describe(v.type)}, not {want}",
            e.span,
            label=f"expected {want}",
            hint=why,
        )
