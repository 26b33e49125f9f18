"""The live plan: every segment of a project compiled from its resolved IR into Python
closures over one profile's state, and the logs (per event kind and event condition)
that the closures read.

A closure is called with a :class:`Ctx` (the profile's attributes and logs, the instant
``T``); while it runs, every part that depends on time lowers ``ctx.wake`` to the next
instant after ``T`` at which its answer can change (an event leaving or entering a
window, a pending ``then not`` elapsing, ``T − N`` passing an attribute's time). Until
then the segment's answer cannot change without new input, so time moves on without
looking at the profile. ``and``/``or`` stop early: the parts not looked at cannot change
the answer before one of the parts looked at does.

Forms that cannot be evaluated live raise :class:`NotLive` with the reason; a segment
that uses one is reported as not live by ``segdsl check --live`` and never evaluated.

Why this module is long: one Compiler maps every IR form to its closure, and all of them
share its compile-time state (value slots, event logs, the zone); the aggregates, times
and sequences they call live in their own modules.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from segdsl.catalog import Catalog, EventDef
from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.tools.live.aggregates import (
    aggregate_fn,
    count_compare_fn,
    sequence_fn,
    window_compare_fn,
)
from segdsl.tools.live.ctx import Ctx, mark_compare, mark_in_last
from segdsl.tools.live.forms import (
    OPS,
    Fn,
    NotLive,
    align,
    connect,
    guard,
    sample_fn,
    time_part_fn,
    within_fn,
)
from segdsl.tools.live.polarity import BOTH, DOWN, UP, polarity
from segdsl.tools.live.scores import ScoreSpec, class_of_fn, describe, score_fn
from segdsl.tools.live.specs import LogSpec, RankSpec, SegmentPlan
from segdsl.tools.live.times import back, back_date, period_bounds, period_span
from segdsl.tools.live.values import exact, num


class Compiler:
    """Compiles the segments of one project; holds the logs and rankings they read."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.logs: dict[tuple[str, ir.Cond | None], LogSpec] = {}
        self.ranks: list[RankSpec] = []
        self.scores: dict[tuple[str, ir.Score], ScoreSpec] = {}
        self._scores_used: list[int] = []
        self._segment = ""
        self.slots: dict[ir.Value, int] = {}
        self._kinds: set[str] = set()
        self._logs: set[int] = set()
        self._ranks_used: list[int] = []
        self._parts: set[str] = set()
        self._entity = catalog.default_entity
        # The project's time zone (language.md §11): date(T) and midnights are read there
        # (Ctx), months and years on timestamps step on its wall clock (times.back,
        # zoned.py), and a date met by a timestamp is compared on its calendar day (align).
        self.zone: str = getattr(catalog, "timezone", "UTC") or "UTC"

    # ---- segments -------------------------------------------------------------------
    def segment(self, seg: ir.Segment) -> SegmentPlan:
        self._kinds = set()
        self._logs = set()
        self._ranks_used = []
        self._scores_used = []
        self._parts = set()
        self._entity = seg.entity
        self._segment = seg.name
        saved = (dict(self.logs), list(self.ranks), dict(self.scores))
        part_logs: tuple[frozenset[int], ...] = ()
        try:
            if isinstance(seg.cond, ir.And):
                fn, part_logs = self._parts_of_and(seg.cond)
            else:
                fn = self.cond(seg.cond, None)
        except NotLive as exc:
            self.logs, self.ranks, self.scores = saved
            return SegmentPlan(seg.name, seg.entity, "not live", str(exc))
        if self._ranks_used or self._scores_used:
            reason = self._population_reason()
            mode = "batch cut-offs"
        else:
            mode = "exact"
            reason = "uses " + (", ".join(sorted(self._parts)) or "nothing that changes")
        by_id = {spec.id: spec for spec in self.logs.values()}
        moves = polarity(
            seg.cond,
            lambda event, where: self.logs[(event, where)].id,
            lambda log, column: by_id[log].field_index(column),
        )
        for log, fields in moves.summed.items():
            by_id[log].summed.update(fields)
        reads = frozenset(self._logs)

        def moving(signs: dict[int, int], keep: int) -> frozenset[int]:
            return frozenset(log for log in reads if signs.get(log, BOTH) != keep)

        return SegmentPlan(
            seg.name,
            seg.entity,
            mode,
            reason,
            fn,
            frozenset(self._kinds),
            # the cut-offs it reads: rankings' ids, and scores' keys (negative)
            tuple(self._ranks_used) + tuple(-1 - i for i in dict.fromkeys(self._scores_used)),
            reads,
            part_logs,
            tuple(moving(signs, UP) for signs in moves.cases),
            tuple(moving(signs, DOWN) for signs in moves.cases),
        )

    def _parts_of_and(self, c: ir.And) -> tuple[Fn, tuple[frozenset[int], ...]]:
        """A segment's top-level ``and``: its parts in order, each with the logs it
        reads; the compiled segment leaves the first part found false in ``ctx.blocked``."""
        fns: list[Fn] = []
        reads: list[frozenset[int]] = []
        for item in c.items:
            before, self._logs = self._logs, set()
            fns.append(self.cond(item, None))
            reads.append(frozenset(self._logs))
            self._logs = before | self._logs
        parts = tuple(fns)
        if len(parts) == 2:  # the usual `A and B`, without a loop
            first, second = parts

            def both(ctx: Ctx) -> bool:
                if not first(ctx):
                    ctx.blocked = 0
                    return False
                if not second(ctx):
                    ctx.blocked = 1
                    return False
                return True

            return both, tuple(reads)

        def all_parts(ctx: Ctx) -> bool:
            for k, part in enumerate(parts):
                if not part(ctx):
                    ctx.blocked = k
                    return False
            return True

        return all_parts, tuple(reads)

    def _population_reason(self) -> str:
        parts = []
        if self._ranks_used:
            texts = "; ".join(self.ranks[i].text for i in self._ranks_used)
            parts.append(
                f"{texts} depends on the whole population: compared with the cut-off of "
                "the latest batch evaluation"
            )
        if self._scores_used:
            specs = {s.id: s for s in self.scores.values()}
            used = list(dict.fromkeys(self._scores_used))
            texts = ", ".join(specs[i].text for i in used)
            what = "the score" if len(used) == 1 else "the scores"
            verb = "depends" if len(used) == 1 else "depend"
            parts.append(
                f"{what} {texts} {verb} on the whole population: scored against the "
                "thresholds of the latest batch evaluation"
            )
        return "; ".join(parts)

    # ---- logs -----------------------------------------------------------------------
    def log(self, event: str, where: ir.Cond | None) -> LogSpec:
        spec = self.logs.get((event, where))
        if spec is None:
            ev = self.catalog.events[event]
            where_fn = None if where is None else self.cond(where, ev)
            spec = LogSpec(len(self.logs), event, ev.timestamp_type is Type.DATE, where_fn)
            self.logs[(event, where)] = spec
        self._kinds.add(event)
        self._logs.add(spec.id)
        return spec

    def slot(self, node: ir.Value) -> int:
        return self.slots.setdefault(node, len(self.slots))

    # ---- conditions -----------------------------------------------------------------
    def cond(self, c: ir.Cond, ev: EventDef | None) -> Fn:
        guard(c)
        if isinstance(c, ir.And | ir.Or):
            return connect([self.cond(x, ev) for x in c.items], isinstance(c, ir.And))
        if isinstance(c, ir.Not):
            inner = self.cond(c.operand, ev)
            return lambda x: not inner(x)
        if isinstance(c, ir.Literal):
            value = bool(c.value)
            return lambda x: value
        if isinstance(c, ir.InSegment):
            return self.cond(c.cond, ev)
        if isinstance(c, ir.Compare):
            return self._compare(c, ev)
        if isinstance(c, ir.Between):
            return self._between(c, ev)
        if isinstance(c, ir.InValues):
            fx = self.value(c.left, ev)
            options = [num(v.value) for v in c.values]
            zone = self.zone
            if not c.left.type.is_temporal:
                members = frozenset(options)

                def in_set(x: Any) -> bool:
                    v = fx(x)
                    return v is not None and v in members

                return in_set

            def in_values(x: Any) -> bool:
                v = fx(x)
                if v is None:
                    return False
                return any(a == b for a, b in (align(v, o, zone) for o in options))

            return in_values
        if isinstance(c, ir.IsMissing):
            fx = self.value(c.left, ev)
            return lambda x: fx(x) is None
        if isinstance(c, ir.TextMatch):
            return self._text(c, ev)
        if isinstance(c, ir.ListHas):
            fx = self.value(c.left, ev)
            wanted = frozenset(num(v.value) for v in c.values)  # held values are exact too

            if c.mode == "all":

                def has_all(x: Any) -> bool:
                    items = fx(x)
                    return items is not None and wanted.issubset(items)

                return has_all

            def has_any(x: Any) -> bool:
                items = fx(x)
                return items is not None and not wanted.isdisjoint(items)

            return has_any
        if isinstance(c, ir.InLast):
            return self._in_last(c, ev)
        if isinstance(c, ir.InPeriod):
            return self._in_period(c, ev)
        if isinstance(c, ir.IsTrue):
            fx = self.value(c.value, ev)
            return lambda x: fx(x) is True
        if isinstance(c, ir.Rank):
            return self._rank(c, ev)
        if isinstance(c, ir.Sequence):
            return self._sequence(c, ev)
        if isinstance(c, ir.Within):
            return self._within(c, ev)
        if isinstance(c, ir.Sample):
            return self._sample(c, ev)
        raise NotLive(f"`{type(c).__name__}` conditions are not evaluated live yet")

    def _entity_only(self, ev: EventDef | None, what: str) -> None:
        if ev is not None:
            raise NotLive(f"{what} inside an event condition is not evaluated live")

    def _compare(self, c: ir.Compare, ev: EventDef | None) -> Fn:
        if c.op not in OPS:
            raise NotLive(f"the comparison `{c.op}` is not evaluated live yet")
        op = OPS[c.op]
        zone = self.zone
        if isinstance(c.right, ir.Ago) or isinstance(c.left, ir.Ago):
            self._entity_only(ev, "a time relative to now (`… ago`)")
            ago_right = isinstance(c.right, ir.Ago)
            ago = c.right if ago_right else c.left
            assert isinstance(ago, ir.Ago)
            other = self.value(c.left if ago_right else c.right, ev)
            point = self._ago(ago)
            d, on_date = ago.duration, ago.point_type is Type.DATE
            self._parts.add(f"`{d} ago`")

            # which change of `T − d` against v the comparison sees (v op A, or A op v)
            seen = {"<": "pass", "<=": "meet", ">": "meet", ">=": "pass"}
            flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
            which = seen.get(c.op if ago_right else flipped.get(c.op, c.op), "both")

            def compare_ago(ctx: Ctx) -> bool:
                v = other(ctx)
                if v is None:
                    return False
                mark_compare(ctx, v, d, on_date, which)
                a, b = (v, point(ctx)) if ago_right else (point(ctx), v)
                a, b = align(a, b, zone)
                return op(a, b)

            return compare_ago
        fl, fr = self.value(c.left, ev), self.value(c.right, ev)
        mixed = c.left.type.is_temporal and c.left.type is not c.right.type
        if isinstance(c.right, ir.Const) and not mixed:
            const = num(c.right.value)
            agg = c.left
            while isinstance(agg, ir.MeasureRef):
                agg = agg.expr
            if (
                isinstance(agg, ir.Aggregate)
                and agg.func == "count"
                and agg.window is not None
                and agg.window.unit in ("day", "week")
                and agg.until is None
            ):
                spec = self.logs[(agg.event, agg.where)]
                return count_compare_fn(op, const, spec.id, agg.window, spec.is_date)
            if (
                isinstance(agg, ir.Aggregate)
                and agg.func in ("sum", "avg", "min", "max", "count_distinct")
                and agg.field is not None
                and agg.window is not None
                and agg.window.unit in ("day", "week")
                and agg.until is None
            ):
                spec = self.logs[(agg.event, agg.where)]
                fi = spec.field_index(agg.field.column)
                return window_compare_fn(
                    fl, op, const, spec.id, fi, agg.func, agg.window, spec.is_date
                )

            if isinstance(const, Decimal):
                # a fraction (a ratio, a sum of floats) meets the constant as a fraction:
                # the same exact comparison, without Decimal's slow path for fractions
                as_fraction = Fraction(const)

                def compare_decimal(x: Any) -> bool:
                    a = fl(x)
                    if a is None:
                        return False
                    return bool(op(a, as_fraction if type(a) is Fraction else const))

                return compare_decimal

            def compare_const(x: Any) -> bool:
                a = fl(x)
                return a is not None and bool(op(a, const))

            return compare_const

        def compare(x: Any) -> bool:
            a = fl(x)
            if a is None:
                return False
            b = fr(x)
            if b is None:
                return False
            if mixed:
                a, b = align(a, b, zone)
            return bool(op(a, b))

        return compare

    def _between(self, c: ir.Between, ev: EventDef | None) -> Fn:
        fx = self.value(c.left, ev)
        zone = self.zone
        sides: list[tuple[Fn, ir.Duration | None, bool]] = []
        for side in (c.low, c.high):
            if isinstance(side, ir.Ago):
                self._entity_only(ev, "a time relative to now (`… ago`)")
                self._parts.add(f"`{side.duration} ago`")
                sides.append((self._ago(side), side.duration, side.point_type is Type.DATE))
            else:
                sides.append((self.value(side, ev), None, False))
        (flo, dlo, lo_date), (fhi, dhi, hi_date) = sides

        def between(x: Any) -> bool:
            v = fx(x)
            if v is None:
                return False
            if dlo is not None:  # A <= v: changes when A passes v
                mark_compare(x, v, dlo, lo_date, "pass")
            if dhi is not None:  # v <= A: changes when A meets v
                mark_compare(x, v, dhi, hi_date, "meet")
            lo, hi = flo(x), fhi(x)
            if lo is None or hi is None:
                return False
            v_lo, lo = align(v, lo, zone)
            v_hi, hi = align(v, hi, zone)
            return bool(lo <= v_lo and v_hi <= hi)

        return between

    def _text(self, c: ir.TextMatch, ev: EventDef | None) -> Fn:
        if c.op not in ("contains", "starts", "ends"):
            raise NotLive(f"the text test `{c.op}` is not evaluated live yet")
        fx = self.value(c.left, ev)
        needle = c.text.lower()
        test: Callable[[str], bool]
        if c.op == "contains":
            test = lambda s: needle in s  # noqa: E731
        elif c.op == "starts":
            test = lambda s: s.startswith(needle)  # noqa: E731
        else:
            test = lambda s: s.endswith(needle)  # noqa: E731

        def text(x: Any) -> bool:
            s = fx(x)
            return s is not None and test(s.lower())

        return text

    def _in_last(self, c: ir.InLast, ev: EventDef | None) -> Fn:
        self._entity_only(ev, "`in last …` on the event's own time")
        fx = self.value(c.left, ev)
        d = c.duration
        on_date = c.left.type is Type.DATE
        self._parts.add(f"`in last {d}`")

        def in_last(ctx: Ctx) -> bool:
            v = fx(ctx)
            if v is None:
                return False
            mark_in_last(ctx, v, d)
            if isinstance(v, dt.datetime):
                return bool(back(ctx.now, d, ctx.zone) < v <= ctx.now)
            return bool(back_date(ctx.today, d) < v <= ctx.today)

        del on_date
        return in_last

    def _in_period(self, c: ir.InPeriod, ev: EventDef | None) -> Fn:
        self._entity_only(ev, f"`in {c.period}` on the event's own time")
        fx = self.value(c.left, ev)
        p, on_date = c.period, c.left.type is Type.DATE
        zone = self.zone
        self._parts.add(f"`in {p}`")

        def in_period(ctx: Ctx) -> bool:
            v = fx(ctx)
            if v is None:
                return False
            lo, hi, inc, following = period_bounds(ctx.now, p, zone, on_date)
            inside = bool(lo <= v <= hi) if inc else bool(lo <= v < hi)
            if inc and not inside and v > hi:  # a value after T enters when T reaches it
                ctx.mark_stamp(v)
            # the first later period start at which v is in (or out of) the window;
            # none once the windows have passed v
            at = following
            for _ in range(p.previous + 2):
                lo, hi, inc, following = period_bounds(at, p, zone, on_date)
                if (bool(lo <= v <= hi) if inc else bool(lo <= v < hi)) != inside:
                    ctx.mark(at)
                    break
                if v < lo:
                    break
                at = following
            else:  # v lies further ahead: look again then
                ctx.mark(at)
            return inside

        return in_period

    def _rank(self, c: ir.Rank, ev: EventDef | None) -> Fn:
        self._entity_only(ev, "a ranking")
        by = self.value(c.by, ev)
        per = c.per.column if c.per is not None else None
        by_name = c.by.name if isinstance(c.by, ir.MeasureRef | ir.Attr) else "an expression"
        per_text = f" per {c.per.name}" if c.per else ""
        text = f"`{c.direction} {c.percent}% by {by_name}{per_text}`"
        spec = RankSpec(len(self.ranks), self._entity, c, by, per, text)
        self.ranks.append(spec)
        self._ranks_used.append(spec.id)
        rid, top = spec.id, c.direction == "top"

        def rank(ctx: Ctx) -> bool:
            table = ctx.cutoffs.get(rid)
            if not table:
                return False
            x = by(ctx)
            if x is None:
                return False
            group = None
            if per is not None:
                group = ctx.attrs.get(per)
                if group is None:
                    return False
            cut = table.get(group)
            if cut is None:
                return False
            return bool(x >= cut) if top else bool(x <= cut)

        return rank

    def _sequence(self, s: ir.Sequence, ev: EventDef | None) -> Fn:
        self._entity_only(ev, "a sequence")
        first = self.log(s.first, s.first_where)
        second = self.log(s.second, s.second_where)
        span = s.window if s.period is None else period_span(s.period)
        if span is None:
            first.keep_all = second.keep_all = True
        else:
            first.spans.append(span)
            second.spans.append(span)
        self._parts.add(
            f"sequence {s.first}{'' if s.period is None else f' in {s.period}'} → "
            f"{'not ' if s.absent else ''}{s.second} within {s.within}"
        )
        return sequence_fn(s, first.id, second.id, first.is_date)

    def _within(self, c: ir.Within, ev: EventDef | None) -> Fn:
        self._entity_only(ev, "a distance")
        self._parts.add("location")
        return within_fn(c)

    def _sample(self, c: ir.Sample, ev: EventDef | None) -> Fn:
        self._entity_only(ev, "a sample")
        self._parts.add("sample of the key")
        return sample_fn(c)

    # ---- values ---------------------------------------------------------------------
    def _ago(self, a: ir.Ago) -> Fn:
        d = a.duration
        if a.point_type is Type.DATE:
            return lambda ctx: back_date(ctx.today, d)
        return lambda ctx: back(ctx.now, d, ctx.zone)

    def value(self, v: ir.Value, ev: EventDef | None) -> Fn:
        guard(v)
        if isinstance(v, ir.Const):
            value = num(v.value)
            return lambda x: value
        if isinstance(v, ir.Attr):
            self._entity_only(ev, "an attribute")
            column = v.column
            self._parts.add("attributes")
            return lambda ctx: ctx.attrs.get(column)
        if isinstance(v, ir.EventField):
            if ev is None:
                raise NotLive(f"the event field `{v.name}` outside an event condition")
            column = v.column
            return lambda row: row.get(column)
        if isinstance(v, ir.MeasureRef):
            if isinstance(v.expr, ir.Score):
                return self._score(v.expr, ev, v.name)
            return self.value(v.expr, ev)
        if isinstance(v, ir.Score):
            return self._score(v, ev, None)
        if isinstance(v, ir.ClassOf):
            self._entity_only(ev, "a segmentation")
            return class_of_fn(v, [self.cond(c, ev) for c in v.conds])
        if isinstance(v, ir.TimePart):
            if ev is None:
                raise NotLive(f"`{v.part}` outside an event condition")
            return time_part_fn(v.part, v.column, self.zone)
        if isinstance(v, ir.Neg):
            inner = self.value(v.operand, ev)

            def neg(x: Any) -> Any:
                a = inner(x)
                return None if a is None else -a

            return neg
        if isinstance(v, ir.Arith):
            return self._arith(v, ev)
        if isinstance(v, ir.Aggregate):
            self._entity_only(ev, "an aggregate")
            known = ("count", "count_distinct", "sum", "avg", "min", "max", "first", "last")
            if v.func not in known and v.func != "most_frequent":
                raise NotLive(f"`{v.func}` is not evaluated live yet")
            spec = self.log(v.event, v.where)
            if v.period is not None:
                spec.spans.append(period_span(v.period))
            elif v.window is not None:
                spec.spans.append(v.window)
            else:
                spec.unwindowed = True
            fi = -1
            if v.field is not None:
                fi = spec.field_index(v.field.column)
                if v.func == "count_distinct" and v.window is None:
                    spec.distinct[fi] = True
                if v.func in ("first", "last", "most_frequent") and v.window is None:
                    # values of events without a window: the log keeps every event
                    spec.keep_all = True
            window = "" if v.window is None else f" in {v.window}"
            if v.period is not None:
                window = f" in {v.period}"
            self._parts.add(f"{v.event}{window}")
            return aggregate_fn(v, spec.id, fi, spec.is_date, self.slot(v))
        if isinstance(v, ir.Ago):
            raise NotLive("`… ago` outside a comparison is not evaluated live")
        raise NotLive(f"`{type(v).__name__}` values are not evaluated live yet")

    def _score(self, v: ir.Score, ev: EventDef | None, measure: str | None) -> Fn:
        """``score 1..N by X [per G]`` against the latest batch thresholds (scores.py)."""
        self._entity_only(ev, "a score")
        guard(v)
        spec = self.scores.get((self._entity, v))
        if spec is None:
            by = self.value(v.by, ev)
            per = v.per.column if v.per is not None else None
            text = describe(v, measure)
            spec = ScoreSpec(len(self.scores), self._entity, v, by, per, text, self._segment)
            self.scores[(self._entity, v)] = spec
        else:
            self.value(v.by, ev)  # the logs and parts it reads, for this segment too
        self._scores_used.append(spec.id)
        return score_fn(spec, self.slot(v))

    def _arith(self, v: ir.Arith, ev: EventDef | None) -> Fn:
        if v.op not in ("+", "-", "*", "/"):
            raise NotLive(f"the operator `{v.op}` is not evaluated live yet")
        fl, fr = self.value(v.left, ev), self.value(v.right, ev)
        op = v.op
        fn = {"+": operator.add, "-": operator.sub, "*": operator.mul}.get(op, operator.truediv)

        def arith(x: Any) -> Any:
            a = fl(x)
            if a is None:
                return None
            b = fr(x)
            if b is None:
                return None
            if op == "/":
                if b == 0:
                    return None
                # exact: a fraction or an int is used as it is (a sum is one already)
                ta, tb = type(a), type(b)
                if ta is int and tb is int:
                    return Fraction(a, b)
                if ta is not Fraction and ta is not int:
                    a = Fraction(a)
                if tb is not Fraction and tb is not int:
                    b = Fraction(b)
                return a / b
            return exact(fn, a, b)

        return arith
