"""Rankings: `top/bottom P% by X [per G]` over distinct values of X — how many entities
are strictly better, and how many have X set — compared in exact integers."""

from __future__ import annotations

from fractions import Fraction

from sqlglot import exp

from segdsl.semantic import ir
from segdsl.sql.compiler.state import BuilderState
from segdsl.sql.names import col, ident, unique_name
from segdsl.sql.nodes import add_columns, aliased, and_, cast, new_select, num


class RankingsMixin(BuilderState):
    def _rank_cond(self, c: ir.Rank) -> exp.Expr:
        alias = self.needs.ranks[c]
        frac = Fraction(c.percent)
        # member ⇔ X is set and (#strictly better) < P/100 · n, in exact integers:
        #        better · 100 · den < num · n
        lhs = exp.Mul(
            this=col(alias + "_better"),
            expression=num(100 * frac.denominator),
        )
        rhs = exp.Mul(this=num(frac.numerator), expression=col(alias + "_n"))
        parts: list[exp.Expr] = [
            exp.Not(this=exp.Is(this=col(alias + "_value"), expression=exp.Null())),
            exp.LT(this=lhs, expression=rhs),
        ]
        if c.per is not None:
            # Entities whose group is missing are in no group.
            parts.insert(0, exp.Not(this=exp.Is(this=col(c.per.name), expression=exp.Null())))
        return and_(*parts)

    def ranked(self) -> list[tuple[str, exp.Select]]:
        """The CTEs that rank (none when no rule ranks): ``valued`` adds each ranked
        value X to ``base``; ``ranks_N`` groups by the distinct values of X (and the
        group G) and counts, per value, the entities strictly better (a running sum
        over the distinct values only, not a sort of every entity); ``ranked`` joins
        those counts back on X."""
        if not self.needs.ranks and not self.needs.scores:
            return []
        vname = self.valued_name
        valued = new_select(exp.Star(), from_=exp.Table(this=ident(self.base_name)))
        ranked = new_select(
            exp.Column(this=exp.Star(), table=ident(vname)),
            from_=exp.Table(this=ident(vname)),
        )
        ctes: list[tuple[str, exp.Select]] = []
        for i, (rank, alias) in enumerate(self.needs.ranks.items(), start=1):
            value = alias + "_value"
            add_columns(valued, aliased(self.value(rank.by), ident(value)))
            per = rank.per.name if rank.per is not None else None
            cte = unique_name(f"ranks_{i}", self.ctes)
            ctes.append((cte, self._rank_cte(value, per, rank.direction == "top")))
            on: exp.Expr = exp.EQ(this=col(value, vname), expression=col("v", cte))
            if per is not None:
                on = and_(on, exp.EQ(this=col(per, vname), expression=col("g", cte)))
            ranked.append("joins", exp.Join(this=exp.Table(this=ident(cte)), on=on, side="LEFT"))
            add_columns(
                ranked,
                aliased(col("better", cte), ident(alias + "_better")),
                aliased(col("n", cte), ident(alias + "_n")),
            )
        for i, (score, alias) in enumerate(self.needs.scores.items(), start=1):
            # §14: 1 + floor(N × b / n), b = how many have a strictly smaller X (the
            # ascending running count), n = how many have X set (in the group).
            value = alias + "_value"
            add_columns(valued, aliased(self.value(score.by), ident(value)))
            per = score.per.name if score.per is not None else None
            cte = unique_name(f"scores_{i}", self.ctes)
            # The score is computed per distinct value (where n ≥ 1), then joined: an
            # engine never divides for an entity whose X is missing.
            scaled = exp.Mul(this=num(score.n), expression=col("better"))
            ratio = exp.Div(this=cast(scaled, exp.DataType.Type.DOUBLE), expression=col("n"))
            whole = cast(exp.Floor(this=ratio), exp.DataType.Type.BIGINT)
            counted = exp.Subquery(
                this=self._rank_cte(value, per, False),
                alias=exp.TableAlias(this=ident("counted")),
            )
            per_value = new_select(
                col("v"),
                *([col("g")] if per is not None else []),
                aliased(exp.Add(this=num(1), expression=whole), ident("s")),
                from_=counted,
            )
            ctes.append((cte, per_value))
            on = exp.EQ(this=col(value, vname), expression=col("v", cte))
            if per is not None:
                on = and_(on, exp.EQ(this=col(per, vname), expression=col("g", cte)))
            ranked.append("joins", exp.Join(this=exp.Table(this=ident(cte)), on=on, side="LEFT"))
            add_columns(ranked, aliased(col("s", cte), ident(alias)))
        return [(vname, valued), *ctes, (self.ranked_name, ranked)]

    def _rank_cte(self, value: str, per: str | None, desc: bool) -> exp.Select:
        """Per distinct value v of X (within group g): how many entities have a
        strictly better X (``better``) and how many have X set (``n``)."""
        group = [col(value)] + ([col(per)] if per is not None else [])
        part = [col(per)] if per is not None else None
        count = exp.Count(this=exp.Star())
        running = exp.Window(
            this=exp.Sum(this=count.copy()),
            partition_by=[p.copy() for p in part] if part else None,
            # X is never missing here; NULLS placed as each engine's default for
            # the direction, so that no dialect needs to spell it.
            order=exp.Order(
                expressions=[exp.Ordered(this=col(value), desc=desc, nulls_first=not desc)]
            ),
        )
        total = exp.Window(
            this=exp.Sum(this=count.copy()),
            partition_by=[p.copy() for p in part] if part else None,
        )
        select = new_select(aliased(col(value), ident("v")))
        if per is not None:
            add_columns(select, aliased(col(per), ident("g")))
        # The distinct values are distinct, so the running sum up to and including
        # v (RANGE frame: its peers) minus v's own count is the count strictly better.
        add_columns(
            select,
            aliased(exp.Sub(this=running, expression=count), ident("better")),
            aliased(total, ident("n")),
        )
        cond: exp.Expr = exp.Not(this=exp.Is(this=col(value), expression=exp.Null()))
        if per is not None:
            cond = and_(cond, exp.Not(this=exp.Is(this=col(per), expression=exp.Null())))
        select.set("from_", exp.From(this=exp.Table(this=ident(self.valued_name))))
        select.set("where", exp.Where(this=cond))
        select.set("group", exp.Group(expressions=group))
        return select
