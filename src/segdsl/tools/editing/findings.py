"""Findings: core diagnostics as editor findings, and the (incremental) lint."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from segdsl.diagnostics import Diagnostic
from segdsl.project import CATALOG_FILE, Project
from segdsl.syntax import ast

from .model import Finding, Range
from .paths import normalize_path

LINT_SOURCE = "segdsl-lint"


class AnalysisLike(Protocol):
    """What the findings need of a :class:`~segdsl.tools.editing.state.Analysis`."""

    root: Path
    catalog_path: str
    catalog_text: str | None
    texts: dict[str, str]
    project: Project | None
    cache: dict[str, Any]


@dataclass
class LintCache:
    """Findings of each statement's own lint checks, kept while its text, place and
    resolved form stay the same (and the events' retention too)."""

    catalog: object = None  # what of the catalog the entries depend on
    entries: dict[tuple[Any, ...], list[Diagnostic]] = field(default_factory=dict)


def _lint(analysis: AnalysisLike, cache: LintCache) -> list[Diagnostic]:
    """The lint findings of a project free of errors, as `segdsl lint` reports them
    (the [lint] configuration, `# segdsl: ignore` comments and severities applied);
    only the statements that changed are checked again."""
    from segdsl.tools.lint.checks import Linter
    from segdsl.tools.lint.config import Suppressions, parse_config

    project = analysis.project
    if project is None:
        return []
    config, out = parse_config(project.catalog.lint, analysis.catalog_path)
    sup = Suppressions()
    for module in project.modules:
        sup.add_module(module)
    # A statement's own findings depend on its text and place, its resolved form (which
    # holds every attribute, field, measure and segment it uses) and the events'
    # retention (W303); a catalog edit that changes none of these keeps them.
    retention = tuple((e.name, e.retention) for e in project.catalog.events.values())
    if cache.catalog != retention:
        cache.catalog, cache.entries = retention, {}
    linter = Linter(project, hygiene=True)
    found: list[Diagnostic] = []
    entries: dict[tuple[Any, ...], list[Diagnostic]] = {}
    for module in project.modules:
        for stmt in module.statements:
            resolved: object
            if isinstance(stmt, ast.SegmentDef):
                resolved = project.segments.get(stmt.name)
            elif isinstance(stmt, ast.MeasureDef):
                resolved = project.measures.get(stmt.name)
            else:  # a segmentation
                resolved = project.segmentations.get(stmt.name)
            sp = stmt.span
            lines = sp.source.lines[sp.line - 1 : sp.end_line]
            key = (sp.path, sp.line, sp.column, sp.end_line, sp.end_column, *lines, resolved)
            got = cache.entries.get(key)
            if got is None:
                got = linter.statement_findings(stmt)
            entries[key] = got
            found.extend(got)
    cache.entries = entries
    found.extend(linter.project_findings())
    for d in found:
        if not config.enabled(d.code) or sup.suppressed(d):
            continue
        sev = config.severity_of(d.code)
        out.append(d if sev == d.severity else dataclasses.replace(d, severity=sev))
    return out


def collect_findings(
    analysis: AnalysisLike, core: Sequence[Diagnostic], cache: LintCache
) -> dict[str, list[Finding]]:
    """Findings per file: every .seg file and segdsl.toml get a list (maybe empty),
    so that a client clears what was fixed."""
    out: dict[str, list[Finding]] = {p: [] for p in analysis.texts}
    if analysis.catalog_text is None:
        for path in analysis.texts:
            out[path].append(
                Finding(
                    path,
                    Range.of(0, 0, 0, 0),
                    "P004",
                    f"no {CATALOG_FILE} in {analysis.root} or above: names are not checked",
                    "warning",
                    hint=f"open the project folder that holds {CATALOG_FILE}, or create one "
                    "(see docs/language.md, the catalog)",
                )
            )
    else:
        out[analysis.catalog_path] = []
    for d in core:
        f = finding_of(d, analysis.catalog_path)
        out.setdefault(f.path, []).append(f)
    try:
        linted = _lint(analysis, cache)
    except Exception as exc:  # a bug in a lint check must not hide the other findings
        analysis.cache["lint_error"] = f"{type(exc).__name__}: {exc}"
        cache.entries = {}
        linted = []
    for d in linted:
        f = finding_of(d, analysis.catalog_path, LINT_SOURCE)
        out.setdefault(f.path, []).append(f)
    for findings in out.values():
        findings.sort(key=lambda f: (f.range, f.code, f.message))
    return out


def finding_of(d: Diagnostic, default_path: str, source: str = "segdsl") -> Finding:
    """A :class:`Finding` from a core :class:`Diagnostic`."""
    if d.span is not None:
        path = normalize_path(d.span.path)
        rng = Range.from_span(d.span)
        if rng.end <= rng.start:  # an empty span still shows as one character
            rng = Range(rng.start, type(rng.start)(rng.start.line, rng.start.character + 1))
    else:
        path = normalize_path(d.path) if d.path else default_path
        rng = Range.of(0, 0, 0, 0)
    return Finding(
        path,
        rng,
        d.code,
        d.message,
        d.severity,
        hint=d.hint,
        label=d.label,
        notes=d.notes,
        source=source,
    )
