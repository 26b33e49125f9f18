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
    """One ``cond_<Node>`` or ``atom_<Node>`` method per IR condition class; :meth:`cond`
    dispatches."""

    def cond(self, c: ir.Cond, safe: bool, event: EventDef | None = None) -> exp.Expr:
        """SQL for a condition. With ``safe``, the result is never NULL (it is used under
        `not` or as a value); without it, NULL may stand for false (a positive context,
        where SQL's three-valued logic gives the same answer).

        A connective or a condition that is never missing has a ``cond_<Node>`` method;
        a predicate has an ``atom_<Node>`` method that also says whether its SQL can be
        NULL, and is then wrapped in ``COALESCE(…, FALSE)`` where it must be safe."""
        name = type(c).__name__
        whole = getattr(self, "cond_" + name, None)
        if whole is not None:
            out: exp.Expr = whole(c, safe, event)
            return out
        atom = getattr(self, "atom_" + name, None)
        if atom is None:  # pragma: no cover - every IR condition has its method
            raise TypeError(f"cannot compile {c!r}")
        pred, nullable = atom(c, event)
        if safe and nullable:
            return exp.Coalesce(this=pred, expressions=[exp.false()])
        assert isinstance(pred, exp.Expr)
        return pred

    # -- connectives and conditions that are never missing ------------------------------------
    def cond_And(self, c: ir.And, safe: bool, event: EventDef | None) -> exp.Expr:
        return and_(*(self.cond(x, safe, event) for x in c.items))

    def cond_Or(self, c: ir.Or, safe: bool, event: EventDef | None) -> exp.Expr:
        return or_(*(self.cond(x, safe, event) for x in c.items))

    def cond_Not(self, c: ir.Not, safe: bool, event: EventDef | None) -> exp.Expr:
        inner = c.operand
        while isinstance(inner, ir.InSegment) and inner.name not in self.computed:
            inner = inner.cond
        if isinstance(inner, ir.Not):  # not not C is C
            return self.cond(inner.operand, safe, event)
        return exp.not_(self.cond(c.operand, True, event), copy=False)

    def cond_InSegment(self, c: ir.InSegment, safe: bool, event: EventDef | None) -> exp.Expr:
        if c.name in self.computed:
            # Already a (never missing) column of an earlier layer: reuse it.
            return col(self.computed[c.name])
        return self.cond(c.cond, safe, event)

    def cond_Literal(self, c: ir.Literal, safe: bool, event: EventDef | None) -> exp.Expr:
        return exp.true() if c.value else exp.false()

    def cond_IsMissing(self, c: ir.IsMissing, safe: bool, event: EventDef | None) -> exp.Expr:
        if c.left.type.is_list and not self.caps.nullable_lists:
            raise unsupported(
                self.dialect,
                "a missing list (`is missing` / `is set` on a list attribute)",
                hint="its arrays are never missing, only empty: use `has any (…)`",
            )
        return exp.Is(this=self.value(c.left, event), expression=exp.Null())

    def cond_Rank(self, c: ir.Rank, safe: bool, event: EventDef | None) -> exp.Expr:
        return self._rank_cond(c)

    def cond_Sequence(self, c: ir.Sequence, safe: bool, event: EventDef | None) -> exp.Expr:
        # A 0/1 column of `base`, never missing.
        return exp.EQ(this=col(self.needs.sequences[c]), expression=num(1))

    def cond_Sample(self, c: ir.Sample, safe: bool, event: EventDef | None) -> exp.Expr:
        return sample_sql(c, self.caps, self.dialect)

    # -- predicates: (SQL, whether it can be NULL) --------------------------------------------
    def atom_Compare(self, c: ir.Compare, event: EventDef | None) -> tuple[exp.Expr, bool]:
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

    def atom_Between(self, c: ir.Between, event: EventDef | None) -> tuple[exp.Expr, bool]:
        between: exp.Expr = exp.Between(
            this=self.value(c.left, event),
            low=self.value(c.low, event),
            high=self.value(c.high, event),
        )
        return between, c.left.nullable

    def atom_InValues(self, c: ir.InValues, event: EventDef | None) -> tuple[exp.Expr, bool]:
        if not c.values:
            return exp.false(), False
        in_: exp.Expr = exp.In(
            this=self.value(c.left, event),
            expressions=[self.value(v, event) for v in c.values],
        )
        return in_, c.left.nullable

    def atom_TextMatch(self, c: ir.TextMatch, event: EventDef | None) -> tuple[exp.Expr, bool]:
        return self._text(c, event), c.left.nullable

    def atom_ListHas(self, c: ir.ListHas, event: EventDef | None) -> tuple[exp.Expr, bool]:
        return self._list_has(c, event), c.left.nullable

    def atom_InLast(self, c: ir.InLast, event: EventDef | None) -> tuple[exp.Expr, bool]:
        left = self.value(c.left, event)
        t = c.left.type
        window: exp.Expr = and_(
            exp.GT(this=left, expression=self.as_of.ago(c.duration, t)),
            exp.LTE(this=left.copy(), expression=self.as_of.now(t)),
        )
        return window, c.left.nullable

    def atom_InPeriod(self, c: ir.InPeriod, event: EventDef | None) -> tuple[exp.Expr, bool]:
        left = self.value(c.left, event)
        return self.as_of.in_period(left, c.period, c.left.type), c.left.nullable

    def atom_IsTrue(self, c: ir.IsTrue, event: EventDef | None) -> tuple[exp.Expr, bool]:
        return exp.EQ(this=self.value(c.value, event), expression=exp.true()), c.value.nullable

    def atom_Within(self, c: ir.Within, event: EventDef | None) -> tuple[exp.Expr, bool]:
        return within_sql(c), True

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
