"""Names: attributes, measures and event fields, bound against the catalog."""

from __future__ import annotations

from segdsl.catalog.model import EventDef
from segdsl.diagnostics import Span
from segdsl.semantic import ir
from segdsl.semantic.resolver.common import (
    Ctx,
    did_you_mean,
    err,
)
from segdsl.semantic.resolver.forms import TIME_PARTS, time_part
from segdsl.semantic.resolver.state import ResolverState
from segdsl.syntax import ast


class NamesMixin(ResolverState):
    def _name(self, e: ast.Name, ctx: Ctx) -> ir.Value:
        if ctx.event is not None:
            ev = ctx.event
            if e.name == "timestamp":
                return ir.EventField(ev.name, "timestamp", ev.timestamp, ev.timestamp_type)
            if e.name in TIME_PARTS:
                return time_part(e.name, ev, e.span)
            col = ev.fields.get(e.name)
            if col is not None:
                return ir.EventField(ev.name, col.name, col.column, col.type)
            raise err(
                "E201",
                f"unknown field `{e.name}` of event `{ev.name}`",
                e.span,
                label=f"not a field of `{ev.name}`",
                hint=did_you_mean(e.name, [*ev.fields, "timestamp", *TIME_PARTS])
                or f"the fields of `{ev.name}` are: "
                + ", ".join([*ev.fields, "timestamp", *TIME_PARTS]),
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
                raise err(
                    "E307",
                    f"measure `{e.name}` is about `{m.entity}`, not `{entity.name}`",
                    e.span,
                    hint="use measures of the segment's own entity",
                )
            return ir.MeasureRef(e.name, m.expr)
        if e.name in self.segmentation_defs:
            # §15: the name of the entity's class, as text
            self._enter("segmentation", e.name, e.span)
            g = self.segmentation(e.name)
            if g.entity != entity.name:
                raise err(
                    "E307",
                    f"segmentation `{e.name}` is about `{g.entity}`, not `{entity.name}`",
                    e.span,
                    hint="use segmentations of the segment's own entity",
                )
            self._reuse(g.value, e.span)
            return g.value
        if e.name in TIME_PARTS:
            raise err(
                "E302",
                f"`{e.name}` is a part of an event's time",
                e.span,
                label="only inside an event condition",
                hint=f"use it in an aggregate's or `did`'s condition, e.g. "
                f"`count(purchase where {e.name} >= 6) >= 1`",
            )
        if e.name in self.segment_defs:
            raise err(
                "E302",
                f"`{e.name}` is a segment",
                e.span,
                label="a segment is not a value",
                hint=f"write `in segment {e.name}`",
            )
        if e.name in self.catalog.events:
            raise err(
                "E302",
                f"`{e.name}` is an event",
                e.span,
                label="an event is not a value",
                hint=f"use it in an aggregate, e.g. `count({e.name} in last 30 days) > 0` "
                f"or `did {e.name}`",
            )
        choices = [*entity.attributes, *self.measure_defs]
        hint = did_you_mean(e.name, choices)
        if hint:
            near = hint.split("`")[1]
            where = (
                f" (measure, {self.measure_defs[near].name_span})"
                if near in self.measure_defs
                else f" (attribute of `{entity.name}`)"
            )
            hint = hint[:-1] + where + "?"
        raise err(
            "E201",
            f"unknown name `{e.name}`",
            e.span,
            label=f"not an attribute of `{entity.name}` nor a measure",
            hint=hint or f"attributes of `{entity.name}`: " + ", ".join(entity.attributes),
        )

    def _field_ref(self, e: ast.FieldRef, ctx: Ctx) -> ir.Value:
        if ctx.event is not None and e.event == ctx.event.name:
            return self._name(ast.Name(e.field_span, e.field_name), ctx)
        raise err(
            "E302",
            f"`{e.event}.{e.field_name}` can only be used inside an aggregate",
            e.span,
            hint=f"aggregate it, e.g. `sum({e.event}.{e.field_name} in last 90 days)`",
        )

    def _event(self, name: str, span: Span, ctx: Ctx) -> EventDef:
        ev = self.catalog.events.get(name)
        if ev is None:
            raise err(
                "E201",
                f"unknown event `{name}`",
                span,
                label="not an event in the catalog",
                hint=did_you_mean(name, self.catalog.events)
                or "the events are: " + (", ".join(self.catalog.events) or "(none defined)"),
            )
        if ev.entity != ctx.entity.name:
            raise err(
                "E307",
                f"event `{name}` belongs to `{ev.entity}`, but this rule is about `{ctx.entity.name}`",
                span,
                label="different entity",
                hint=f"use events of `{ctx.entity.name}`, or write the segment `of {ev.entity}`",
            )
        return ev
