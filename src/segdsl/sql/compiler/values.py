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
    # -- values -----------------------------------------------------------------------------
    def value(self, v: ir.Value, event: EventDef | None = None) -> exp.Expr:
        if isinstance(v, ir.Const):
            return literal(v.value, v.type, self.dialect)
        if isinstance(v, ir.Ago):
            return self.as_of.ago(v.duration, v.type)
        if isinstance(v, ir.Attr):
            return col(v.name)
        if isinstance(v, ir.EventField):
            return col(v.column)
        if isinstance(v, ir.Aggregate):
            return col(self.needs.aggregates[v])
        if isinstance(v, ir.MeasureRef):
            return self.value(v.expr, event)
        if isinstance(v, ir.TimePart):
            is_date = v.stamp_type is Type.DATE
            return time_part(self.dialect, v.part, col(v.column), is_date, self.as_of.zone)
        if isinstance(v, ir.Score):
            return col(self.needs.scores[v])
        if isinstance(v, ir.ClassOf):
            # The first class whose condition holds (each condition two-valued).
            ifs = [
                exp.If(this=self.cond(c, True), true=exp.Literal.string(name))
                for name, c in zip(v.names, v.conds, strict=True)
            ]
            other = exp.Literal.string(v.catchall) if v.catchall is not None else exp.Null()
            if not ifs:
                return other
            return exp.Case(ifs=ifs, default=other)
        if isinstance(v, ir.Neg):
            return exp.Neg(this=self._operand(v.operand, event))
        if isinstance(v, ir.Arith):
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
        raise TypeError(f"cannot compile {v!r}")  # pragma: no cover

    def _operand(self, v: ir.Value, event: EventDef | None) -> exp.Expr:
        out = self.value(v, event)
        if isinstance(v, ir.Arith | ir.Neg) or (
            isinstance(v, ir.MeasureRef) and isinstance(v.expr, ir.Arith | ir.Neg)
        ):
            return exp.Paren(this=out)
        return out
