"""Values: literals, arithmetic, names, and aggregates over an entity's events."""

from __future__ import annotations

from segdsl.catalog.types import Type, describe
from segdsl.semantic import ir
from segdsl.semantic.resolver.common import (
    Ctx,
    err,
)
from segdsl.semantic.resolver.forms import nested_ranking, period
from segdsl.semantic.resolver.state import ResolverState
from segdsl.semantic.resolver.wording import (
    example_field,
    func_word,
    show,
    show_expr,
    what_is,
)
from segdsl.syntax import ast


class ValuesMixin(ResolverState):
    def value(self, e: ast.Expr, ctx: Ctx) -> ir.Value:
        self._deeper(e)
        try:
            return self._value(e, ctx)
        finally:
            self._depth -= 1

    def _scalar(self, e: ast.Expr, ctx: Ctx, what: str) -> ir.Value:
        v = self.value(e, ctx)
        if v.type.is_list:
            raise err(
                "E303",
                f"{what_is(e)} is a list; {what} compares single values",
                e.span,
                hint=f'test a list with `has`, e.g. `{show_expr(e)} has "value"` or `has any (…)`',
            )
        return v

    def _value(self, e: ast.Expr, ctx: Ctx) -> ir.Value:
        """A value: the ``value_<Node>`` method of the syntax node's class."""
        visit = getattr(self, "value_" + type(e).__name__, None)
        if visit is None:
            return self._not_a_value(e, ctx)
        out: ir.Value = visit(e, ctx)
        return out

    def value_Paren(self, e: ast.Paren, ctx: Ctx) -> ir.Value:
        return self.value(e.inner, ctx)

    def value_Number(self, e: ast.Number, ctx: Ctx) -> ir.Value:
        if isinstance(e.value, int):
            return ir.Const(e.value, Type.INTEGER)
        return ir.Const(e.value, Type.NUMBER)

    def value_Name(self, e: ast.Name, ctx: Ctx) -> ir.Value:
        return self._name(e, ctx)

    def value_FieldRef(self, e: ast.FieldRef, ctx: Ctx) -> ir.Value:
        return self._field_ref(e, ctx)

    def value_Aggregate(self, e: ast.Aggregate, ctx: Ctx) -> ir.Value:
        return self._aggregate(e, ctx)

    def value_Score(self, e: ast.Score, ctx: Ctx) -> ir.Value:
        return self._score(e, ctx)

    def value_Arith(self, e: ast.Arith, ctx: Ctx) -> ir.Value:
        left = self.value(e.left, ctx)
        right = self.value(e.right, ctx)
        for side, v in ((e.left, left), (e.right, right)):
            if not v.type.is_numeric:
                raise self._type_error(side, v, "a number", f"`{e.op}` works on numbers")
        return ir.Arith(ir.arith_op(e.op), left, right)

    def value_Neg(self, e: ast.Neg, ctx: Ctx) -> ir.Value:
        v = self.value(e.operand, ctx)
        if not v.type.is_numeric:
            raise self._type_error(e.operand, v, "a number", "`-` works on numbers")
        return ir.Neg(v)

    def value_LiteralExpr(self, e: ast.LiteralExpr, ctx: Ctx) -> ir.Value:
        raise err(
            "E302",
            f"{show(e.literal)} cannot stand alone here",
            e.span,
            label="a value, not a condition",
            hint='compare something with it, e.g. `country = "US"`',
        )

    def _not_a_value(self, e: ast.Expr, ctx: Ctx) -> ir.Value:
        raise err(
            "E302",
            "a condition is used where a number is needed",
            e.span,
            label="this is a condition",
            hint="arithmetic and rankings work on numbers, e.g. `spend_365d / purchases_90d`",
        )

    def _aggregate(self, e: ast.Aggregate, ctx: Ctx) -> ir.Value:
        if ctx.event is not None:
            raise err(
                "E304",
                "an aggregate cannot be nested inside an event condition",
                e.span,
                hint="the condition of an aggregate tests one event's own fields",
            )
        ev = self._event(e.event, e.event_span, ctx)
        ev_ctx = Ctx(ctx.entity, ev)
        field: ir.EventField | None = None
        fspan = e.field_span or e.event_span
        if e.field_name is not None:
            fv = self._name(ast.Name(fspan, e.field_name), ev_ctx)
            assert isinstance(fv, ir.EventField)
            field = fv
        func = e.func
        result: Type
        if func in ("first", "last", "most_frequent") and field is not None:
            # §12: the value of a field carried by an event
            if field.type.is_list:
                raise err(
                    "E303",
                    f"`{func}` takes a field with one value per event; `{field.name}` is a list",
                    fspan,
                )
            result = field.type
        elif func == "most_frequent":
            raise err(
                "E308",
                "`most_frequent` needs a field of the event",
                e.event_span,
                label="which field?",
                hint=f"write e.g. `most_frequent({e.event}.{example_field(ev)})`",
            )
        elif func in ("count", "first", "last"):
            if field is not None:
                hint = (
                    f"count events with `count({e.event})`, or distinct values with "
                    f"`count distinct({e.event}.{e.field_name})`"
                    if func == "count"
                    else f"`{func}({e.event})` gives the time of the {func} event"
                )
                raise err("E308", f"`{func}` takes an event, not a field", fspan, hint=hint)
            result = Type.INTEGER if func == "count" else ev.timestamp_type
        else:
            if field is None:
                raise err(
                    "E308",
                    f"`{func_word(func)}` needs a field of the event",
                    e.event_span,
                    label="which field?",
                    hint=f"write e.g. `{func_word(func)}({e.event}.{example_field(ev)})`",
                )
            if func == "count_distinct":
                result = Type.INTEGER
            elif func in ("sum", "avg"):
                if not field.type.is_numeric:
                    raise err(
                        "E303",
                        f"`{func}` needs a numeric field; `{field.name}` is {describe(field.type)}",
                        fspan,
                        hint="use count distinct(…) for text, or min/max for dates",
                    )
                result = Type.NUMBER if func == "avg" else field.type
            else:  # min, max
                if not (field.type.is_numeric or field.type.is_temporal):
                    raise err(
                        "E303",
                        f"`{func}` needs a number or a date; `{field.name}` is {describe(field.type)}",
                        fspan,
                    )
                result = field.type
        where = self.cond(e.where, ev_ctx) if e.where is not None else None
        window, until = self._window(e.window)
        cal = period(e.window) if isinstance(e.window, ast.CalendarWindow) else None
        return ir.Aggregate(ir.agg_func(func), ev.name, field, window, where, result, until, cal)

    def _score(self, e: ast.Score, ctx: Ctx) -> ir.Value:
        """`score 1..N by X [per G]` (§14)."""
        if ctx.event is not None:
            raise err("E304", "`score` cannot be used inside an event condition", e.span)
        by = self.value(e.by, ctx)
        if not (by.type.is_numeric or by.type.is_temporal):
            raise self._type_error(
                e.by, by, "a number, date or timestamp", "a score orders entities by a value"
            )
        if nested_ranking(by):
            raise err(
                "E319",
                "a score cannot be computed from another score, ranking or segmentation",
                e.by.span,
                label="already computed over the whole entity",
                hint="score the plain value instead, e.g. `score 1..5 by spend_365d`",
            )
        per = self._group_attr(e.per, e.per_span, ctx) if e.per and e.per_span else None
        assert isinstance(e.high.value, int)
        return ir.Score(e.high.value, by, per)
