"""Segmentations (language.md §15): an ordered list of exclusive classes, first match
wins. Each class is a segment `NAME.CLASS` holding its own condition and none of the
earlier ones (the catch-all: none of them); the segmentation's name is a text value,
the name of the entity's class."""

from __future__ import annotations

from segdsl.semantic import ir
from segdsl.semantic.resolver.common import Ctx, did_you_mean, err
from segdsl.semantic.resolver.forms import (
    catchall_condition,
    class_conditions,
    segmentation_entity,
)
from segdsl.semantic.resolver.state import ResolverState
from segdsl.syntax import ast


class SegmentationsMixin(ResolverState):
    def segmentation(self, name: str) -> ir.Segmentation:
        done = self._segmentations.get(name)
        if done is not None:
            return done
        sdef = self.segmentation_defs[name]
        entity = segmentation_entity(self.catalog, sdef)
        names: list[str] = []
        conds: list[ir.Cond] = []
        self._stack.append(("segmentation", name))
        try:
            for c in sdef.classes:
                if c.where is None:
                    continue
                ctx = Ctx(entity, segment=f"{name}.{c.name}")
                conds.append(self.cond(c.where, ctx))
                names.append(c.name)
        finally:
            self._stack.pop()
        catchall = sdef.catchall
        value = ir.ClassOf(name, tuple(names), tuple(conds), catchall.name if catchall else None)
        self._check_size(value, f"segmentation `{name}`", sdef.name_span)
        g = ir.Segmentation(
            name,
            entity.name,
            tuple(c.name for c in sdef.classes),
            value,
            sdef.span,
            title=sdef.meta_value("title"),
            description=sdef.meta_value("description"),
            owner=sdef.meta_value("owner"),
            tags=sdef.tags,
        )
        self._segmentations[name] = g
        spans = {c.name: c.span for c in sdef.classes}
        exclusive = class_conditions(conds)
        if catchall is not None:
            names.append(catchall.name)
            exclusive.append(catchall_condition(conds))
        for cls, cond in zip(names, exclusive, strict=True):
            full = g.segment_name(cls)
            self._segments[full] = ir.Segment(
                full,
                entity.name,
                cond,
                spans[cls],
                title=f"{g.title}: {cls}" if g.title else None,
                owner=g.owner,
                tags=g.tags,
            )
        return g

    def _in_class(self, e: ast.InSegment, ctx: Ctx) -> ir.Cond:
        """`in segment NAME.CLASS`"""
        seg_name, cls = e.name.split(".", 1)
        gdef = self.segmentation_defs.get(seg_name)
        if gdef is None:
            raise err(
                "E201",
                f"unknown segmentation `{seg_name}`",
                e.name_span,
                label="no segmentation has this name",
                hint=did_you_mean(seg_name, self.segmentation_defs)
                or f"define it with `segmentation {seg_name} …`, or name a segment",
            )
        classes = [c.name for c in gdef.classes]
        if cls not in classes:
            raise err(
                "E321",
                f"segmentation `{seg_name}` has no class `{cls}`",
                e.name_span,
                label="unknown class",
                hint=(did_you_mean(cls, classes) + " " if did_you_mean(cls, classes) else "")
                + f"its classes are: {', '.join(classes)}",
            )
        self._enter("segmentation", seg_name, e.name_span)
        g = self.segmentation(seg_name)
        if g.entity != ctx.entity.name:
            raise err(
                "E307",
                f"segmentation `{seg_name}` is about `{g.entity}`, not `{ctx.entity.name}`",
                e.name_span,
                label="different entity",
                hint="`in segment` combines segments of the same entity",
            )
        seg = self._segments[e.name]
        self._reuse(seg.cond, e.name_span)
        return ir.InSegment(e.name, seg.cond)
