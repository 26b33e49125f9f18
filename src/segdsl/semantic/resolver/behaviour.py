"""The behavioural forms: windows, sequences (`did … then [not] …`), `per G`
groups of rankings, `within D km of`, `sample P%`."""

from __future__ import annotations

from decimal import Decimal

from segdsl.catalog.types import Type
from segdsl.diagnostics import Span
from segdsl.semantic import ir
from segdsl.semantic.resolver.common import (
    Ctx,
    approx_days,
    did_you_mean,
    duration,
    err,
)
from segdsl.semantic.resolver.forms import percentage, period
from segdsl.semantic.resolver.state import ResolverState
from segdsl.syntax import ast


class BehaviourMixin(ResolverState):
    def _group(self, e: ast.Rank, ctx: Ctx) -> ir.Attr:
        """The attribute of `top … per G`."""
        assert e.per is not None and e.per_span is not None
        return self._group_attr(e.per, e.per_span, ctx)

    def _group_attr(self, per: str, span: Span, ctx: Ctx) -> ir.Attr:
        """The attribute of `… per G` (rankings and scores)."""
        col = ctx.entity.attributes.get(per)
        if col is None:
            what = "a measure" if per in self.measure_defs else "not an attribute"
            raise err(
                "E201",
                f"`per {per}`: `{per}` is {what} of `{ctx.entity.name}`",
                span,
                label="rankings and scores are grouped by an attribute",
                hint=did_you_mean(per, ctx.entity.attributes)
                or "group by an attribute such as country: `top 10% by spend per country`",
            )
        if col.type.is_list:
            raise err(
                "E303",
                f"`{per}` is a list; `per` groups by a single value",
                span,
                hint="group by an attribute with one value per entity, such as a country",
            )
        return ir.Attr(ctx.entity.name, col.name, col.column, col.type)

    def _sequence(self, e: ast.Did, then: ast.Then, ctx: Ctx) -> ir.Cond:
        if ctx.event is not None:
            raise err(
                "E304",
                "`did … then …` cannot be used inside an event condition",
                e.span,
                hint="a sequence is a condition on the whole entity: write it beside the "
                "aggregate, e.g. `did cart then order within 1 day and count(order) > 2`",
            )
        first = self._event(e.event, e.event_span, ctx)
        second = self._event(then.event, then.event_span, ctx)
        if first.timestamp_type is not second.timestamp_type:
            raise err(
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
            raise err(
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
        w1 = self.cond(e.where, Ctx(ctx.entity, first)) if e.where is not None else None
        w2 = self.cond(then.where, Ctx(ctx.entity, second)) if then.where is not None else None
        cal = period(e.window) if isinstance(e.window, ast.CalendarWindow) else None
        return ir.Sequence(
            first.name, window, until, w1, then.negated, second.name, duration(d), w2, cal
        )

    def _window(self, w: ast.AnyWindow | None) -> tuple[ir.Duration | None, ir.Duration | None]:
        """The far and near ends of a window; the near end is None when it is T. A
        calendar window has neither (see :func:`forms.period`)."""
        if w is None or isinstance(w, ast.CalendarWindow):
            return None, None
        far = duration(w.duration)
        if w.until is None or w.until.amount == 0:
            return far, None
        near = duration(w.until)
        if approx_days(far) == approx_days(near):
            raise err(
                "E309",
                f"the window `between {far} ago and {near} ago` is empty: both ends are the "
                "same time",
                w.span,
                label="no time between the ends",
                hint="the first time must be further back, e.g. "
                f"`between {duration(ast.Duration(w.span, far.amount * 2, far.unit))} ago "
                f"and {near} ago`",
            )
        if approx_days(far) < approx_days(near):
            raise err(
                "E309",
                f"the window `between {far} ago and {near} ago` ends before it starts",
                w.span,
                label="the first time must be the older one",
                hint=f"put the longer time first: `between {near} ago and {far} ago`",
            )
        return far, near

    def _within(self, e: ast.Within, ctx: Ctx) -> ir.Cond:
        if ctx.event is not None:
            raise err("E304", "`within … km` cannot be used inside an event condition", e.span)
        loc = ctx.entity.location
        if loc is None:
            raise err(
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
            raise err(
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
                raise err(
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

    def _sample(self, e: ast.Sample, ctx: Ctx) -> ir.Cond:
        if ctx.event is not None:
            raise err("E304", "`sample` cannot be used inside an event condition", e.span)
        pct = percentage(e.percent, 'sample 10% seed "spring-2026"')
        seed = str(e.seed.value) if e.seed is not None else ctx.segment
        return ir.Sample(pct, seed, ctx.entity.key)
