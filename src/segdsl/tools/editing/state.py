"""The state of one project as an editor sees it: files on disk, overlaid by the
unsaved texts of open documents, analysed again only where something changed.

Parses are cached per file text, the catalog per catalog text: a keystroke in one
file re-parses that file only, then resolves and lints the project (milliseconds).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from segdsl.catalog import Catalog, parse_catalog
from segdsl.diagnostics import Diagnostic, SegdslError, Source
from segdsl.project import CATALOG_FILE, Project, find_files
from segdsl.semantic import ir
from segdsl.semantic.resolver import Resolver
from segdsl.syntax import ast
from segdsl.syntax.parser import parse_source

from .findings import LintCache, collect_findings
from .model import Finding
from .paths import normalize_path, plain_text
from .walk import iter_nodes


@dataclass
class _Parsed:
    text: str
    module: ast.Module | None
    errors: list[Diagnostic]


@dataclass
class Analysis:
    """Everything known about the project at one moment (treat as read-only)."""

    root: Path
    catalog_path: str
    catalog_text: str | None
    catalog: Catalog | None
    texts: dict[str, str]  # every .seg file (absolute path) -> its current text
    modules: dict[str, ast.Module]  # files that parse now -> their syntax tree
    broken: set[str]  # files that do not parse now
    resolver: Resolver | None  # None when the catalog is broken
    segments: dict[str, ir.Segment]  # the segments that resolve
    measures: dict[str, ir.Measure]  # the measures that resolve
    findings: dict[str, list[Finding]]  # path (every file, and segdsl.toml) -> findings
    segmentations: dict[str, Any] = field(default_factory=dict)  # those that resolve
    project: Project | None = None  # set when the whole project is free of errors
    clean: bool = False
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # derived data

    @property
    def segment_defs(self) -> dict[str, ast.SegmentDef]:
        return self.resolver.segment_defs if self.resolver else {}

    @property
    def measure_defs(self) -> dict[str, ast.MeasureDef]:
        return self.resolver.measure_defs if self.resolver else {}

    @property
    def segmentation_defs(self) -> dict[str, Any]:
        """Segmentations (language.md §15) by name: their syntax nodes (``classes``,
        each with ``name``, ``name_span`` and ``where``)."""
        found: dict[str, Any] = getattr(self.resolver, "segmentation_defs", {})
        return found

    def class_names(self) -> dict[str, tuple[str, Any]]:
        """``SEGMENTATION.CLASS`` -> (the segmentation's name, the class node)."""
        out: dict[str, tuple[str, Any]] = {}
        for name, sdef in self.segmentation_defs.items():
            for c in sdef.classes:
                out[f"{name}.{c.name}"] = (name, c)
        return out

    def entity_of(self, stmt: ast.Statement) -> str | None:
        """The entity a segment or measure is about."""
        if self.catalog is None:
            return None
        if is_segment_like(stmt):
            entity: str | None = getattr(stmt, "entity", None)
            return entity or self.catalog.default_entity
        m = self.measures.get(stmt.name)
        if m is not None:
            return m.entity
        for node in iter_nodes(getattr(stmt, "expr", None)):
            if isinstance(node, ast.Aggregate) and node.event in self.catalog.events:
                return self.catalog.events[node.event].entity
        return self.catalog.default_entity

    def statement_at(self, path: str, line: int) -> ast.Statement | None:
        """The statement of ``path`` that holds the 0-based ``line``."""
        module = self.modules.get(path)
        if module is None:
            return None
        for stmt in module.statements:
            if stmt.span.line - 1 <= line <= stmt.span.end_line - 1:
                return stmt
        return None


class ProjectState:
    """A project folder (holding ``segdsl.toml``) with the editor's unsaved texts."""

    def __init__(self, root: str | Path) -> None:
        root = Path(root)
        if root.is_file():
            root = root.parent
        self.root = Path(normalize_path(root))
        self.catalog_path = normalize_path(self.root / CATALOG_FILE)
        self._overlay: dict[str, str] = {}
        self._disk: dict[str, tuple[int, int, str]] = {}  # path -> (mtime_ns, size, text)
        self._listing: list[str] | None = None
        self._parsed: dict[str, _Parsed] = {}
        self._last_good: dict[str, ast.Module] = {}
        self._catalog: tuple[str, Catalog | None, list[Diagnostic]] | None = None
        self._analysis: Analysis | None = None
        self._lint_cache: Any = None  # diagnostics.LintCache, made on first use

    # ---- inputs -------------------------------------------------------------------
    def set_text(self, path: str | Path, text: str) -> None:
        """The unsaved text of an open document (a .seg file or segdsl.toml)."""
        key = normalize_path(path)
        if self._overlay.get(key) != text:
            self._overlay[key] = text
            self._analysis = None

    def close(self, path: str | Path) -> None:
        """The document was closed: the file on disk counts again."""
        if self._overlay.pop(normalize_path(path), None) is not None:
            self._analysis = None

    def refresh(self) -> None:
        """Files may have changed on disk (created, deleted, saved by another tool)."""
        self._listing = None
        self._analysis = None

    def owns(self, path: str | Path) -> bool:
        """True when ``path`` is a file of this project (below its folder)."""
        p = normalize_path(path)
        return p == self.catalog_path or p.startswith(str(self.root) + os.sep)

    def text(self, path: str | Path) -> str | None:
        """The current text of a file: the open document's, else the disk's."""
        key = normalize_path(path)
        if key in self._overlay:
            return self._overlay[key]
        return self._read(key)

    def seg_files(self) -> list[str]:
        """Every .seg file of the project: on disk, and open documents below the root."""
        if self._listing is None:
            self._listing = [normalize_path(p) for p in find_files(self.root)]
        extra = [
            p
            for p in self._overlay
            if p.endswith(".seg") and self.owns(p) and p not in self._listing
        ]
        return sorted([*self._listing, *extra], key=lambda p: Path(p).parts)

    def _read(self, path: str) -> str | None:
        try:
            st = os.stat(path)
        except OSError:
            self._disk.pop(path, None)
            return None
        cached = self._disk.get(path)
        if cached is not None and cached[0] == st.st_mtime_ns and cached[1] == st.st_size:
            return cached[2]
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return None
        self._disk[path] = (st.st_mtime_ns, st.st_size, text)
        return text

    # ---- analysis -----------------------------------------------------------------
    def analysis(self) -> Analysis:
        """The analysis of the current texts (cached until a text changes)."""
        texts: dict[str, str] = {}
        for path in self.seg_files():
            text = self.text(path)
            if text is not None:
                texts[path] = plain_text(text)
        catalog_raw = self.text(self.catalog_path)
        catalog_text = plain_text(catalog_raw) if catalog_raw is not None else None
        a = self._analysis
        if a is not None and a.texts == texts and a.catalog_text == catalog_text:
            return a
        self._analysis = self._analyse(texts, catalog_text)
        return self._analysis

    def _parse(self, path: str, text: str) -> _Parsed:
        cached = self._parsed.get(path)
        if cached is not None and cached.text == text:
            return cached
        try:
            parsed = _Parsed(text, parse_source(Source(path, text)), [])
        except SegdslError as exc:
            parsed = _Parsed(text, None, exc.diagnostics)
        self._parsed[path] = parsed
        if parsed.module is not None:
            self._last_good[path] = parsed.module
        return parsed

    def _lend_saved(self, path: str, text: str) -> None:
        """A file that does not parse and never did here: its saved text, when that
        parses, lends its names to the other files."""
        saved = self._read(path)
        if saved is None or plain_text(saved) == text:
            return
        with contextlib.suppress(SegdslError):
            self._last_good[path] = parse_source(Source(path, plain_text(saved)))

    def _load_catalog(self, text: str | None) -> tuple[Catalog | None, list[Diagnostic]]:
        if text is None:
            return None, []  # P004 on each file (diagnostics.collect_findings)
        if self._catalog is not None and self._catalog[0] == text:
            return self._catalog[1], self._catalog[2]
        try:
            catalog: Catalog | None = parse_catalog(text, self.catalog_path)
            diags: list[Diagnostic] = []
        except SegdslError as exc:
            catalog, diags = None, exc.diagnostics
        self._catalog = (text, catalog, diags)
        return catalog, diags

    def _analyse(self, texts: dict[str, str], catalog_text: str | None) -> Analysis:

        catalog, catalog_diags = self._load_catalog(catalog_text)
        modules: dict[str, ast.Module] = {}
        broken: set[str] = set()
        syntax: list[Diagnostic] = []
        for path, text in texts.items():
            parsed = self._parse(path, text)
            if parsed.module is not None:
                modules[path] = parsed.module
            else:
                broken.add(path)
                syntax.extend(parsed.errors)
                if path not in self._last_good:
                    self._lend_saved(path, text)
        for gone in set(self._parsed) - set(texts):
            self._parsed.pop(gone, None)
            self._last_good.pop(gone, None)
        # A file that does not parse lends its last good parse to the resolver, so
        # that its names do not show up as unknown in the other files meanwhile.
        used = [
            modules.get(p) or self._last_good.get(p)
            for p in texts
            if p in modules or p in self._last_good
        ]
        analysis = Analysis(
            self.root,
            self.catalog_path,
            catalog_text,
            catalog,
            texts,
            modules,
            broken,
            None,
            {},
            {},
            {},
        )
        resolve_diags: list[Diagnostic] = []
        if catalog is not None:
            resolver = Resolver(catalog, [m for m in used if m is not None])
            analysis.resolver = resolver
            try:
                resolved = resolver.resolve_all()
                analysis.segments, analysis.measures = resolved.segments, resolved.measures
                analysis.segmentations = dict(getattr(resolved, "segmentations", {}))
            except SegdslError as exc:
                resolve_diags = [
                    d for d in exc.diagnostics if d.span is None or d.span.path not in broken
                ]
                for name in resolver.measure_defs:
                    with contextlib.suppress(SegdslError):
                        analysis.measures[name] = resolver.measure(name)
                for name in resolver.segment_defs:
                    with contextlib.suppress(SegdslError):
                        analysis.segments[name] = resolver.segment(name)
                segmentation = getattr(resolver, "segmentation", None)  # language.md §15
                if segmentation is not None:
                    for name in analysis.segmentation_defs:
                        with contextlib.suppress(SegdslError):
                            analysis.segmentations[name] = segmentation(name)
                            for cls in analysis.segmentation_defs[name].classes:
                                full = f"{name}.{cls.name}"
                                analysis.segments[full] = resolver.segment(full)
        analysis.clean = (
            catalog is not None and not catalog_diags and not syntax and not resolve_diags
        )
        if analysis.clean and catalog is not None:
            extra = {"segmentations": analysis.segmentations} if analysis.segmentations else {}
            analysis.project = Project(
                self.root,
                catalog,
                [modules[p] for p in texts],
                analysis.segments,
                analysis.measures,
                **extra,
            )
        if self._lint_cache is None:
            self._lint_cache = LintCache()
        analysis.findings = collect_findings(
            analysis, [*catalog_diags, *syntax, *resolve_diags], self._lint_cache
        )
        return analysis


def is_segment_like(stmt: object) -> bool:
    """A segment or a segmentation (which has an entity, metadata and conditions)."""
    return isinstance(stmt, ast.SegmentDef) or hasattr(stmt, "classes")
