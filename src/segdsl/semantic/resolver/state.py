"""What the resolver keeps while it works (definitions, resolved statements, the stack
of names being resolved, depth and size memo), and the methods each concern's module
provides to the others."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from segdsl.catalog.model import Catalog, EventDef
from segdsl.diagnostics import Diagnostic, SegdslError, Span
from segdsl.semantic import ir
from segdsl.semantic.resolver.common import (
    Ctx,
)
from segdsl.syntax import ast


class ResolverState(ABC):
    def __init__(self, catalog: Catalog, modules: Iterable[ast.Module]) -> None:
        self.catalog = catalog
        self.segment_defs: dict[str, ast.SegmentDef] = {}
        self.measure_defs: dict[str, ast.MeasureDef] = {}
        self.segmentation_defs: dict[str, ast.SegmentationDef] = {}
        # `rfm.champions` → (segmentation, class)
        self.class_names: dict[str, tuple[str, str]] = {}
        self._segmentations: dict[str, ir.Segmentation] = {}
        self.diagnostics: list[Diagnostic] = []
        self._segments: dict[str, ir.Segment] = {}
        self._measures: dict[str, ir.Measure] = {}
        self._stack: list[tuple[str, str]] = []
        self._depth = 0  # nested cond()/value() calls under way, across `in segment` hops
        # id(IR node) → (the node, its size and its depth once written out); the node is
        # kept so that its id is not reused
        self._stats: dict[int, tuple[object, int, int]] = {}
        self._collect(modules)

    @abstractmethod
    def _aggregate(self, e: ast.Aggregate, ctx: Ctx) -> ir.Value: ...

    @abstractmethod
    def _check_size(self, expr: ir.Value | ir.Cond, what: str, span: Span) -> None: ...

    @abstractmethod
    def _collect(self, modules: Iterable[ast.Module]) -> None: ...

    @abstractmethod
    def _deeper(self, e: ast.Expr) -> None: ...

    @abstractmethod
    def _enter(self, kind: str, name: str, span: Span) -> None: ...

    @abstractmethod
    def _event(self, name: str, span: Span, ctx: Ctx) -> EventDef: ...

    @abstractmethod
    def _field_ref(self, e: ast.FieldRef, ctx: Ctx) -> ir.Value: ...

    @abstractmethod
    def _group(self, e: ast.Rank, ctx: Ctx) -> ir.Attr: ...

    @abstractmethod
    def _name(self, e: ast.Name, ctx: Ctx) -> ir.Value: ...

    @abstractmethod
    def _reuse(self, expr: ir.Value | ir.Cond, span: Span) -> None: ...

    @abstractmethod
    def _sample(self, e: ast.Sample, ctx: Ctx) -> ir.Cond: ...

    @abstractmethod
    def _scalar(self, e: ast.Expr, ctx: Ctx, what: str) -> ir.Value: ...

    @abstractmethod
    def _sequence(self, e: ast.Did, then: ast.Then, ctx: Ctx) -> ir.Cond: ...

    @abstractmethod
    def _type_error(self, e: ast.Expr, v: ir.Value, want: str, why: str) -> SegdslError: ...

    @abstractmethod
    def _window(self, w: ast.AnyWindow | None) -> tuple[ir.Duration | None, ir.Duration | None]: ...

    @abstractmethod
    def segmentation(self, name: str) -> ir.Segmentation: ...

    @abstractmethod
    def _in_class(self, e: ast.InSegment, ctx: Ctx) -> ir.Cond: ...

    @abstractmethod
    def _group_attr(self, name: str, span: Span, ctx: Ctx) -> ir.Attr: ...

    @abstractmethod
    def _within(self, e: ast.Within, ctx: Ctx) -> ir.Cond: ...

    @abstractmethod
    def cond(self, e: ast.Expr, ctx: Ctx) -> ir.Cond: ...

    @abstractmethod
    def measure(self, name: str) -> ir.Measure: ...

    @abstractmethod
    def segment(self, name: str) -> ir.Segment: ...

    @abstractmethod
    def value(self, e: ast.Expr, ctx: Ctx) -> ir.Value: ...
