"""Sequences: `did E1 … then [not] E2 within D` as one CTE per sequence that stacks the
matching rows of both events and finds, for each E1, the first E2 strictly later."""

from __future__ import annotations

from sqlglot import exp

from segdsl.catalog.model import EventDef
from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.sql.compiler.state import BuilderState
from segdsl.sql.names import col, ident, table_ref
from segdsl.sql.nodes import aliased, and_, num, or_


class SequencesMixin(BuilderState):
    def _plus(self, ts: exp.Expr, d: ir.Duration, t: Type) -> exp.Expr:
        """``ts + d`` per row, for a fixed-length ``d`` (days or weeks)."""
        days = d.amount * (7 if d.unit == "week" else 1)
        how = self.caps.time_add
        if how == "sqlite":
            shift = exp.Literal.string(f"+{days} days")
            if t is Type.DATE:
                return exp.Anonymous(this="date", expressions=[ts, shift])
            # %f keeps milliseconds (DATETIME() would drop the fraction of a second).
            fmt = exp.Literal.string("%Y-%m-%d %H:%M:%f")
            return exp.Anonymous(this="strftime", expressions=[fmt, ts, shift])
        if how == "dateadd":
            return exp.DateAdd(this=ts, expression=num(days), unit=exp.Var(this="DAY"))
        return exp.Add(
            this=ts,
            expression=exp.Interval(this=exp.Literal.string(str(days)), unit=exp.Var(this="DAY")),
        )

    def _sequence_cte(self, s: ir.Sequence) -> exp.Select:
        """One row per entity with ``seq_hit`` = 1 when the sequence holds.

        The matching E1 and E2 rows are stacked (E2 tagged 0, E1 tagged 1) and ordered
        by time, E2 before E1 at equal times; for each E1 row, the smallest E2 time
        among the rows after it is the first E2 strictly later — no per-entity loop and
        no self-join."""
        first = self.catalog.events[s.first]
        second = self.catalog.events[s.second]
        t = first.timestamp_type

        def rows(ev: EventDef, tag: int, extra: list[exp.Expr]) -> exp.Select:
            conds: list[exp.Expr] = []
            if ev.kind is not None:
                conds.append(
                    exp.EQ(this=col(ev.kind[0]), expression=exp.Literal.string(ev.kind[1]))
                )
            conds.append(exp.LTE(this=col(ev.timestamp), expression=self.as_of.now(t)))
            conds.extend(extra)
            return (
                exp.select(
                    aliased(col(ev.key), ident("seq_key")),
                    aliased(col(ev.timestamp), ident("seq_ts")),
                    aliased(num(tag), ident("seq_tag")),
                )
                .from_(table_ref(ev.source), copy=False)
                .where(and_(*conds), copy=False)
            )

        ts = col(first.timestamp)
        e1: list[exp.Expr] = []
        e2: list[exp.Expr] = []
        if s.window is not None:
            lower = self.as_of.ago(s.window, t)
            e1.append(exp.GT(this=ts.copy(), expression=lower))
            # An E2 counts only after some E1, so never before the window starts.
            e2.append(exp.GT(this=col(second.timestamp), expression=lower.copy()))
        if s.until is not None:
            e1.append(exp.LTE(this=ts.copy(), expression=self.as_of.ago(s.until, t)))
        if s.period is not None:
            e1.append(self.as_of.in_period(ts.copy(), s.period, t))
            # An E2 counts only after some E1, so never before the period starts.
            start, _end, _inc = self.as_of.period(s.period, t)
            e2.append(exp.GTE(this=col(second.timestamp), expression=start))
        if s.absent:
            # Only an E1 whose follow-up time has fully elapsed at T can show an absence.
            e1.append(exp.LTE(this=ts.copy(), expression=self.as_of.ago(s.within, t)))
        if s.first_where is not None:
            e1.append(self.cond(s.first_where, False, first))
        if s.second_where is not None:
            e2.append(self.cond(s.second_where, False, second))
        stacked = exp.union(rows(second, 0, e2), rows(first, 1, e1), distinct=False)
        later = exp.Window(
            this=exp.Min(
                this=exp.Case(
                    ifs=[
                        exp.If(
                            this=exp.EQ(this=col("seq_tag"), expression=num(0)),
                            true=col("seq_ts"),
                        )
                    ]
                )
            ),
            partition_by=[col("seq_key")],
            order=exp.Order(
                expressions=[
                    # Neither is ever NULL; NULLS FIRST is the order every dialect
                    # can spell (BigQuery has no NULLS LAST in window functions).
                    exp.Ordered(this=col("seq_ts"), nulls_first=True),
                    exp.Ordered(this=col("seq_tag"), nulls_first=True),
                ]
            ),
            spec=exp.WindowSpec(
                kind="ROWS",
                start=num(1),
                start_side="FOLLOWING",
                end="UNBOUNDED",
                end_side="FOLLOWING",
            ),
        )
        ordered = exp.select(
            col("seq_key"), col("seq_ts"), col("seq_tag"), aliased(later, ident("seq_next"))
        ).from_(exp.Subquery(this=stacked, alias=exp.TableAlias(this=ident("seq_rows"))))
        limit = self._plus(col("seq_ts"), s.within, t)
        if s.absent:
            hit: exp.Expr = or_(
                exp.Is(this=col("seq_next"), expression=exp.Null()),
                exp.GT(this=col("seq_next"), expression=limit),
            )
        else:
            hit = exp.LTE(this=col("seq_next"), expression=limit)
        flag = exp.Case(
            ifs=[
                exp.If(
                    this=and_(
                        exp.EQ(this=col("seq_tag"), expression=num(1)),
                        exp.Paren(this=hit),
                    ),
                    true=num(1),
                )
            ],
            default=num(0),
        )
        return (
            exp.select(col("seq_key"), aliased(exp.Max(this=flag), ident("seq_hit")))
            .from_(
                exp.Subquery(this=ordered, alias=exp.TableAlias(this=ident("seq_ordered"))),
                copy=False,
            )
            .group_by(col("seq_key"), copy=False)
        )
