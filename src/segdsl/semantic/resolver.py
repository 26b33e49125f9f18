"""Bind names, check types, and lower the syntax tree to the typed IR.

The resolver is where a rule's *meaning* is fixed: which attribute a name is, what a
date meets when compared with a timestamp, that `!=` is the complement of `=`.
All semantic errors are raised here (never from the parser's Transformer).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from segdsl.catalog.model import Catalog, EntityDef, EventDef
from segdsl.catalog.types import Type, comparable, describe
from segdsl.diagnostics import Diagnostic, SegdslError, Span
from segdsl.semantic import ir
from segdsl.syntax import ast

_LITERAL_TYPES = {
    "integer": Type.INTEGER,
    "number": Type.NUMBER,
    "string": Type.STRING,
    "boolean": Type.BOOLEAN,
    "date": Type.DATE,
    "timestamp": Type.TIMESTAMP,
}


# Limits (docs/language.md, "Limits"): a condition the later stages (the compiler, sqlglot,
# lint) can walk within Python's recursion limit and compile within seconds.
MAX_DEPTH = 64  # E312: levels of a condition, counting the segments and measures it uses
MAX_PARTS = 100_000  # E312: IR nodes of one segment once what it uses is written out
MAX_ERRORS = 200  # errors reported before the resolver stops looking for more


def _err(
    code: str,
    message: str,
    span: Span | None,
    *,
    label: str = "",
    hint: str = "",
    notes: Iterable[str] = (),
) -> SegdslError:
    return SegdslError(Diagnostic(code, message, span, label=label, hint=hint, notes=tuple(notes)))


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    pool = set(choices)
    if len(pool) > 1000:
        # Among thousands of names (a generated project), only names of about the same
        # length can be close enough: compare with those, not with every name.
        pool = {c for c in pool if abs(len(c) - len(word)) <= max(2, len(word) // 3)}
        if len(pool) > 5000:
            pool = {c for c in pool if c[:1].lower() == word[:1].lower()}
    near = difflib.get_close_matches(word, sorted(pool), n=1, cutoff=0.6)
    return f"did you mean `{near[0]}`?" if near else ""


@dataclass(frozen=True)
class _Ctx:
    entity: EntityDef
    event: EventDef | None = None  # inside an aggregate's or `did`'s condition
    segment: str = "rule"  # the segment being resolved: the default seed of `sample`


@dataclass
class Resolved:
    """A resolved project: segments and measures in source order."""

    segments: dict[str, ir.Segment]
    measures: dict[str, ir.Measure]


class Resolver:
    def __init__(self, catalog: Catalog, modules: Iterable[ast.Module]) -> None:
        self.catalog = catalog
        self.segment_defs: dict[str, ast.SegmentDef] = {}
        self.measure_defs: dict[str, ast.MeasureDef] = {}
        self.diagnostics: list[Diagnostic] = []
        self._segments: dict[str, ir.Segment] = {}
        self._measures: dict[str, ir.Measure] = {}
        self._stack: list[tuple[str, str]] = []
        self._depth = 0  # nested cond()/value() calls under way, across `in segment` hops
        # id(IR node) → (the node, its size and its depth once written out); the node is
        # kept so that its id is not reused
        self._stats: dict[int, tuple[object, int, int]] = {}
        self._collect(modules)

    # ---- definitions and duplicates -------------------------------------------------
    def _collect(self, modules: Iterable[ast.Module]) -> None:
        first: dict[str, ast.SegmentDef | ast.MeasureDef] = {}
        for module in modules:
            for stmt in module.statements:
                prev = first.get(stmt.name)
                if prev is not None:
                    kind = "segment" if isinstance(stmt, ast.SegmentDef) else "measure"
                    prev_kind = "segment" if isinstance(prev, ast.SegmentDef) else "measure"
                    self.diagnostics.append(
                        Diagnostic(
                            "E202",
                            f"`{stmt.name}` is defined twice",
                            stmt.name_span,
                            label=f"this {kind} has the same name as a {prev_kind}",
                            notes=(f"first defined at {prev.name_span}",),
                            hint="names are global within a project; rename one of them",
                        )
                    )
                    continue
                first[stmt.name] = stmt
                if isinstance(stmt, ast.SegmentDef):
                    self.segment_defs[stmt.name] = stmt
                else:
                    self.measure_defs[stmt.name] = stmt
        for name, mdef in self.measure_defs.items():
            for entity in self.catalog.entities.values():
                if name in entity.attributes:
                    self.diagnostics.append(
                        Diagnostic(
                            "E202",
                            f"measure `{name}` has the same name as an attribute of `{entity.name}`",
                            mdef.name_span,
                            label="clashes with an attribute",
                            hint="rename the measure, e.g. `" + name + "_m`",
                        )
                    )

    # ---- entry points ---------------------------------------------------------------
    def resolve_all(self) -> Resolved:
        for kind, names in (("measure", self.measure_defs), ("segment", self.segment_defs)):
            fn = self.measure if kind == "measure" else self.segment
            for name in names:
                if len(self.diagnostics) >= MAX_ERRORS:
                    # Past this many, more messages do not help and cost time (each
                    # unknown name is compared with every name for a suggestion).
                    self.diagnostics.append(
                        Diagnostic(
                            "E313",
                            f"more than {MAX_ERRORS} errors: stopped looking for more",
                            path=_first_path(self.segment_defs, self.measure_defs),
                            hint="fix the errors above and run again",
                        )
                    )
                    raise SegdslError(_dedupe(self.diagnostics))
                self._guard(fn, name)
        if self.diagnostics:
            raise SegdslError(_dedupe(self.diagnostics))
        return Resolved(dict(self._segments), dict(self._measures))

    def _guard(self, fn: Callable[[str], object], name: str) -> None:
        try:
            fn(name)
        except SegdslError as exc:
            self.diagnostics.extend(exc.diagnostics)
            self._stack.clear()

    def segment(self, name: str) -> ir.Segment:
        done = self._segments.get(name)
        if done is not None:
            return done
        sdef = self.segment_defs[name]
        entity_name = sdef.entity or self.catalog.default_entity
        entity = self.catalog.entities.get(entity_name)
        if entity is None:
            raise _err(
                "E203",
                f"unknown entity `{entity_name}`",
                sdef.entity_span or sdef.name_span,
                label="not in the catalog",
                hint=_did_you_mean(entity_name, self.catalog.entities)
                or "the entities are: " + ", ".join(self.catalog.entities),
            )
        self._stack.append(("segment", name))
        try:
            cond = self.cond(sdef.where, _Ctx(entity, segment=name))
        finally:
            self._stack.pop()
        self._check_size(cond, f"segment `{name}`", sdef.name_span)
        seg = ir.Segment(
            name,
            entity.name,
            cond,
            sdef.span,
            title=sdef.meta_value("title"),
            description=sdef.meta_value("description"),
            owner=sdef.meta_value("owner"),
            tags=sdef.tags,
        )
        self._segments[name] = seg
        return seg

    def rule(self, expr: ast.Expr, entity_name: str | None = None) -> ir.Segment:
        """Resolve an unnamed rule (``--rule``) against the catalog."""
        entity_name = entity_name or self.catalog.default_entity
        entity = self.catalog.entities.get(entity_name)
        if entity is None:
            raise _err(
                "E203",
                f"unknown entity `{entity_name}`",
                expr.span,
                hint="the entities are: " + ", ".join(self.catalog.entities),
            )
        cond = self.cond(expr, _Ctx(entity))
        self._check_size(cond, "this rule", expr.span)
        return ir.Segment("rule", entity.name, cond, expr.span)

    def measure(self, name: str) -> ir.Measure:
        done = self._measures.get(name)
        if done is not None:
            return done
        mdef = self.measure_defs[name]
        entity_name = self._measure_entity(mdef.expr, set()) or self.catalog.default_entity
        entity = self.catalog.entities[entity_name]
        self._stack.append(("measure", name))
        try:
            value = self.value(mdef.expr, _Ctx(entity))
        finally:
            self._stack.pop()
        self._check_size(value, f"measure `{name}`", mdef.name_span)
        if not (value.type.is_numeric or value.type.is_temporal):
            raise _err(
                "E303",
                f"measure `{name}` must be a number or a date, not {describe(value.type)}",
                mdef.expr.span,
                hint="a measure is an aggregate or arithmetic, e.g. `count(purchase in last 90 days)`",
            )
        m = ir.Measure(name, entity.name, value, mdef.span)
        self._measures[name] = m
        return m

    def _measure_entity(self, expr: ast.Expr, seen: set[str]) -> str | None:
        """The entity a measure is about: the entity of the first event it aggregates."""
        for node in _ast_nodes(expr):
            if isinstance(node, ast.Aggregate):
                ev = self.catalog.events.get(node.event)
                if ev is not None:
                    return ev.entity
            if isinstance(node, ast.Name) and node.name in self.measure_defs:
                if node.name in seen:
                    continue
                seen.add(node.name)
                found = self._measure_entity(self.measure_defs[node.name].expr, seen)
                if found:
                    return found
        return None

    def _enter(self, kind: str, name: str, span: Span) -> None:
        if (kind, name) in self._stack:
            start = self._stack.index((kind, name))
            chain = [n for _, n in self._stack[start:]] + [name]
            raise _err(
                "E301",
                f"{kind}s form a cycle: " + " → ".join(chain),
                span,
                label=f"`{name}` refers back to itself through this",
                hint=f"a {kind} cannot use itself, directly or through others; break the cycle",
            )

    # ---- limits ---------------------------------------------------------------------
    def _deeper(self, e: ast.Expr) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._too_deep(e.span)

    def _too_deep(self, span: Span) -> SegdslError:
        via = " through " + " → ".join(n for _, n in self._stack) if len(self._stack) > 1 else ""
        return _err(
            "E312",
            f"this condition is nested too deeply: more than {MAX_DEPTH} levels{via}",
            span,
            label=f"level {MAX_DEPTH + 1}",
            hint="parentheses, `not`, minus signs and arithmetic operators each add a level, "
            "and so does each measure or segment used inside another; "
            "drop redundant parentheses, or join conditions with and/or, which add none",
        )

    def _reuse(self, expr: ir.Value | ir.Cond, span: Span) -> None:
        """Check that a measure's or segment's resolved form fits at this depth."""
        if self._depth + self._ir_stats(expr)[1] > MAX_DEPTH:
            raise self._too_deep(span)

    def _check_size(self, expr: ir.Value | ir.Cond, what: str, span: Span) -> None:
        size = self._ir_stats(expr)[0]
        if size > MAX_PARTS:
            raise _err(
                "E312",
                f"{what} is too large once the segments and measures it uses are written "
                f"out: {_count(size)} parts, the limit is {MAX_PARTS:,}",
                span,
                label="too large",
                hint="a segment used twice is written out twice; "
                "use fewer copies of large segments and measures",
            )

    def _ir_stats(self, root: object) -> tuple[int, int]:
        """Size and depth of an IR tree written out (`in segment` and measures inlined),
        in time linear in its distinct nodes: shared nodes are counted from a memo."""
        memo = self._stats
        stack: list[tuple[object, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if id(node) in memo:
                continue
            kids = _ir_children(node)
            if not done:
                stack.append((node, True))
                stack.extend((k, False) for k in kids if id(k) not in memo)
                continue
            size = 1 + sum(memo[id(k)][1] for k in kids)
            depth = 1 + max((memo[id(k)][2] for k in kids), default=0)
            memo[id(node)] = (node, size, depth)
        _, size, depth = memo[id(root)]
        return size, depth

    # ---- conditions -----------------------------------------------------------------
    def cond(self, e: ast.Expr, ctx: _Ctx) -> ir.Cond:
        self._deeper(e)
        try:
            return self._cond(e, ctx)
        finally:
            self._depth -= 1

    def value(self, e: ast.Expr, ctx: _Ctx) -> ir.Value:
        self._deeper(e)
        try:
            return self._value(e, ctx)
        finally:
            self._depth -= 1

    def _cond(self, e: ast.Expr, ctx: _Ctx) -> ir.Cond:
        if isinstance(e, ast.Paren):
            return self.cond(e.inner, ctx)
        if isinstance(e, ast.And):
            return ir.And(tuple(self.cond(x, ctx) for x in e.items))
        if isinstance(e, ast.Or):
            return ir.Or(tuple(self.cond(x, ctx) for x in e.items))
        if isinstance(e, ast.Not):
            return ir.Not(self.cond(e.operand, ctx))
        if isinstance(e, ast.Compare):
            return self._compare(e, ctx)
        if isinstance(e, ast.Range):
            return self._range(e, ctx)
        if isinstance(e, ast.InList):
            left = self._scalar(e.left, ctx, "`in (…)`")
            values = tuple(self._const_for(v, left, e.left) for v in e.values.items)
            for item, val in zip(e.values.items, values, strict=True):
                if isinstance(val, ir.Ago):
                    raise _err(
                        "E303",
                        "a list holds plain values, not `… ago`",
                        item.span,
                        hint="compare with a window instead, e.g. `x in last 30 days`",
                    )
            if left.type is Type.DATE:
                values = tuple(_as_date(v) or v for v in values)
            if left.type is Type.TIMESTAMP and any(v.type is Type.DATE for v in values):
                c: ir.Cond = ir.Or(tuple(self._temporal_cmp("=", left, v) for v in values))
            else:
                c = ir.InValues(left, tuple(v for v in values if isinstance(v, ir.Const)))
            return ir.Not(c) if e.negated else c
        if isinstance(e, ast.IsSet):
            left = self.value(e.left, ctx)
            c = ir.IsMissing(left)
            return c if e.missing else ir.Not(c)
        if isinstance(e, ast.TextMatch):
            left = self.value(e.left, ctx)
            if left.type is not Type.STRING:
                raise self._type_error(e.left, left, "text", f"`{e.op}` works on text")
            return ir.TextMatch(e.op, left, str(e.text.value))
        if isinstance(e, ast.Has):
            return self._has(e, ctx)
        if isinstance(e, ast.InWindow):
            left = self.value(e.left, ctx)
            if not left.type.is_temporal:
                raise self._type_error(
                    e.left, left, "a date or timestamp", "`in last …` is a time window"
                )
            c = ir.InLast(left, _duration(e.window.duration))
            return ir.Not(c) if e.negated else c
        if isinstance(e, ast.BeforeAfter):
            left = self.value(e.left, ctx)
            if not left.type.is_temporal:
                raise self._type_error(
                    e.left, left, "a date or timestamp", f"`{e.op}` compares times"
                )
            point = self._const_for(e.point, left, e.left)
            return self._temporal_cmp("<" if e.op == "before" else ">", left, point)
        if isinstance(e, ast.InSegment):
            return self._in_segment(e, ctx)
        if isinstance(e, ast.Did):
            if e.then is not None:
                c = self._sequence(e, e.then, ctx)
                return ir.Not(c) if e.negated else c
            agg = self._aggregate(
                ast.Aggregate(
                    e.span, "count", e.event, e.event_span, None, None, e.window, e.where
                ),
                ctx,
            )
            c = ir.Compare(">=", agg, ir.Const(1, Type.INTEGER))
            return ir.Not(c) if e.negated else c
        if isinstance(e, ast.Within):
            return self._within(e, ctx)
        if isinstance(e, ast.Sample):
            return self._sample(e, ctx)
        if isinstance(e, ast.Rank):
            if ctx.event is not None:
                raise _err(
                    "E304", "`top`/`bottom` cannot be used inside an event condition", e.span
                )
            pct = e.percent.value
            if pct < 0 or pct > 100:
                raise _err(
                    "E305",
                    f"a percentage must be between 0% and 100%, not {pct}%",
                    e.percent.span,
                    hint="write e.g. `top 20% by spend_365d`",
                )
            by = self.value(e.by, ctx)
            if not by.type.is_numeric:
                raise self._type_error(e.by, by, "a number", f"`{e.direction}` ranks by a number")
            per = self._group(e, ctx) if e.per is not None else None
            return ir.Rank(e.direction, pct, by, per)
        # A value used as a condition: only a boolean will do.
        value = self.value(e, ctx)
        if value.type is Type.BOOLEAN:
            return ir.IsTrue(value)
        raise _err(
            "E302",
            f"{_what(e)} is {describe(value.type)}, not a condition",
            e.span,
            label="this needs a comparison",
            hint=_condition_hint(e, value.type),
        )

    def _group(self, e: ast.Rank, ctx: _Ctx) -> ir.Attr:
        """The attribute of `top … per G`."""
        assert e.per is not None and e.per_span is not None
        col = ctx.entity.attributes.get(e.per)
        if col is None:
            what = "a measure" if e.per in self.measure_defs else "not an attribute"
            raise _err(
                "E201",
                f"`per {e.per}`: `{e.per}` is {what} of `{ctx.entity.name}`",
                e.per_span,
                label="rankings are grouped by an attribute",
                hint=_did_you_mean(e.per, ctx.entity.attributes)
                or "group by an attribute such as country: `top 10% by spend per country`",
            )
        if col.type.is_list:
            raise _err(
                "E303",
                f"`{e.per}` is a list; `per` groups by a single value",
                e.per_span,
                hint="group by an attribute with one value per entity, such as a country",
            )
        return ir.Attr(ctx.entity.name, col.name, col.column, col.type)

    def _sequence(self, e: ast.Did, then: ast.Then, ctx: _Ctx) -> ir.Cond:
        if ctx.event is not None:
            raise _err(
                "E304",
                "`did … then …` cannot be used inside an event condition",
                e.span,
                hint="a sequence is a condition on the whole entity: write it beside the "
                "aggregate, e.g. `did cart then order within 1 day and count(order) > 2`",
            )
        first = self._event(e.event, e.event_span, ctx)
        second = self._event(then.event, then.event_span, ctx)
        if first.timestamp_type is not second.timestamp_type:
            raise _err(
                "E310",
                f"`{first.name}` is stamped with {first.timestamp_type.value}s and "
                f"`{second.name}` with {second.timestamp_type.value}s",
                then.event_span,
                label="different kinds of time",
                hint="a sequence compares the times of both events: declare both event "
                "timestamps with the same type in the catalog",
            )
        d = then.within
        if d.unit not in ("day", "week") or d.amount <= 0:
            raise _err(
                "E309",
                f"`within {d.amount} {d.unit}{'' if d.amount == 1 else 's'}` is not a fixed "
                "length of time"
                if d.amount > 0
                else "`within 0 days` leaves no time for the second event",
                d.span,
                label="days or weeks",
                hint="write the follow-up time in days or weeks, e.g. `within 30 days`",
            )
        window, until = self._window(e.window)
        w1 = self.cond(e.where, _Ctx(ctx.entity, first)) if e.where is not None else None
        w2 = self.cond(then.where, _Ctx(ctx.entity, second)) if then.where is not None else None
        return ir.Sequence(
            first.name, window, until, w1, then.negated, second.name, _duration(d), w2
        )

    def _window(self, w: ast.Window | None) -> tuple[ir.Duration | None, ir.Duration | None]:
        """The far and near ends of a window; the near end is None when it is T."""
        if w is None:
            return None, None
        far = _duration(w.duration)
        if w.until is None or w.until.amount == 0:
            return far, None
        near = _duration(w.until)
        if _approx_days(far) == _approx_days(near):
            raise _err(
                "E309",
                f"the window `between {far} ago and {near} ago` is empty: both ends are the "
                "same time",
                w.span,
                label="no time between the ends",
                hint="the first time must be further back, e.g. "
                f"`between {_duration(ast.Duration(w.span, far.amount * 2, far.unit))} ago "
                f"and {near} ago`",
            )
        if _approx_days(far) < _approx_days(near):
            raise _err(
                "E309",
                f"the window `between {far} ago and {near} ago` ends before it starts",
                w.span,
                label="the first time must be the older one",
                hint=f"put the longer time first: `between {near} ago and {far} ago`",
            )
        return far, near

    def _within(self, e: ast.Within, ctx: _Ctx) -> ir.Cond:
        if ctx.event is not None:
            raise _err("E304", "`within … km` cannot be used inside an event condition", e.span)
        loc = ctx.entity.location
        if loc is None:
            raise _err(
                "E311",
                f"`{ctx.entity.name}` has no location in the catalog",
                e.span,
                label="needs a location",
                hint=f"declare the columns in segdsl.toml: under [entity.{ctx.entity.name}] "
                'write `location = { lat = "latitude", lon = "longitude" }`',
            )
        km = Decimal(str(e.distance.value))
        lat = Decimal(str(e.lat.value))
        lon = Decimal(str(e.lon.value))
        if km <= 0:
            raise _err(
                "E305",
                f"a distance must be more than 0 km, not {km} km",
                e.distance.span,
                label="more than 0 km",
                hint="write e.g. `within 50 km of (48.8566, 2.3522)`",
            )
        for value, limit, span, what in (
            (lat, 90, e.lat.span, "latitude"),
            (lon, 180, e.lon.span, "longitude"),
        ):
            if abs(value) > limit:
                raise _err(
                    "E305",
                    f"a {what} must be between -{limit} and {limit}, not {value}",
                    span,
                    label=f"not a {what}",
                    hint="write the point as (latitude, longitude) in degrees, e.g. "
                    "`(48.8566, 2.3522)` for Paris",
                )
        entity = ctx.entity.name
        return ir.Within(
            ir.Attr(entity, "location_lat", loc[0], Type.NUMBER),
            ir.Attr(entity, "location_lon", loc[1], Type.NUMBER),
            lat,
            lon,
            km,
        )

    def _sample(self, e: ast.Sample, ctx: _Ctx) -> ir.Cond:
        if ctx.event is not None:
            raise _err("E304", "`sample` cannot be used inside an event condition", e.span)
        pct = e.percent.value
        if pct < 0 or pct > 100:
            raise _err(
                "E305",
                f"a percentage must be between 0% and 100%, not {pct}%",
                e.percent.span,
                hint='write e.g. `sample 10% seed "spring-2026"`',
            )
        seed = str(e.seed.value) if e.seed is not None else ctx.segment
        return ir.Sample(pct, seed, ctx.entity.key)

    def _compare(self, e: ast.Compare, ctx: _Ctx) -> ir.Cond:
        left = self._scalar(e.left, ctx, f"`{e.op}`")
        right = self._const_for(e.right, left, e.left)
        if left.type is Type.BOOLEAN and e.op not in ("=", "!="):
            raise _err(
                "E303",
                f"yes/no values cannot be compared with `{e.op}`",
                e.span,
                hint="use `= true`, `= false`, or the name alone",
            )
        op = "=" if e.op == "!=" else e.op
        if left.type.is_temporal:
            c = self._temporal_cmp(op, left, right)
        else:
            c = ir.Compare(op, left, right)
        return ir.Not(c) if e.op == "!=" else c

    def _temporal_cmp(self, op: str, left: ir.Value, right: ir.Value) -> ir.Cond:
        """A comparison of a date or timestamp with a date, timestamp or `N unit ago`.

        When a timestamp meets a date, the comparison is made on the calendar day, which
        is what a reader of `last_seen = 2024-03-01` or `ts 2024-03-01..2024-03-31`
        expects. It is rewritten to bounds on the timestamp so that engines can use them.
        """
        if left.type is Type.TIMESTAMP and isinstance(right, ir.Const) and right.type is Type.DATE:
            assert isinstance(right.value, dt.date)
            day = dt.datetime.combine(right.value, dt.time())
            start = ir.Const(day, Type.TIMESTAMP)
            nxt = ir.Const(day + dt.timedelta(days=1), Type.TIMESTAMP)
            if op == "=":
                return ir.And((ir.Compare(">=", left, start), ir.Compare("<", left, nxt)))
            if op == ">":
                return ir.Compare(">=", left, nxt)
            if op == ">=":
                return ir.Compare(">=", left, start)
            if op == "<":
                return ir.Compare("<", left, start)
            if op == "<=":
                return ir.Compare("<", left, nxt)
        if left.type is Type.DATE and isinstance(right, ir.Const) and right.type is Type.TIMESTAMP:
            assert isinstance(right.value, dt.datetime)
            right = ir.Const(right.value.date(), Type.DATE)
        return ir.Compare(op, left, right)

    def _range(self, e: ast.Range, ctx: _Ctx) -> ir.Cond:
        left = self.value(e.left, ctx)
        if not (left.type.is_numeric or left.type.is_temporal):
            raise self._type_error(
                e.left, left, "a number, date or timestamp", "a range needs ordered values"
            )
        low = self._const_for(e.low, left, e.left) if e.low is not None else None
        high = self._const_for(e.high, left, e.left) if e.high is not None else None
        if left.type is Type.DATE:
            low = _as_date(low)
            high = _as_date(high)
        if low is not None and high is not None and _after(low, high):
            assert e.low is not None and e.high is not None
            raise _err(
                "E306",
                "this range is empty: its low end is above its high end",
                e.span,
                label=f"{_show(e.low)} > {_show(e.high)}",
                hint=f"write the smaller value first: `{_show(e.high)}..{_show(e.low)}`",
            )
        parts: list[ir.Cond] = []
        if left.type is Type.TIMESTAMP:
            if low is not None:
                parts.append(self._temporal_cmp(">=", left, low))
            if high is not None:
                parts.append(self._temporal_cmp("<=", left, high))
            return parts[0] if len(parts) == 1 else ir.And(tuple(parts))
        if low is not None and high is not None:
            return ir.Between(left, low, high)
        if low is not None:
            return (
                self._temporal_cmp(">=", left, low)
                if left.type.is_temporal
                else ir.Compare(">=", left, low)
            )
        assert high is not None
        return (
            self._temporal_cmp("<=", left, high)
            if left.type.is_temporal
            else ir.Compare("<=", left, high)
        )

    def _has(self, e: ast.Has, ctx: _Ctx) -> ir.Cond:
        left = self.value(e.left, ctx)
        if not left.type.is_list:
            raise self._type_error(
                e.left, left, "a list", "`has` tests a list attribute such as `interests`"
            )
        items = e.values.items if isinstance(e.values, ast.ValueList) else (e.values,)
        values: list[ir.Const] = []
        for item in items:
            if not isinstance(item, ast.Literal):
                raise _err("E303", "a list holds plain values", item.span)
            item_const = _const(item)
            if not comparable(item_const.type, left.type.element) or item_const.type is Type.NUMBER:
                raise _err(
                    "E303",
                    f"`{_show(item)}` is {describe(item_const.type)}, but {_what(e.left)} is "
                    f"{describe(left.type)}",
                    item.span,
                    hint='write a value of the list\'s kind, e.g. has "running"'
                    if left.type is Type.LIST_STRING
                    else "write a whole number, e.g. has 3",
                )
            values.append(item_const)
        c: ir.Cond = ir.ListHas("all" if e.mode == "all" else "any", left, tuple(values))
        return ir.Not(c) if e.mode == "none" else c

    def _in_segment(self, e: ast.InSegment, ctx: _Ctx) -> ir.Cond:
        if ctx.event is not None:
            raise _err("E304", "`in segment` cannot be used inside an event condition", e.span)
        if e.name not in self.segment_defs:
            hint = _did_you_mean(e.name, self.segment_defs)
            if e.name in self.measure_defs:
                hint = f"`{e.name}` is a measure; compare it, e.g. `{e.name} > 0`"
            raise _err(
                "E201",
                f"unknown segment `{e.name}`",
                e.name_span,
                label="no segment has this name",
                hint=hint or "define it with `segment " + e.name + " where …`",
            )
        self._enter("segment", e.name, e.name_span)
        other = self.segment(e.name)
        self._reuse(other.cond, e.name_span)
        if other.entity != ctx.entity.name:
            raise _err(
                "E307",
                f"segment `{e.name}` is about `{other.entity}`, not `{ctx.entity.name}`",
                e.name_span,
                label="different entity",
                hint="`in segment` combines segments of the same entity",
            )
        return ir.InSegment(e.name, other.cond)

    # ---- values ---------------------------------------------------------------------
    def _scalar(self, e: ast.Expr, ctx: _Ctx, what: str) -> ir.Value:
        v = self.value(e, ctx)
        if v.type.is_list:
            raise _err(
                "E303",
                f"{_what(e)} is a list; {what} compares single values",
                e.span,
                hint=f'test a list with `has`, e.g. `{_show_expr(e)} has "value"` or `has any (…)`',
            )
        return v

    def _value(self, e: ast.Expr, ctx: _Ctx) -> ir.Value:
        if isinstance(e, ast.Paren):
            return self.value(e.inner, ctx)
        if isinstance(e, ast.Number):
            if isinstance(e.value, int):
                return ir.Const(e.value, Type.INTEGER)
            return ir.Const(e.value, Type.NUMBER)
        if isinstance(e, ast.Name):
            return self._name(e, ctx)
        if isinstance(e, ast.FieldRef):
            return self._field_ref(e, ctx)
        if isinstance(e, ast.Aggregate):
            return self._aggregate(e, ctx)
        if isinstance(e, ast.Arith):
            left = self.value(e.left, ctx)
            right = self.value(e.right, ctx)
            for side, v in ((e.left, left), (e.right, right)):
                if not v.type.is_numeric:
                    raise self._type_error(side, v, "a number", f"`{e.op}` works on numbers")
            return ir.Arith(e.op, left, right)
        if isinstance(e, ast.Neg):
            v = self.value(e.operand, ctx)
            if not v.type.is_numeric:
                raise self._type_error(e.operand, v, "a number", "`-` works on numbers")
            return ir.Neg(v)
        if isinstance(e, ast.LiteralExpr):
            raise _err(
                "E302",
                f"{_show(e.literal)} cannot stand alone here",
                e.span,
                label="a value, not a condition",
                hint='compare something with it, e.g. `country = "US"`',
            )
        raise _err(
            "E302",
            "a condition is used where a number is needed",
            e.span,
            label="this is a condition",
            hint="arithmetic and rankings work on numbers, e.g. `spend_365d / purchases_90d`",
        )

    def _name(self, e: ast.Name, ctx: _Ctx) -> ir.Value:
        if ctx.event is not None:
            ev = ctx.event
            if e.name == "timestamp":
                return ir.EventField(ev.name, "timestamp", ev.timestamp, ev.timestamp_type)
            col = ev.fields.get(e.name)
            if col is not None:
                return ir.EventField(ev.name, col.name, col.column, col.type)
            raise _err(
                "E201",
                f"unknown field `{e.name}` of event `{ev.name}`",
                e.span,
                label=f"not a field of `{ev.name}`",
                hint=_did_you_mean(e.name, [*ev.fields, "timestamp"])
                or f"the fields of `{ev.name}` are: " + ", ".join([*ev.fields, "timestamp"]),
                notes=("inside an event condition, names are the event's own fields",),
            )
        entity = ctx.entity
        col = entity.attributes.get(e.name)
        if col is not None:
            return ir.Attr(entity.name, col.name, col.column, col.type)
        if e.name in self.measure_defs:
            self._enter("measure", e.name, e.span)
            m = self.measure(e.name)
            self._reuse(m.expr, e.span)
            if m.entity != entity.name:
                raise _err(
                    "E307",
                    f"measure `{e.name}` is about `{m.entity}`, not `{entity.name}`",
                    e.span,
                    hint="use measures of the segment's own entity",
                )
            return ir.MeasureRef(e.name, m.expr)
        if e.name in self.segment_defs:
            raise _err(
                "E302",
                f"`{e.name}` is a segment",
                e.span,
                label="a segment is not a value",
                hint=f"write `in segment {e.name}`",
            )
        if e.name in self.catalog.events:
            raise _err(
                "E302",
                f"`{e.name}` is an event",
                e.span,
                label="an event is not a value",
                hint=f"use it in an aggregate, e.g. `count({e.name} in last 30 days) > 0` "
                f"or `did {e.name}`",
            )
        choices = [*entity.attributes, *self.measure_defs]
        hint = _did_you_mean(e.name, choices)
        if hint:
            near = hint.split("`")[1]
            where = (
                f" (measure, {self.measure_defs[near].name_span})"
                if near in self.measure_defs
                else f" (attribute of `{entity.name}`)"
            )
            hint = hint[:-1] + where + "?"
        raise _err(
            "E201",
            f"unknown name `{e.name}`",
            e.span,
            label=f"not an attribute of `{entity.name}` nor a measure",
            hint=hint or f"attributes of `{entity.name}`: " + ", ".join(entity.attributes),
        )

    def _field_ref(self, e: ast.FieldRef, ctx: _Ctx) -> ir.Value:
        if ctx.event is not None and e.event == ctx.event.name:
            return self._name(ast.Name(e.field_span, e.field_name), ctx)
        raise _err(
            "E302",
            f"`{e.event}.{e.field_name}` can only be used inside an aggregate",
            e.span,
            hint=f"aggregate it, e.g. `sum({e.event}.{e.field_name} in last 90 days)`",
        )

    def _event(self, name: str, span: Span, ctx: _Ctx) -> EventDef:
        ev = self.catalog.events.get(name)
        if ev is None:
            raise _err(
                "E201",
                f"unknown event `{name}`",
                span,
                label="not an event in the catalog",
                hint=_did_you_mean(name, self.catalog.events)
                or "the events are: " + (", ".join(self.catalog.events) or "(none defined)"),
            )
        if ev.entity != ctx.entity.name:
            raise _err(
                "E307",
                f"event `{name}` belongs to `{ev.entity}`, but this rule is about `{ctx.entity.name}`",
                span,
                label="different entity",
                hint=f"use events of `{ctx.entity.name}`, or write the segment `of {ev.entity}`",
            )
        return ev

    def _aggregate(self, e: ast.Aggregate, ctx: _Ctx) -> ir.Value:
        if ctx.event is not None:
            raise _err(
                "E304",
                "an aggregate cannot be nested inside an event condition",
                e.span,
                hint="the condition of an aggregate tests one event's own fields",
            )
        ev = self._event(e.event, e.event_span, ctx)
        ev_ctx = _Ctx(ctx.entity, ev)
        field: ir.EventField | None = None
        fspan = e.field_span or e.event_span
        if e.field_name is not None:
            fv = self._name(ast.Name(fspan, e.field_name), ev_ctx)
            assert isinstance(fv, ir.EventField)
            field = fv
        func = e.func
        result: Type
        if func in ("count", "first", "last"):
            if field is not None:
                hint = (
                    f"count events with `count({e.event})`, or distinct values with "
                    f"`count distinct({e.event}.{e.field_name})`"
                    if func == "count"
                    else f"`{func}({e.event})` gives the time of the {func} event"
                )
                raise _err("E308", f"`{func}` takes an event, not a field", fspan, hint=hint)
            result = Type.INTEGER if func == "count" else ev.timestamp_type
        else:
            if field is None:
                raise _err(
                    "E308",
                    f"`{_func_word(func)}` needs a field of the event",
                    e.event_span,
                    label="which field?",
                    hint=f"write e.g. `{_func_word(func)}({e.event}.{_example_field(ev)})`",
                )
            if func == "count_distinct":
                result = Type.INTEGER
            elif func in ("sum", "avg"):
                if not field.type.is_numeric:
                    raise _err(
                        "E303",
                        f"`{func}` needs a numeric field; `{field.name}` is {describe(field.type)}",
                        fspan,
                        hint="use count distinct(…) for text, or min/max for dates",
                    )
                result = Type.NUMBER if func == "avg" else field.type
            else:  # min, max
                if not (field.type.is_numeric or field.type.is_temporal):
                    raise _err(
                        "E303",
                        f"`{func}` needs a number or a date; `{field.name}` is {describe(field.type)}",
                        fspan,
                    )
                result = field.type
        where = self.cond(e.where, ev_ctx) if e.where is not None else None
        window, until = self._window(e.window)
        return ir.Aggregate(func, ev.name, field, window, where, result, until)

    # ---- literals -------------------------------------------------------------------
    def _const_for(self, v: ast.Value, left: ir.Value, left_ast: ast.Expr) -> ir.Value:
        """A literal on the right of a comparison, checked against the left side's type."""
        if isinstance(v, ast.Ago):
            if not left.type.is_temporal:
                raise _err(
                    "E303",
                    f"`{_show(v)}` is a point in time, but {_what(left_ast)} is {describe(left.type)}",
                    v.span,
                    hint="compare times with times, numbers with numbers",
                )
            return ir.Ago(_duration(v.duration), left.type)
        c = _const(v)
        if not comparable(left.type, c.type):
            raise _err(
                "E303",
                f"{_what(left_ast)} is {describe(left.type)}, but `{_show(v)}` is {describe(c.type)}",
                v.span,
                label=f"expected {describe(left.type)}",
                hint=_literal_hint(left.type),
            )
        return c

    def _type_error(self, e: ast.Expr, v: ir.Value, want: str, why: str) -> SegdslError:
        return _err(
            "E303",
            f"{_what(e)} is {describe(v.type)}, not {want}",
            e.span,
            label=f"expected {want}",
            hint=why,
        )


