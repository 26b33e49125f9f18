"""Every finding of every file: errors of the language and lint findings."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from segdsl.diagnostics import Diagnostic
from segdsl.project import CATALOG_FILE

from .model import Finding, Range
from .state import Analysis, ProjectState, finding_of

LINT_SOURCE = "segdsl-lint"


def _lint(analysis: Analysis) -> list[Diagnostic]:
    """The lint findings of a project free of errors, as `segdsl lint` reports them
    (the [lint] configuration, `# segdsl: ignore` comments and severities applied)."""
    from segdsl.diagnostics import SegdslError
    from segdsl.tools.lint.checks import run_checks
    from segdsl.tools.lint.config import Suppressions, parse_config

    project = analysis.project
    if project is None:
        return []
    config, out = parse_config(project.catalog.lint, analysis.catalog_path)
    sup = Suppressions()
    for module in project.modules:
        sup.add_module(module)
    try:
        found = run_checks(project, hygiene=True)
    except SegdslError as exc:
        return [*out, *exc.diagnostics]
    for d in found:
        if not config.enabled(d.code) or sup.suppressed(d):
            continue
        sev = config.severity_of(d.code)
        out.append(d if sev == d.severity else dataclasses.replace(d, severity=sev))
    return out


def collect_findings(analysis: Analysis, core: Sequence[Diagnostic]) -> dict[str, list[Finding]]:
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
    for d in _lint(analysis):
        f = finding_of(d, analysis.catalog_path, LINT_SOURCE)
        out.setdefault(f.path, []).append(f)
    for findings in out.values():
        findings.sort(key=lambda f: (f.range, f.code, f.message))
    return out


def diagnostics(state: ProjectState, path: str | None = None) -> dict[str, list[Finding]]:
    """The findings of every file of the project (or of ``path`` only), by absolute
    path. Files without findings map to an empty list."""
    findings = state.analysis().findings
    if path is None:
        return dict(findings)
    from .state import normalize_path

    key = normalize_path(path)
    return {key: list(findings.get(key, []))}
