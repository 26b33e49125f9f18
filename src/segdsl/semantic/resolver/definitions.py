"""The resolver: a project's segment and measure definitions (duplicates, E202),
resolved one by one into IR segments and measures, errors collected."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from segdsl.catalog.types import describe
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.semantic import ir
from segdsl.semantic.resolver.behaviour import BehaviourMixin
from segdsl.semantic.resolver.common import (
    MAX_ERRORS,
    Ctx,
    Resolved,
    dedupe,
    did_you_mean,
    err,
    first_path,
)
from segdsl.semantic.resolver.conditions import ConditionsMixin
from segdsl.semantic.resolver.limits import LimitsMixin
from segdsl.semantic.resolver.names import NamesMixin
from segdsl.semantic.resolver.segmentations import SegmentationsMixin
from segdsl.semantic.resolver.values import ValuesMixin
from segdsl.syntax import ast


class Resolver(
    ConditionsMixin,
    ValuesMixin,
    NamesMixin,
    BehaviourMixin,
    SegmentationsMixin,
    LimitsMixin,
):
    """Resolves a project's statements against its catalog; each construct's work is in
    the module of its mixin."""

    def _collect(self, modules: Iterable[ast.Module]) -> None:
        first: dict[str, ast.Statement] = {}
        for module in modules:
            for stmt in module.statements:
                prev = first.get(stmt.name)
                if prev is not None:
                    kind = statement_kind(stmt)
                    prev_kind = statement_kind(prev)
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
                elif isinstance(stmt, ast.SegmentationDef):
                    self.segmentation_defs[stmt.name] = stmt
                    for c in stmt.classes:
                        self.class_names[f"{stmt.name}.{c.name}"] = (stmt.name, c.name)
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

    def resolve_all(self) -> Resolved:
        steps: list[tuple[Callable[[str], object], Iterable[str]]] = [
            (self.measure, self.measure_defs),
            (self.segment, self.segment_defs),
            (self.segmentation, self.segmentation_defs),
        ]
        for fn, names in steps:
            for name in names:
                if len(self.diagnostics) >= MAX_ERRORS:
                    # Past this many, more messages do not help and cost time (each
                    # unknown name is compared with every name for a suggestion).
                    self.diagnostics.append(
                        Diagnostic(
                            "E313",
                            f"more than {MAX_ERRORS} errors: stopped looking for more",
                            path=first_path(self.segment_defs, self.measure_defs),
                            hint="fix the errors above and run again",
                        )
                    )
                    raise SegdslError(dedupe(self.diagnostics))
                self._guard(fn, name)
        if self.diagnostics:
            raise SegdslError(dedupe(self.diagnostics))
        return Resolved(dict(self._segments), dict(self._measures), dict(self._segmentations))

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
        if name in self.class_names:
            self.segmentation(self.class_names[name][0])
            return self._segments[name]
        sdef = self.segment_defs[name]
        entity_name = sdef.entity or self.catalog.default_entity
        entity = self.catalog.entities.get(entity_name)
        if entity is None:
            raise err(
                "E203",
                f"unknown entity `{entity_name}`",
                sdef.entity_span or sdef.name_span,
                label="not in the catalog",
                hint=did_you_mean(entity_name, self.catalog.entities)
                or "the entities are: " + ", ".join(self.catalog.entities),
            )
        self._stack.append(("segment", name))
        try:
            cond = self.cond(sdef.where, Ctx(entity, segment=name))
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
            raise err(
                "E203",
                f"unknown entity `{entity_name}`",
                expr.span,
                hint="the entities are: " + ", ".join(self.catalog.entities),
            )
        cond = self.cond(expr, Ctx(entity))
        self._check_size(cond, "this rule", expr.span)
        return ir.Segment("rule", entity.name, cond, expr.span)

    def measure(self, name: str) -> ir.Measure:
        done = self._measures.get(name)
        if done is not None:
            return done
        mdef = self.measure_defs[name]
        entity_name = (
            self._measure_entity(mdef.expr, set())
            or self._attribute_entity(mdef.expr)
            or self.catalog.default_entity
        )
        entity = self.catalog.entities[entity_name]
        self._stack.append(("measure", name))
        try:
            value = self.value(mdef.expr, Ctx(entity))
        finally:
            self._stack.pop()
        self._check_size(value, f"measure `{name}`", mdef.name_span)
        if not (value.type.is_numeric or value.type.is_temporal):
            raise err(
                "E303",
                f"measure `{name}` must be a number or a date, not {describe(value.type)}",
                mdef.expr.span,
                hint="a measure is an aggregate or arithmetic, e.g. `count(purchase in last 90 days)`",
            )
        m = ir.Measure(name, entity.name, value, mdef.span)
        self._measures[name] = m
        return m

    def _attribute_entity(self, expr: ast.Expr) -> str | None:
        """For a measure over attributes alone (e.g. `score 1..5 by points`): the
        default entity if it has every attribute named, else the first entity that
        has the first of them."""
        names = [
            n.name
            for n in ast.walk_exprs(expr)
            if isinstance(n, ast.Name) and n.name not in self.measure_defs
        ]
        default = self.catalog.entities.get(self.catalog.default_entity)
        if not names or (default is not None and all(n in default.attributes for n in names)):
            return None
        for entity in self.catalog.entities.values():
            if names[0] in entity.attributes:
                return entity.name
        return None

    def _measure_entity(self, expr: ast.Expr, seen: set[str]) -> str | None:
        """The entity a measure is about: the entity of the first event it aggregates."""
        for node in ast.walk_exprs(expr):
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


def statement_kind(stmt: ast.Statement) -> str:
    if isinstance(stmt, ast.SegmentDef):
        return "segment"
    if isinstance(stmt, ast.SegmentationDef):
        return "segmentation"
    return "measure"
