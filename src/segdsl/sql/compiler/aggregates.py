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

    def _agg_filter(self, agg: ir.Aggregate, multi_kind: bool) -> exp.Expr | None:
        """Which rows of the source an aggregate reads (kind, window, condition); a new
        tree on each call."""
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
        if agg.period is not None:
            p = agg.period
            if p.previous == 0:
                # `in this UNIT`: from the start of the period; ≤ T holds for every row read.
                start, _end, _inc = self.as_of.period(p, ev.timestamp_type)
                conds.append(exp.GTE(this=col(ev.timestamp), expression=start))
            else:
                conds.append(self.as_of.in_period(col(ev.timestamp), p, ev.timestamp_type))
        if agg.where is not None:
            conds.append(self.cond(agg.where, False, ev))
        return and_(*conds) if conds else None

    def _agg_sql(self, agg: ir.Aggregate, multi_kind: bool) -> exp.Expr:
        ev = self.catalog.events[agg.event]
        if agg.of_values:
            return self._value_agg_sql(agg, multi_kind)
        cond = self._agg_filter(agg, multi_kind)

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

    # -- values carried by events (§12) ------------------------------------------------------
    def _matching(self, agg: ir.Aggregate, multi_kind: bool, *extra: exp.Expr) -> exp.Expr:
        """The row matches the aggregate (and ``extra``): a fresh tree each time."""
        cond = self._agg_filter(agg, multi_kind)
        parts = ([cond] if cond is not None else []) + list(extra)
        return and_(*parts) if parts else exp.true()

    def _value_agg_sql(self, agg: ir.Aggregate, multi_kind: bool) -> exp.Expr:
        """first/last(E.f): the largest f among the matching rows at the first/last
        matching instant (``<alias>_at``, a window column); most_frequent(E.f): the
        smallest f among the values carried by the most matching rows (``<alias>_cnt``
        per value, ``<alias>_top`` per entity)."""
        ev = self.catalog.events[agg.event]
        assert agg.field is not None
        alias = self.needs.aggregates[agg]
        f = col(agg.field.column)
        if agg.func in ("first", "last"):
            at = exp.EQ(this=col(ev.timestamp), expression=col(alias + "_at"))
            hit = self._matching(agg, multi_kind, at)
            return exp.Max(this=exp.Case(ifs=[exp.If(this=hit, true=f)]))
        top = exp.EQ(this=col(alias + "_cnt"), expression=col(alias + "_top"))
        hit = self._matching(agg, multi_kind, _is_set(f.copy()), top)
        return exp.Min(this=exp.Case(ifs=[exp.If(this=hit, true=f)]))

    def _value_windows(
        self, key: str, aggs: list[ir.Aggregate], multi_kind: bool
    ) -> tuple[list[exp.Expr], list[exp.Expr]]:
        """The window columns the value aggregates need, in two layers (a window over a
        window column must be computed one SELECT further out)."""
        first: list[exp.Expr] = []
        second: list[exp.Expr] = []
        for agg in aggs:
            if not agg.of_values:
                continue
            ev = self.catalog.events[agg.event]
            assert agg.field is not None
            alias = self.needs.aggregates[agg]
            f = col(agg.field.column)
            if agg.func in ("first", "last"):
                only = self._agg_filter(agg, multi_kind)
                stamp = (
                    col(ev.timestamp)
                    if only is None
                    else exp.Case(ifs=[exp.If(this=only, true=col(ev.timestamp))])
                )
                extreme = exp.Min(this=stamp) if agg.func == "first" else exp.Max(this=stamp)
                window = exp.Window(this=extreme, partition_by=[col(key)])
                first.append(aliased(window, ident(alias + "_at")))
                continue
            counted = exp.Case(
                ifs=[exp.If(this=self._matching(agg, multi_kind, _is_set(f.copy())), true=num(1))],
                default=num(0),
            )
            per_value = exp.Window(this=exp.Sum(this=counted), partition_by=[col(key), f.copy()])
            first.append(aliased(per_value, ident(alias + "_cnt")))
            best = exp.Case(
                ifs=[
                    exp.If(
                        this=self._matching(agg, multi_kind, _is_set(f.copy())),
                        true=col(alias + "_cnt"),
                    )
                ]
            )
            second.append(
                aliased(
                    exp.Window(this=exp.Max(this=best), partition_by=[col(key)]),
                    ident(alias + "_top"),
                )
            )
        return first, second

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
        windows = self._value_windows(key, aggs, multi_kind)
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
        if not windows[0]:
            select.set("where", exp.Where(this=or_(*filters)))
            return select
        # Values of events: the source is read once, in a subquery that adds the window
        # columns over the rows that exist at T, then grouped as usual.
        inner = new_select(exp.Star(), *windows[0], from_=table_ref(src), where=or_(*filters))
        rows: exp.Expr = exp.Subquery(this=inner, alias=exp.TableAlias(this=ident("ev_rows")))
        if windows[1]:
            outer = new_select(exp.Star(), *windows[1], from_=rows)
            rows = exp.Subquery(this=outer, alias=exp.TableAlias(this=ident("ev_ranked")))
        select.set("from_", exp.From(this=rows))
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


def _is_set(e: exp.Expr) -> exp.Expr:
    return exp.Not(this=exp.Is(this=e, expression=exp.Null()))
