"""Values: constants, `N days ago`, attributes, event fields, aggregates (columns of
`base`), measures and arithmetic — real division, and a missing value on division by
zero."""

from __future__ import annotations

from sqlglot import exp

from segdsl.catalog.model import EventDef
from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.sql.compiler.state import BuilderState
from segdsl.sql.literals import literal
from segdsl.sql.names import col
from segdsl.sql.nodes import cast, num
from segdsl.sql.timeparts import time_part


class ValuesMixin(BuilderState):
    """One ``value_<Node>`` method per IR value class; :meth:`value` dispatches."""

    def value(self, v: ir.Value, event: EventDef | None = None) -> exp.Expr:
        """SQL for a value: the ``value_<Node>`` method of the node's class."""
        visit = getattr(self, "value_" + type(v).__name__, None)
        if visit is None:  # pragma: no cover - every IR value has its method
            raise TypeError(f"cannot compile {v!r}")
        out: exp.Expr = visit(v, event)
        return out

    def value_Const(self, v: ir.Const, event: EventDef | None) -> exp.Expr:
        return literal(v.value, v.type, self.dialect)

    def value_Ago(self, v: ir.Ago, event: EventDef | None) -> exp.Expr:
        return self.as_of.ago(v.duration, v.type)

    def value_Attr(self, v: ir.Attr, event: EventDef | None) -> exp.Expr:
        return col(v.name)

    def value_EventField(self, v: ir.EventField, event: EventDef | None) -> exp.Expr:
        return col(v.column)

    def value_Aggregate(self, v: ir.Aggregate, event: EventDef | None) -> exp.Expr:
        return col(self.needs.aggregates[v])

    def value_MeasureRef(self, v: ir.MeasureRef, event: EventDef | None) -> exp.Expr:
        return self.value(v.expr, event)

    def value_TimePart(self, v: ir.TimePart, event: EventDef | None) -> exp.Expr:
        is_date = v.stamp_type is Type.DATE
        return time_part(self.dialect, v.part, col(v.column), is_date, self.as_of.zone)

    def value_Score(self, v: ir.Score, event: EventDef | None) -> exp.Expr:
        return col(self.needs.scores[v])

    def value_ClassOf(self, v: ir.ClassOf, event: EventDef | None) -> exp.Expr:
        # The first class whose condition holds (each condition two-valued).
        ifs = [
            exp.If(this=self.cond(c, True), true=exp.Literal.string(name))
            for name, c in zip(v.names, v.conds, strict=True)
        ]
        other = exp.Literal.string(v.catchall) if v.catchall is not None else exp.Null()
        if not ifs:
            return other
        return exp.Case(ifs=ifs, default=other)

    def value_Neg(self, v: ir.Neg, event: EventDef | None) -> exp.Expr:
        return exp.Neg(this=self._operand(v.operand, event))

    def value_Arith(self, v: ir.Arith, event: EventDef | None) -> exp.Expr:
        left = self._operand(v.left, event)
        right = self._operand(v.right, event)
        if v.op == "+":
            return exp.Add(this=left, expression=right)
        if v.op == "-":
            return exp.Sub(this=left, expression=right)
        if v.op == "*":
            return exp.Mul(this=left, expression=right)
        # Real division; division by zero gives a missing value.
        return exp.Div(
            this=cast(left, exp.DataType.Type.DOUBLE),
            expression=exp.Nullif(this=right, expression=num(0)),
        )

    def _operand(self, v: ir.Value, event: EventDef | None) -> exp.Expr:
        out = self.value(v, event)
        if isinstance(v, ir.Arith | ir.Neg) or (
            isinstance(v, ir.MeasureRef) and isinstance(v.expr, ir.Arith | ir.Neg)
        ):
            return exp.Paren(this=out)
        return out