# ---- helpers -----------------------------------------------------------------------


_IR_FIELDS: dict[type, tuple[str, ...]] = {}


def _ir_children(node: object) -> list[object]:
    """The IR nodes directly under ``node`` (values and conditions, also inside tuples)."""
    cls = type(node)
    names = _IR_FIELDS.get(cls)
    if names is None:
        names = (
            tuple(f.name for f in dataclasses.fields(node))
            if dataclasses.is_dataclass(node)
            else ()
        )
        _IR_FIELDS[cls] = names
    out: list[object] = []
    for name in names:
        v = getattr(node, name)
        if isinstance(v, ir.Value | ir.Cond):
            out.append(v)
        elif isinstance(v, tuple):
            out.extend(x for x in v if isinstance(x, ir.Value | ir.Cond))
    return out


def _count(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"more than {10**15:,}"


def _first_path(*defs: dict[str, ast.SegmentDef] | dict[str, ast.MeasureDef]) -> str | None:
    for d in defs:
        for node in d.values():
            return node.span.path
    return None


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, str, str]] = set()
    out: list[Diagnostic] = []
    for d in diags:
        key = (d.code, d.message, str(d.span))
        if d.code == "E301":
            # One cycle, found from each of its members, is one mistake.
            members = sorted(set(d.message.split(": ", 1)[-1].split(" → ")))
            key = (d.code, " ".join(members), "")
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _as_date(v: ir.Value | None) -> ir.Value | None:
    """A timestamp literal met by a date is compared by its calendar day."""
    if isinstance(v, ir.Const) and v.type is Type.TIMESTAMP:
        assert isinstance(v.value, dt.datetime)
        return ir.Const(v.value.date(), Type.DATE)
    return v


