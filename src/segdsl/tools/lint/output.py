"""Print lint findings: text, json, github (workflow commands) and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from segdsl import __version__
from segdsl.diagnostics import Diagnostic
from segdsl.diagnostics.render import diagnostic_to_dict, render_diagnostics
from segdsl.tools.lint.rules import rule_for

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(diags: Sequence[Diagnostic]) -> str:
    if not diags:
        return "ok: no findings"
    counts = [(sum(1 for d in diags if d.severity == s), s) for s in ("error", "warning", "info")]
    return ", ".join(_plural(n, s) for n, s in counts if n)


def to_text(diags: Sequence[Diagnostic], *, color: bool = False) -> str:
    if not diags:
        return summary(diags)
    return render_diagnostics(diags, color=color) + "\n\n" + summary(diags)


def to_json(diags: Sequence[Diagnostic]) -> str:
    out = []
    for d in diags:
        item = diagnostic_to_dict(d)
        item["label"] = d.label or None
        item["notes"] = list(d.notes)
        out.append(item)
    return json.dumps(out, indent=2, ensure_ascii=False)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


_GH_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def to_github(diags: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diags:
        props: list[str] = []
        if d.span is not None:
            props += [
                f"file={_gh_prop(d.span.path)}",
                f"line={d.span.line}",
                f"col={d.span.column}",
                f"endLine={d.span.end_line}",
                f"endColumn={d.span.end_column}",
            ]
        elif d.path:
            props.append(f"file={_gh_prop(d.path)}")
        props.append(f"title={_gh_prop(d.code)}")
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        lines.append(
            f"::{_GH_LEVEL.get(d.severity, 'warning')} {','.join(props)}::{_gh_data(message)}"
        )
    return "\n".join(lines)


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def to_sarif(diags: Sequence[Diagnostic]) -> str:
    codes: list[str] = []
    for d in diags:
        if d.code not in codes:
            codes.append(d.code)
    rules = []
    for code in codes:
        r = rule_for(code)
        rules.append(
            {
                "id": code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
                "helpUri": "docs/lint.md",
            }
        )
    results = []
    for d in diags:
        res: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": codes.index(d.code),
            "level": _SARIF_LEVEL.get(d.severity, "warning"),
            "message": {"text": d.message + (f" (help: {d.hint})" if d.hint else "")},
        }
        uri = d.span.path if d.span is not None else d.path
        if uri:
            loc: dict[str, Any] = {"artifactLocation": {"uri": uri.replace("\\", "/")}}
            if d.span is not None:
                loc["region"] = {
                    "startLine": d.span.line,
                    "startColumn": d.span.column,
                    "endLine": d.span.end_line,
                    "endColumn": d.span.end_column,
                }
            res["locations"] = [{"physicalLocation": loc}]
        results.append(res)
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "segdsl",
                        "version": __version__,
                        "informationUri": "https://github.com/segdsl/segdsl",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def render(diags: Sequence[Diagnostic], fmt: str, *, color: bool = False) -> str:
    if fmt == "json":
        return to_json(diags)
    if fmt == "github":
        return to_github(diags)
    if fmt == "sarif":
        return to_sarif(diags)
    return to_text(diags, color=color)
