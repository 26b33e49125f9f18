"""Conditions: two-valued truth (``safe``), comparisons, ranges, lists, text matches,
list tests, windows on a value, `in segment`, and the parts other modules build
(rankings, sequences, places, samples)."""

from __future__ import annotations

from sqlglot import exp

from segdsl.catalog.model import EventDef
from segdsl.semantic import ir
from segdsl.sql.compiler.places import sample_sql, within_sql
from segdsl.sql.compiler.state import BuilderState
from segdsl.sql.dialects import unsupported
from segdsl.sql.names import col
from segdsl.sql.nodes import and_, num, or_


class ConditionsMixin(BuilderState):
    # -- conditions -----------------------------------------------------------------------------
    def cond(self, c: ir.Cond, safe: bool, event: EventDef | None = None) -> exp.Expr:
        """SQL for a condition. With ``safe``, the result is never NULL (it is used under
        `not` or as a value); without it, NULL may stand for false (a positive context,
        where SQL's three-valued logic gives the same answer)."""
        if isinstance(c, ir.And):
            return and_(*(self.cond(x, safe, event) for x in c.items))
        if isinstance(c, ir.Or):
            return or_(*(self.cond(x, safe, event) for x in c.items))
        if isinstance(c, ir.Not):
            inner = c.operand
            while isinstance(inner, ir.InSegment) and inner.name not in self.computed:
                inner = inner.cond
            if isinstance(inner, ir.Not):  # not not C is C
                return self.cond(inner.operand, safe, event)
            return exp.not_(self.cond(c.operand, True, event), copy=False)
        if isinstance(c, ir.InSegment):
            if c.name in self.computed:
                # Already a (never missing) column of an earlier layer: reuse it.
                return col(self.computed[c.name])
            return self.cond(c.cond, safe, event)
        if isinstance(c, ir.Literal):
            return exp.true() if c.value else exp.false()
        if isinstance(c, ir.IsMissing):
            if c.left.type.is_list and not self.caps.nullable_lists:
                raise unsupported(
                    self.dialect,
                    "a missing list (`is missing` / `is set` on a list attribute)",
                    hint="its arrays are never missing, only empty: use `has any (…)`",
                )
            return exp.Is(this=self.value(c.left, event), expression=exp.Null())
        if isinstance(c, ir.Rank):
            return self._rank_cond(c)
        if isinstance(c, ir.Sequence):
            # A 0/1 column of `base`, never missing.
            return exp.EQ(this=col(self.needs.sequences[c]), expression=num(1))
        if isinstance(c, ir.Sample):
            return sample_sql(c, self.caps, self.dialect)
        pred, nullable = self._atom(c, event)
        if safe and nullable:
            return exp.Coalesce(this=pred, expressions=[exp.false()])
        return pred

    def _atom(self, c: ir.Cond, event: EventDef | None) -> tuple[exp.Expr, bool]:
        if isinstance(c, ir.Compare):
            left = self.value(c.left, event)
            right = self.value(c.right, event)
            node: exp.Expr = {
                "=": exp.EQ,
                "<": exp.LT,
                "<=": exp.LTE,
                ">": exp.GT,
                ">=": exp.GTE,
            }[c.op](this=left, expression=right)
            return node, c.left.nullable or c.right.nullable
        if isinstance(c, ir.Between):
            between: exp.Expr = exp.Between(
                this=self.value(c.left, event),
                low=self.value(c.low, event),
                high=self.value(c.high, event),
            )
            return between, c.left.nullable
        if isinstance(c, ir.InValues):
            if not c.values:
                return exp.false(), False
            in_: exp.Expr = exp.In(
                this=self.value(c.left, event),
                expressions=[self.value(v, event) for v in c.values],
            )
            return in_, c.left.nullable
        if isinstance(c, ir.TextMatch):
            return self._text(c, event), c.left.nullable
        if isinstance(c, ir.ListHas):
            return self._list_has(c, event), c.left.nullable
        if isinstance(c, ir.InLast):
            left = self.value(c.left, event)
            t = c.left.type
            window: exp.Expr = and_(
                exp.GT(this=left, expression=self.as_of.ago(c.duration, t)),
                exp.LTE(this=left.copy(), expression=self.as_of.now(t)),
            )
            return window, c.left.nullable
        if isinstance(c, ir.InPeriod):
            left = self.value(c.left, event)
            return self.as_of.in_period(left, c.period, c.left.type), c.left.nullable
        if isinstance(c, ir.IsTrue):
            return exp.EQ(this=self.value(c.value, event), expression=exp.true()), c.value.nullable
        if isinstance(c, ir.Within):
            return within_sql(c), True
        raise TypeError(f"cannot compile {c!r}")  # pragma: no cover

    def _text(self, c: ir.TextMatch, event: EventDef | None) -> exp.Expr:
        # Characters, not bytes: ClickHouse spells the functions with a UTF8 suffix.
        utf8 = self.caps.utf8_text

        def fn(generic: type[exp.Func], name: str, **args: exp.Expr) -> exp.Expr:
            if utf8:
                return exp.Anonymous(this=name + "UTF8", expressions=list(args.values()))
            return generic(**args)

        subject = fn(exp.Lower, "lower", this=self.value(c.left, event))
        needle = fn(exp.Lower, "lower", this=exp.Literal.string(c.text))
        n = len(c.text)
        if c.op == "contains":
            return exp.GT(
                this=fn(exp.StrPosition, "position", this=subject, substr=needle),
                expression=num(0),
            )
        if c.op == "starts":
            return exp.EQ(
                this=fn(
                    exp.Substring,
                    "substring",
                    this=subject,
                    start=num(1),
                    length=num(n),
                ),
                expression=needle,
            )
        # ends with: compare the last n characters (guarded so the start is ≥ 1).
        length = fn(exp.Length, "length", this=subject.copy())
        start = exp.Add(
            this=exp.Sub(this=length, expression=num(n)),
            expression=num(1),
        )
        return and_(
            exp.GTE(this=length.copy(), expression=num(n)),
            exp.EQ(
                this=fn(exp.Substring, "substring", this=subject.copy(), start=start),
                expression=needle,
            ),
        )

    def _list_has(self, c: ir.ListHas, event: EventDef | None) -> exp.Expr:
        subject = self.value(c.left, event)
        if not c.values:
            # `has any ()` holds for no one; `has all ()` for everyone whose list is set.
            if c.mode == "any":
                return exp.false()
            if not self.caps.nullable_lists:
                raise unsupported(
                    self.dialect,
                    "`has all ()` (true for every list that is set)",
                    hint="its arrays are never missing, only empty",
                )
            return exp.Not(this=exp.Is(this=subject, expression=exp.Null()))
        if self.caps.lists is None:
            raise unsupported(self.dialect, "list attributes (`has`)")
        parts: list[exp.Expr] = []
        for v in dict.fromkeys(c.values):
            item = self.value(v, event)
            if self.caps.lists == "json":
                probe = (
                    exp.select(num(1))
                    .from_(
                        exp.Anonymous(this="json_each", expressions=[subject.copy()]), copy=False
                    )
                    .where(exp.EQ(this=exp.column("value"), expression=item), copy=False)
                )
                parts.append(exp.Exists(this=probe))
            else:
                parts.append(exp.ArrayContains(this=subject.copy(), expression=item))
        if c.mode == "any":
            node = or_(*parts) if len(parts) > 1 else parts[0]
        else:
            node = and_(*parts) if len(parts) > 1 else parts[0]
        if self.caps.lists == "json":
            # A missing list has no rows in json_each: keep the positive form false.
            node = and_(exp.Not(this=exp.Is(this=subject.copy(), expression=exp.Null())), node)
        return node
