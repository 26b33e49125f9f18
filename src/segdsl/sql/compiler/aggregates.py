"""Aggregates: one grouped pass per event source computes every aggregate the statement
uses (count, count distinct, sum, avg, min, max, first, last), each under its window
and condition; rows older than every window are filtered before grouping."""

from __future__ import annotations

from sqlglot import exp

from segdsl.catalog.model import EventDef, SourceTable
from segdsl.semantic import ir
from segdsl.sql.compiler.state import BuilderState
from segdsl.sql.names import col, ident, table_ref
from segdsl.sql.nodes import aliased, and_, new_select, num, or_


class AggregatesMixin(BuilderState):
    def _event_groups(self) -> dict[tuple[SourceTable, str], list[ir.Aggregate]]:
        groups: dict[tuple[SourceTable, str], list[ir.Aggregate]] = {}
        for agg in self.needs.aggregates:
            ev = self.catalog.events[agg.event]
            groups.setdefault((ev.source, ev.key), []).append(agg)
        return groups

    def _agg_sql(self, agg: ir.Aggregate, multi_kind: bool) -> exp.Expr:
        ev = self.catalog.events[agg.event]
        conds: list[exp.Expr] = []
        if multi_kind and ev.kind is not None:
            conds.append(exp.EQ(this=col(ev.kind[0]), expression=exp.Literal.string(ev.kind[1])))
        if agg.window is not None:
            conds.append(
                exp.GT(
                    this=col(ev.timestamp),
                    expression=self.as_of.ago(agg.window, ev.timestamp_type),
                )
            )
        if agg.until is not None:
            conds.append(
                exp.LTE(
                    this=col(ev.timestamp),
                    expression=self.as_of.ago(agg.until, ev.timestamp_type),
                )
            )
        if agg.where is not None:
            conds.append(self.cond(agg.where, False, ev))
        cond = and_(*conds) if conds else None

        def when(then: exp.Expr, other: exp.Expr | None = None) -> exp.Expr:
            if cond is None:
                return then
            # (each aggregate calls this once: the condition needs no copy)
            case = exp.Case(ifs=[exp.If(this=cond, true=then)])
            if other is not None:
                case.set("default", other)
            return case

        f = agg.func
        if f == "count":
            if cond is None:
                return exp.Count(this=exp.Star())
            return exp.Sum(this=when(num(1), num(0)))
        if f in ("first", "last"):
            target = col(ev.timestamp)
            inner = when(target)
            return exp.Min(this=inner) if f == "first" else exp.Max(this=inner)
        assert agg.field is not None
        inner = when(col(agg.field.column))
        if f == "count_distinct":
            return exp.Count(this=exp.Distinct(expressions=[inner]))
        return {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}[f](this=inner)

    def _group_cte(self, src: SourceTable, key: str, aggs: list[ir.Aggregate]) -> exp.Select:
        events: list[EventDef] = list(dict.fromkeys(self.catalog.events[a.event] for a in aggs))
        multi_kind = len(events) > 1
        select = new_select(
            col(key),
            *(
                aliased(self._agg_sql(agg, multi_kind), ident(self.needs.aggregates[agg]))
                for agg in aggs
            ),
            from_=table_ref(src),
            group=[col(key)],
        )
        filters: list[exp.Expr] = []
        for ev in events:
            parts: list[exp.Expr] = []
            if ev.kind is not None:
                parts.append(
                    exp.EQ(this=col(ev.kind[0]), expression=exp.Literal.string(ev.kind[1]))
                )
            # Events stamped after the as-of instant do not exist for this evaluation.
            parts.append(
                exp.LTE(this=col(ev.timestamp), expression=self.as_of.now(ev.timestamp_type))
            )
            lower = self._common_lower_bound([a for a in aggs if a.event == ev.name], ev)
            if lower is not None:
                parts.append(exp.GT(this=col(ev.timestamp), expression=lower))
            filters.append(and_(*parts))
        select.set("where", exp.Where(this=or_(*filters)))
        return select

    def _common_lower_bound(self, aggs: list[ir.Aggregate], ev: EventDef) -> exp.Expr | None:
        """When every aggregate of an event has a window, rows older than the widest
        window are read by none of them: filter them out before grouping."""
        if not aggs or any(a.window is None for a in aggs):
            return None
        windows = {a.window for a in aggs if a.window is not None}
        if self.as_of.instant is None:
            if len({w.unit for w in windows}) != 1:
                return None
            widest = max(windows, key=lambda w: w.amount)
        else:
            widest = min(windows, key=lambda w: (self.as_of.sort_key(w), w.amount, w.unit))
        return self.as_of.ago(widest, ev.timestamp_type)
