"""`segdsl lint`: find rules that are wrong, useless or surprising before they run.

>>> from segdsl.tools.lint import lint_project
>>> result = lint_project("examples/retail")
>>> [d.code for d in result.diagnostics]

The checks never touch data: they read the rules and the catalog only (no DuckDB, no
sqlglot).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.tools.lint.config import LintConfig, Suppressions, parse_config
from segdsl.tools.lint.rules import RULES, Rule, rule_for

__all__ = ["RULES", "LintConfig", "LintResult", "Rule", "lint_project", "rule_for"]


@dataclass
class LintResult:
    diagnostics: list[Diagnostic]
    root: Path

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def infos(self) -> int:
        return self.count("info")

    def exit_code(self, strict: bool = False) -> int:
        if self.errors or (strict and self.warnings):
            return 1
        return 0


def _under(path: str | None, roots: Sequence[Path]) -> bool:
    if not roots or path is None:
        return True
    p = Path(path).resolve()
    return any(p == r or r in p.parents for r in roots)


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    if d.span is not None:
        return (d.span.path, d.span.line, d.span.column, d.code)
    return (d.path or "", 0, 0, d.code)


def lint_project(
    path: str | Path = ".",
    *,
    paths: Iterable[str | Path] = (),
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    hygiene: bool | None = None,
) -> LintResult:
    """Load the project at ``path`` and lint it. Errors of the language itself (syntax,
    unknown names, types, duplicates, cycles, catalog) come back as error findings;
    they cannot be ignored or suppressed, and no other check runs while they stand."""
    from segdsl.project import CATALOG_FILE, load_project
    from segdsl.tools.lint.checks import run_checks

    root = Path(path)
    roots = [Path(p).resolve() for p in paths]
    try:
        project = load_project(root)
    except SegdslError as exc:
        diags = [d for d in exc.diagnostics if _under(d.span.path if d.span else None, roots)]
        return LintResult(sorted(diags, key=_sort_key), root)
    config, diags = parse_config(
        project.catalog.lint, str(project.root / CATALOG_FILE), select=select, ignore=ignore
    )
    if hygiene is not None:
        config.hygiene = hygiene
    sup = Suppressions()
    for module in project.modules:
        sup.add_module(module)
    found = run_checks(project, hygiene=True)
    for d in found:
        if not config.enabled(d.code) or sup.suppressed(d):
            continue
        if not _under(d.span.path if d.span else None, roots):
            continue
        sev = config.severity_of(d.code)
        diags.append(d if sev == d.severity else dataclasses.replace(d, severity=sev))
    return LintResult(sorted(diags, key=_sort_key), project.root)