def _duration(d: ast.Duration) -> ir.Duration:
    return ir.Duration(d.amount, d.unit)


_DAYS = {"day": 1.0, "week": 7.0, "month": 30.436875, "year": 365.2425}


def _approx_days(d: ir.Duration) -> float:
    return d.amount * _DAYS[d.unit]


def _const(v: ast.Literal) -> ir.Const:
    return ir.Const(v.value, _LITERAL_TYPES[v.kind])


def _after(a: ir.Value, b: ir.Value) -> bool:
    """Whether a > b for two range ends known at compile time."""
    if isinstance(a, ir.Const) and isinstance(b, ir.Const):
        av, bv = a.value, b.value
        if isinstance(av, dt.datetime) and not isinstance(bv, dt.datetime):
            av = av.date()
        if isinstance(bv, dt.datetime) and not isinstance(av, dt.datetime):
            bv = bv.date()
        try:
            return bool(av > bv)  # type: ignore[operator]
        except TypeError:
            return False
    if isinstance(a, ir.Ago) and isinstance(b, ir.Ago) and a.duration.unit == b.duration.unit:
        return a.duration.amount < b.duration.amount
    return False


def _show(v: ast.Value | ast.Literal) -> str:
    if isinstance(v, ast.Ago):
        d = v.duration
        return f"{d.amount} {d.unit}{'' if d.amount == 1 else 's'} ago"
    if v.kind == "string":
        return '"' + str(v.value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if v.kind == "boolean":
        return "true" if v.value else "false"
    if v.kind == "timestamp":
        assert isinstance(v.value, dt.datetime)
        return v.value.isoformat()
    return str(v.value)


def _show_expr(e: ast.Expr) -> str:
    if isinstance(e, ast.Name):
        return e.name
    return "x"


def _what(e: ast.Expr) -> str:
    if isinstance(e, ast.Name):
        return f"`{e.name}`"
    if isinstance(e, ast.Aggregate):
        return f"`{_func_word(e.func)}({e.event}…)`"
    if isinstance(e, ast.FieldRef):
        return f"`{e.event}.{e.field_name}`"
    if isinstance(e, ast.Number):
        return f"`{e.value}`"
    return "this expression"


def _func_word(func: str) -> str:
    return "count distinct" if func == "count_distinct" else func


def _example_field(ev: EventDef) -> str:
    for name, col in ev.fields.items():
        if col.type.is_numeric:
            return name
    return next(iter(ev.fields), "amount")


def _literal_hint(t: Type) -> str:
    return {
        Type.INTEGER: "write a number, e.g. 30",
        Type.NUMBER: "write a number, e.g. 49.90",
        Type.STRING: 'write text in quotes, e.g. "US"',
        Type.BOOLEAN: "write true or false",
        Type.DATE: "write a date, e.g. 2024-03-01, or `30 days ago`",
        Type.TIMESTAMP: "write a timestamp, e.g. 2024-03-01T12:00:00, a date, or `30 days ago`",
        Type.LIST_STRING: 'test a list with `has`, e.g. has "running"',
        Type.LIST_INTEGER: "test a list with `has`, e.g. has 3",
    }[t]


def _condition_hint(e: ast.Expr, t: Type) -> str:
    name = _show_expr(e) if isinstance(e, ast.Name) else None
    if t.is_numeric:
        return f"compare it, e.g. `{name or 'count(purchase)'} > 0`"
    if t is Type.STRING:
        return f'compare it, e.g. `{name or "country"} = "US"`'
    if t.is_temporal:
        return f"test it, e.g. `{name or 'last(purchase)'} in last 30 days`"
    if t.is_list:
        return f'test it, e.g. `{name or "interests"} has "running"`'
    return "write a comparison"


def _ast_nodes(e: ast.Expr) -> list[ast.Expr]:
    """Every expression node under ``e`` in source order."""
    out: list[ast.Expr] = []
    stack: list[ast.Expr] = [e]
    while stack:
        n = stack.pop()
        out.append(n)
        children: list[ast.Expr] = []
        for attr in ("inner", "operand", "left", "right", "by", "where"):
            child = getattr(n, attr, None)
            if isinstance(child, ast.Expr):
                children.append(child)
        if isinstance(n, ast.And | ast.Or):
            children.extend(n.items)
        stack.extend(reversed(children))
    return out


__all__ = ["Resolved", "Resolver"]
_ = Decimal  # re-exported type used in annotations of ir
