"""Render diagnostics the way rustc and PRQL do: code, place, source line, caret, hint."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from segdsl.diagnostics.model import Diagnostic, Source

_RED = "\x1b[1;31m"
_YELLOW = "\x1b[1;33m"
_BLUE = "\x1b[1;34m"
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"


# What a terminal would act on rather than show (escape sequences, NUL, bell …): a rule
# file is not trusted, and its text is echoed in messages.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_MAX_TEXT = 400  # characters of a message, label or hint
_MAX_LINE = 160  # characters of a source line shown around the caret


def _clean(text: str, limit: int = _MAX_TEXT) -> str:
    """``text`` without control characters and at most ``limit`` characters long."""
    text = _CONTROL.sub("\ufffd", text.replace("\t", " "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _source_line(source: Source, number: int) -> str:
    """Line ``number`` of ``source``, counting lines as the parser does (``\n`` only;
    the source splits its text once)."""
    lines = source.lines
    return lines[number - 1] if 1 <= number <= len(lines) else ""


def _window(text: str, start: int, width: int) -> tuple[str, int, int]:
    """A long line cut to :data:`_MAX_LINE` characters around the caret: the text shown,
    and the caret's 1-based column and width in it."""
    if len(text) <= _MAX_LINE:
        return text, start, width
    begin = max(0, min(start - 1 - _MAX_LINE // 3, len(text) - _MAX_LINE))
    shown = text[begin : begin + _MAX_LINE]
    prefix = "…" if begin > 0 else ""
    suffix = "…" if begin + _MAX_LINE < len(text) else ""
    col = start - begin + len(prefix)
    width = max(1, min(width, len(shown) + len(prefix) - col + 1))
    return prefix + shown + suffix, col, width


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
    head = _paint(f"{diag.severity}[{_clean(diag.code, 20)}]", sev_style, color)
    out = [f"{head}{_paint(': ' + _clean(diag.message), _BOLD, color)}"]
    span = diag.span
    hint = _clean(diag.hint)
    notes = [_clean(n) for n in diag.notes]
    if span is not None:
        gutter = len(str(span.line))
        pad = " " * gutter
        bar = _paint("|", _BLUE, color)
        out.append(f"{pad}{_paint('-->', _BLUE, color)} {_clean(str(span))}")
        out.append(f"{pad} {bar}")
        text = _source_line(span.source, span.line)
        start = max(span.column, 1)
        if span.end_line == span.line:
            width = max(span.end_column - span.column, 1)
        else:
            width = max(len(text) - start + 1, 1)
        text, start, width = _window(text, start, width)
        text = _clean(text, _MAX_LINE + 2)
        out.append(f"{_paint(str(span.line), _BLUE, color)} {bar} {text}")
        caret = " " * (start - 1) + "^" * width
        label = f" {_clean(diag.label)}" if diag.label else ""
        out.append(f"{pad} {bar} {_paint(caret + label, sev_style, color)}")
        for note in notes:
            out.append(f"{pad} = note: {note}")
        if hint:
            out.append(f"{pad} = {_paint('help', _BOLD, color)}: {hint}")
    else:
        if diag.path:
            out.append(f"  --> {_clean(diag.path)}")
        for note in notes:
            out.append(f"  = note: {note}")
        if hint:
            out.append(f"  = {_paint('help', _BOLD, color)}: {hint}")
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
