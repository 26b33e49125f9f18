"""Render diagnostics the way rustc and PRQL do: code, place, source line, caret, hint."""

from __future__ import annotations

import json
from collections.abc import Iterable

from segdsl.errors import Diagnostic

_RED = "\x1b[1;31m"
_YELLOW = "\x1b[1;33m"
_BLUE = "\x1b[1;34m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{style}{text}{_RESET}" if color else text


def render_diagnostic(diag: Diagnostic, *, color: bool = False) -> str:
    """One diagnostic as text, e.g.::

    error[E201]: unknown name `purchase_90d`
      --> segments/spring.seg:4:22
       |
     4 |   where age 25..34 and purchase_90d > 3
       |                        ^^^^^^^^^^^^ not an attribute of `customer`
       = help: did you mean `purchases_90d`?
    """
    sev_style = _RED if diag.severity == "error" else _YELLOW
    head = _paint(f"{diag.severity}[{diag.code}]", sev_style, color)
    out = [f"{head}{_paint(': ' + diag.message, _BOLD, color)}"]
    span = diag.span
    if span is not None:
        gutter = len(str(span.line))
        pad = " " * gutter
        bar = _paint("|", _BLUE, color)
        out.append(f"{pad}{_paint('-->', _BLUE, color)} {span}")
        out.append(f"{pad} {bar}")
        text = span.source.line(span.line).replace("\t", " ")
        out.append(f"{_paint(str(span.line), _BLUE, color)} {bar} {text}")
        start = max(span.column, 1)
        if span.end_line == span.line:
            width = max(span.end_column - span.column, 1)
        else:
            width = max(len(text) - start + 1, 1)
        caret = " " * (start - 1) + "^" * width
        label = f" {diag.label}" if diag.label else ""
        out.append(f"{pad} {bar} {_paint(caret + label, sev_style, color)}")
        for note in diag.notes:
            out.append(f"{pad} = note: {note}")
        if diag.hint:
            out.append(f"{pad} = {_paint('help', _BOLD, color)}: {diag.hint}")
    else:
        if diag.path:
            out.append(f"  --> {diag.path}")
        for note in diag.notes:
            out.append(f"  = note: {note}")
        if diag.hint:
            out.append(f"  = {_paint('help', _BOLD, color)}: {diag.hint}")
    return "\n".join(out)


def render_diagnostics(diags: Iterable[Diagnostic], *, color: bool = False) -> str:
    return "\n\n".join(render_diagnostic(d, color=color) for d in diags)


def diagnostic_to_dict(diag: Diagnostic) -> dict[str, object]:
    """A machine-readable form of a diagnostic (used by ``--format json``)."""
    out: dict[str, object] = {
        "code": diag.code,
        "severity": diag.severity,
        "message": diag.message,
        "hint": diag.hint or None,
    }
    if diag.span is not None:
        out.update(
            file=diag.span.path,
            line=diag.span.line,
            column=diag.span.column,
            end_line=diag.span.end_line,
            end_column=diag.span.end_column,
        )
    else:
        out["file"] = diag.path
    return out


def diagnostics_json(diags: Iterable[Diagnostic]) -> str:
    return json.dumps([diagnostic_to_dict(d) for d in diags], indent=2, ensure_ascii=False)
