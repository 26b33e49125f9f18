"""The `[lint]` table of segdsl.toml and the `# segdsl: ignore[...]` comments."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from segdsl.diagnostics import Diagnostic, Source
from segdsl.syntax import ast
from segdsl.tools.lint.rules import HYGIENE_PREFIX, rule_for

SEVERITIES = ("error", "warning", "info")
_KEYS = ("select", "ignore", "severity", "hygiene")


@dataclass
class LintConfig:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    hygiene: bool = False

    def enabled(self, code: str) -> bool:
        if any(code.startswith(p) for p in self.ignore):
            return False
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        if code.startswith(HYGIENE_PREFIX) and not self.hygiene:
            # hygiene is off by default; naming a hygiene code in `select` turns it on
            return any(p.startswith(HYGIENE_PREFIX) and code.startswith(p) for p in self.select)
        return True

    def severity_of(self, code: str) -> str:
        best = ""
        for prefix in self.severity:
            if code.startswith(prefix) and len(prefix) > len(best):
                best = prefix
        return self.severity[best] if best else rule_for(code).severity


def _codes(raw: Any, key: str, problems: list[str]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problems.append(f'`lint.{key}` must be a list of codes, e.g. {key} = ["W201"]')
        return ()
    return tuple(x.strip().upper() for x in raw)


def parse_config(
    raw: Mapping[str, Any] | None,
    path: str,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> tuple[LintConfig, list[Diagnostic]]:
    """The configuration, and L001 diagnostics for what could not be read."""
    raw = raw or {}
    problems: list[str] = []
    for key in raw:
        if key not in _KEYS:
            problems.append(f"unknown key `lint.{key}` (known: {', '.join(_KEYS)})")
    cfg = LintConfig(
        select=_codes(raw.get("select"), "select", problems) + tuple(s.upper() for s in select),
        ignore=_codes(raw.get("ignore"), "ignore", problems) + tuple(s.upper() for s in ignore),
    )
    sev = raw.get("severity", {})
    if not isinstance(sev, dict):
        problems.append('`lint.severity` must be a table, e.g. severity = { W201 = "error" }')
    else:
        for code, level in sev.items():
            if level not in SEVERITIES:
                problems.append(
                    f"`lint.severity.{code}` must be one of {', '.join(SEVERITIES)}, not {level!r}"
                )
            else:
                cfg.severity[str(code).upper()] = level
    hygiene = raw.get("hygiene", False)
    if not isinstance(hygiene, bool):
        problems.append("`lint.hygiene` must be true or false")
    else:
        cfg.hygiene = hygiene
    diags = [
        Diagnostic("L001", p, path=path, hint="see docs/lint.md, section Configuration")
        for p in problems
    ]
    return cfg, diags


# ---- suppression comments ----------------------------------------------------------

_IGNORE = re.compile(r"#.*?\bsegdsl:\s*ignore\b(?:\[([^\]]*)\])?", re.IGNORECASE)
ALL = "*"


def _comment_codes(line: str) -> set[str] | None:
    m = _IGNORE.search(line)
    if m is None:
        return None
    if m.group(1) is None:
        return {ALL}
    return {c.strip().upper() for c in m.group(1).split(",") if c.strip()} or {ALL}


@dataclass
class Suppressions:
    """For each file: the codes suppressed on each line."""

    lines: dict[str, dict[int, set[str]]] = field(default_factory=dict)

    def add_module(self, module: ast.Module) -> None:
        if not module.statements:
            return
        source: Source = module.statements[0].span.source
        text_lines = source.lines
        per_line: dict[int, set[str]] = {}
        for i, line in enumerate(text_lines, start=1):
            codes = _comment_codes(line)
            if codes is not None:
                per_line.setdefault(i, set()).update(codes)
        # a comment on the line just before a statement covers the whole statement
        for stmt in module.statements:
            codes = per_line.get(stmt.span.line - 1)
            if codes and text_lines[stmt.span.line - 2].lstrip().startswith("#"):
                for ln in range(stmt.span.line, stmt.span.end_line + 1):
                    per_line.setdefault(ln, set()).update(codes)
        self.lines[source.path] = per_line

    def suppressed(self, diag: Diagnostic) -> bool:
        if diag.span is None:
            return False
        codes = self.lines.get(diag.span.path, {}).get(diag.span.line)
        if not codes:
            return False
        return ALL in codes or any(diag.code.startswith(c) for c in codes)
