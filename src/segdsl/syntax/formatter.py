"""`segdsl fmt`: one canonical layout for rule files, comments kept.

The layout (see docs/fmt.md):

- keywords in lower case; names as written;
- ``segment NAME [of ENTITY]`` on one line, then the metadata clauses, one per line and
  indented two spaces, in the order title, description, owner, tags; then ``  where C``;
- the condition on one line when the ``where`` line fits in 88 columns, else broken at its
  top-level ``and``/``or``: each following operand on its own line, indented four spaces and
  starting with the operator; a parenthesised and/or that does not fit is broken the same
  way inside its parentheses, aligned after the ``(``;
- literals normalised: strings in double quotes, numbers without ``_`` (digits otherwise as
  written, so ``2.50`` stays ``2.50``), ISO dates and timestamps (UTC, no offset),
  ``1 day``/``90 days``, lists ``("a", "b")``; ``!=`` for ``<>``; ``is missing``/``is set``
  for ``is null``/``is not null``; ``A..B`` without spaces; ``between`` kept;
- the user's parentheses are kept and none are added;
- consecutive ``measure`` lines (no blank line between them) stay together, aligned on
  ``=``; every other pair of statements is separated by one blank line; a final newline.

Comments are scanned from the text (the parser drops them) and put back next to what they
describe: own-line comments before a statement stay before it; a comment at the end of a
line stays at the end of the output line that ends with the same code, or else moves onto
its own line before the statement; comments at the end of the file stay there.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from segdsl.syntax import ast
from segdsl.syntax.parser import parse

__all__ = ["LINE_WIDTH", "format_module", "format_text"]

LINE_WIDTH = 88

_META_ORDER = {"title": 0, "description": 1, "owner": 2, "tags": 3}
_TEXT_OPS = {"contains": "contains", "starts": "starts with", "ends": "ends with"}

# Strings first, so that a `#` inside a string is not taken for a comment.
_TOKENS = re.compile(r"\"(?:[^\"\\\n\r]|\\.)*\"|'(?:[^'\\\n\r]|\\.)*'|#[^\n]*")


# ---- literals ---------------------------------------------------------------------


def fmt_string(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def fmt_number(value: int | Decimal) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")  # digits as written (the `_`s aside), never an exponent
    return str(value)


def fmt_duration(d: ast.Duration) -> str:
    return f"{d.amount} {d.unit}{'' if d.amount == 1 else 's'}"


def fmt_literal(lit: ast.Literal) -> str:
    v = lit.value
    if lit.kind == "string":
        assert isinstance(v, str)
        return fmt_string(v)
    if lit.kind == "boolean":
        return "true" if v else "false"
    if lit.kind == "timestamp":
        assert isinstance(v, dt.datetime)
        if v.tzinfo is not None:
            # An exact instant (written with an offset): printed in UTC with `Z`, so that
            # it is not read in the project's time zone.
            return v.replace(tzinfo=None).isoformat() + "Z"
        return v.isoformat()
    if lit.kind == "date":
        assert isinstance(v, dt.date)
        return v.isoformat()
    assert isinstance(v, int | Decimal) and not isinstance(v, bool)
    return fmt_number(v)


def fmt_value(v: ast.Value) -> str:
    if isinstance(v, ast.Ago):
        return f"{fmt_duration(v.duration)} ago"
    return fmt_literal(v)


def fmt_list(values: ast.ValueList) -> str:
    return "(" + ", ".join(fmt_value(v) for v in values.items) + ")"


def fmt_window(w: ast.AnyWindow) -> str:
    if isinstance(w, ast.CalendarWindow):
        if w.previous == 0:
            return f"in this {w.unit}"
        if w.previous == 1 and not w.written:
            return f"in previous {w.unit}"
        return f"in previous {w.previous} {w.unit}{'' if w.previous == 1 else 's'}"
    if w.until is not None:
        return f"between {fmt_duration(w.duration)} ago and {fmt_duration(w.until)} ago"
    return f"in last {fmt_duration(w.duration)}"


# ---- expressions and conditions ---------------------------------------------------


def fmt_expr(e: ast.Expr) -> str:
    """One expression or condition on one line, with exactly the user's parentheses."""
    if isinstance(e, ast.Name):
        return e.name
    if isinstance(e, ast.FieldRef):
        return f"{e.event}.{e.field_name}"
    if isinstance(e, ast.Number):
        return fmt_number(e.value)
    if isinstance(e, ast.LiteralExpr):
        return fmt_literal(e.literal)
    if isinstance(e, ast.Arith):
        return f"{fmt_expr(e.left)} {e.op} {fmt_expr(e.right)}"
    if isinstance(e, ast.Neg):
        inner = fmt_expr(e.operand)
        # `-5` would read back as the number -5 and `--5` as minus the number -5.
        sep = " " if inner[:1].isdigit() or inner.startswith("-") else ""
        return f"-{sep}{inner}"
    if isinstance(e, ast.Paren):
        return f"({fmt_expr(e.inner)})"
    if isinstance(e, ast.Aggregate):
        return fmt_aggregate(e)
    if isinstance(e, ast.Compare):
        right = (
            fmt_value(e.right) if isinstance(e.right, ast.Literal | ast.Ago) else fmt_expr(e.right)
        )
        return f"{fmt_expr(e.left)} {e.op} {right}"
    if isinstance(e, ast.Score):
        out = f"score 1..{fmt_literal(e.high)} by {fmt_expr(e.by)}"
        return out + (f" per {e.per}" if e.per is not None else "")
    if isinstance(e, ast.Range):
        left = fmt_expr(e.left)
        if e.style == "between":
            assert e.low is not None and e.high is not None
            return f"{left} between {fmt_value(e.low)} and {fmt_value(e.high)}"
        low = fmt_value(e.low) if e.low is not None else ""
        high = fmt_value(e.high) if e.high is not None else ""
        return f"{left} {low}..{high}"
    if isinstance(e, ast.InList):
        return f"{fmt_expr(e.left)} {'not in' if e.negated else 'in'} {fmt_list(e.values)}"
    if isinstance(e, ast.InWindow):
        neg = "not " if e.negated else ""
        return f"{fmt_expr(e.left)} {neg}{fmt_window(e.window)}"
    if isinstance(e, ast.IsSet):
        return f"{fmt_expr(e.left)} is {'missing' if e.missing else 'set'}"
    if isinstance(e, ast.TextMatch):
        return f"{fmt_expr(e.left)} {_TEXT_OPS[e.op]} {fmt_literal(e.text)}"
    if isinstance(e, ast.Has):
        left = fmt_expr(e.left)
        if isinstance(e.values, ast.ValueList):
            mode = "" if e.mode == "one" else f" {e.mode}"
            return f"{left} has{mode} {fmt_list(e.values)}"
        return f"{left} has {fmt_value(e.values)}"
    if isinstance(e, ast.BeforeAfter):
        return f"{fmt_expr(e.left)} {e.op} {fmt_value(e.point)}"
    if isinstance(e, ast.InSegment):
        return f"in segment {e.name}"
    if isinstance(e, ast.Did):
        out = f"did {'not ' if e.negated else ''}{e.event}"
        if e.window is not None:
            out += f" {fmt_window(e.window)}"
        if e.where is not None:
            out += f" where ({fmt_expr(e.where)})"
        if e.then is not None:
            t = e.then
            out += f" then {'not ' if t.negated else ''}{t.event} within {fmt_duration(t.within)}"
            if t.where is not None:
                out += f" where ({fmt_expr(t.where)})"
        return out
    if isinstance(e, ast.Rank):
        out = f"{e.direction} {fmt_number(e.percent.value)}% by {fmt_expr(e.by)}"
        return out + (f" per {e.per}" if e.per is not None else "")
    if isinstance(e, ast.Within):
        return (
            f"within {fmt_literal(e.distance)} km of ({fmt_literal(e.lat)}, {fmt_literal(e.lon)})"
        )
    if isinstance(e, ast.Sample):
        out = f"sample {fmt_number(e.percent.value)}%"
        return out + (f" seed {fmt_literal(e.seed)}" if e.seed is not None else "")
    if isinstance(e, ast.Not):
        return f"not {fmt_expr(e.operand)}"
    if isinstance(e, ast.And):
        return " and ".join(fmt_expr(x) for x in e.items)
    if isinstance(e, ast.Or):
        return " or ".join(fmt_expr(x) for x in e.items)
    raise TypeError(f"fmt: unknown syntax node {type(e).__name__}")  # pragma: no cover


def fmt_aggregate(a: ast.Aggregate) -> str:
    func = "count distinct" if a.func == "count_distinct" else a.func
    body = a.event if a.field_name is None else f"{a.event}.{a.field_name}"
    if a.window is not None:
        body += f" {fmt_window(a.window)}"
    if a.where is not None:
        body += f" where {fmt_expr(a.where)}"
    return f"{func}({body})"


# ---- statements → lines --------------------------------------------------------------


@dataclass
class _Line:
    """One output line: its text and the source offsets of the code it holds."""

    indent: str
    text: str
    start: int  # offset of its first code in the source
    end: int  # offset just past its last code in the source
    before: list[str] = field(default_factory=list)  # own-line comments placed before it
    trailing: str | None = None


@dataclass
class _Stmt:
    node: ast.Statement
    start: int
    end: int
    lines: list[_Line]
    gap: list[tuple[bool, str]] = field(default_factory=list)  # (blank line before, comment)
    blank_before: bool = False  # a blank line between the gap (or previous code) and it
    moved: list[str] = field(default_factory=list)  # comments that lost their line


class _Offsets:
    def __init__(self, text: str) -> None:
        self.starts = [0]
        for m in re.finditer("\n", text):
            self.starts.append(m.end())

    def at(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def start(self, node: ast.Node) -> int:
        return self.at(node.span.line, node.span.column)

    def end(self, node: ast.Node) -> int:
        return self.at(node.span.end_line, node.span.end_column)


def _condition_lines(where: ast.Expr, off: _Offsets) -> list[_Line]:
    return _lay(where, "  ", "where ", "    ", off, split=True)


def _lay(
    e: ast.Expr, indent: str, prefix: str, cont: str, off: _Offsets, *, split: bool
) -> list[_Line]:
    """Lay ``e`` out from ``indent + prefix`` on. When it does not fit: break an and/or
    (``split``) before each operator, continuation lines indented ``cont``; break a
    parenthesised and/or inside its parentheses, aligned after the ``(``."""
    one = fmt_expr(e)
    if len(indent) + len(prefix) + len(one) <= LINE_WIDTH:
        return [_Line(indent, prefix + one, off.start(e), off.end(e))]
    if split and isinstance(e, ast.And | ast.Or):
        op = "and " if isinstance(e, ast.And) else "or "
        lines = _lay(e.items[0], indent, prefix, cont, off, split=False)
        for item in e.items[1:]:
            lines.extend(_lay(item, cont, op, cont, off, split=False))
        return lines
    if isinstance(e, ast.Did) and e.then is not None:
        # A long sequence breaks before `then`, which goes on its own line.
        first = dataclasses.replace(e, then=None)
        last: ast.Node = e.where if e.where is not None else (e.window or e)
        first_end = off.end(last) + (1 if e.where is not None else 0)
        if last is e:
            first_end = off.at(e.event_span.end_line, e.event_span.end_column)
        then_text = fmt_expr(e)[len(fmt_expr(first)) + 1 :]
        return [
            _Line(indent, prefix + fmt_expr(first), off.start(e), first_end),
            _Line(cont + "  ", then_text, off.start(e.then), off.end(e)),
        ]
    if isinstance(e, ast.Paren) and isinstance(e.inner, ast.And | ast.Or):
        inner_cont = " " * (len(indent) + len(prefix) + 1)
        lines = _lay(e.inner, indent, prefix + "(", inner_cont, off, split=True)
        lines[0].start = off.start(e)
        lines[-1].text += ")"
        lines[-1].end = off.end(e)
        return lines
    return [_Line(indent, prefix + one, off.start(e), off.end(e))]


def _statement_lines(stmt: ast.Statement, off: _Offsets) -> list[_Line]:
    start = off.start(stmt)
    if isinstance(stmt, ast.MeasureDef):
        text = f"measure {stmt.name} = {fmt_expr(stmt.expr)}"
        return [_Line("", text, start, off.end(stmt))]
    kind = "segmentation" if isinstance(stmt, ast.SegmentationDef) else "segment"
    head = f"{kind} {stmt.name}"
    head_end = off.at(stmt.name_span.end_line, stmt.name_span.end_column)
    if stmt.entity is not None:
        head += f" of {stmt.entity}"
        assert stmt.entity_span is not None
        head_end = off.at(stmt.entity_span.end_line, stmt.entity_span.end_column)
    lines = [_Line("", head, start, head_end)]
    for m in sorted(stmt.meta, key=lambda m: _META_ORDER.get(m.key, 99)):
        values = ", ".join(fmt_string(v) for v in m.values)
        lines.append(_Line("  ", f"{m.key} {values}", off.start(m), off.end(m)))
    if isinstance(stmt, ast.SegmentationDef):
        # One class per line, the `where`s aligned after the longest class name.
        width = max((len(c.name) for c in stmt.classes if c.where is not None), default=0)
        for c in stmt.classes:
            if c.where is None:
                lines.append(_Line("  ", c.name, off.start(c), off.end(c)))
                continue
            prefix = f"{c.name.ljust(width)} where "
            # A class that does not fit breaks at its and/or, aligned under its condition.
            laid = _lay(c.where, "  ", prefix, " " * (2 + len(prefix)), off, split=True)
            laid[0].start = off.start(c)
            lines.extend(laid)
        return lines
    lines.extend(_condition_lines(stmt.where, off))
    return lines


# ---- comments ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Comment:
    start: int
    text: str
    own_line: bool
    code_end: int  # for a comment after code: the offset just past that code


def scan_comments(text: str) -> list[_Comment]:
    """Every `#` comment of a text that parses, in order (strings skipped)."""
    out = []
    for m in _TOKENS.finditer(text):
        if not m.group().startswith("#"):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start : m.start()]
        own = before.strip(" \t\f\r\ufeff") == ""
        code_end = line_start + len(before.rstrip(" \t\f\r\ufeff"))
        out.append(_Comment(m.start(), m.group().rstrip(), own, code_end))
    return out


def _blank_between(text: str, a: int, b: int) -> bool:
    return text.count("\n", a, b) >= 2


def _attach_comments(text: str, stmts: list[_Stmt], trailer: list[tuple[bool, str]]) -> None:
    ends = {line.end: line for s in stmts for line in s.lines}
    prev_end = 0  # end of the previous statement or gap comment
    gap_ends = [0] * len(stmts)  # end of the last gap comment before each statement
    k = 0  # index of the first statement that starts after the comment
    for c in scan_comments(text):
        while k < len(stmts) and stmts[k].start < c.start:
            prev_end = max(prev_end, stmts[k].end)
            k += 1
        inside = stmts[k - 1] if k and stmts[k - 1].end > c.start else None
        if not c.own_line:
            line = ends.get(c.code_end)
            if line is not None and line.trailing is None:
                line.trailing = c.text
            elif inside is not None:
                inside.moved.append(c.text)
            elif k:  # pragma: no cover - code before a comment belongs to a statement
                stmts[k - 1].moved.append(c.text)
            else:  # pragma: no cover
                trailer.append((False, c.text))
            continue
        if inside is not None:
            _attach_inside(inside, c)
            continue
        blank = _blank_between(text, prev_end, c.start)
        prev_end = c.start + len(c.text)
        if k < len(stmts):
            stmts[k].gap.append((blank, c.text))
            gap_ends[k] = prev_end
        else:
            trailer.append((blank, c.text))
    for i, s in enumerate(stmts):
        after = max(gap_ends[i], stmts[i - 1].end if i else 0)
        s.blank_before = _blank_between(text, after, s.start)


def _attach_inside(s: _Stmt, c: _Comment) -> None:
    """An own-line comment inside a statement: before the line whose code follows it."""
    if any(line.start < c.start < line.end for line in s.lines):
        s.moved.append(c.text)
        return
    after = [line for line in s.lines if line.start > c.start]
    if not after:  # pragma: no cover - a statement ends with code
        s.moved.append(c.text)
        return
    min(after, key=lambda line: line.start).before.append(c.text)


# ---- the whole file -------------------------------------------------------------------


def format_module(text: str, module: ast.Module) -> str:
    """Print ``module`` (parsed from ``text``, BOM stripped and LF line ends) canonically."""
    off = _Offsets(text)
    stmts = [
        _Stmt(s, off.start(s), off.end(s), _statement_lines(s, off)) for s in module.statements
    ]
    trailer: list[tuple[bool, str]] = []
    _attach_comments(text, stmts, trailer)

    # Consecutive measures with no blank line between them form an aligned block.
    tight = [False] * len(stmts)
    for i in range(1, len(stmts)):
        tight[i] = (
            isinstance(stmts[i - 1].node, ast.MeasureDef)
            and isinstance(stmts[i].node, ast.MeasureDef)
            and not stmts[i].blank_before
            and not any(blank for blank, _ in stmts[i].gap)
        )
    i = 0
    while i < len(stmts):
        j = i + 1
        while j < len(stmts) and tight[j]:
            j += 1
        block = [s for s in stmts[i:j] if isinstance(s.node, ast.MeasureDef)]
        if len(block) > 1:
            width = max(len(s.node.name) for s in block)
            for s in block:
                name = s.node.name
                s.lines[0].text = s.lines[0].text.replace(
                    f"measure {name} =", f"measure {name.ljust(width)} =", 1
                )
        i = j

    out: list[str] = []
    for i, s in enumerate(stmts):
        if i > 0 and not tight[i]:
            out.append("")
        _emit_gap(out, s.gap, first_blank=False)
        if s.gap and s.blank_before:
            out.append("")
        out.extend(s.moved)
        for line in s.lines:
            out.extend(line.indent + c for c in line.before)
            code = line.indent + line.text
            out.append(code if line.trailing is None else f"{code}  {line.trailing}")
    _emit_gap(out, trailer, first_blank=bool(stmts))
    return "\n".join(out) + "\n" if out else ""


def _emit_gap(out: list[str], gap: list[tuple[bool, str]], *, first_blank: bool) -> None:
    for n, (blank, comment) in enumerate(gap):
        if blank and (n > 0 or first_blank):
            out.append("")
        out.append(comment)


def format_text(text: str, path: str = "<text>") -> str:
    """The canonical layout of a rule file; raises :class:`SegdslError` if it does not parse."""
    return format_module(*parse_for_format(text, path))


def parse_for_format(text: str, path: str = "<text>") -> tuple[str, ast.Module]:
    """``text`` with line ends as the project loader reads them, and its parse."""
    if text.startswith("\ufeff"):
        text = text[1:]
    # Line ends as the project loader reads them (segdsl.project.read_source): a lone CR
    # ends a line too, so that `fmt` and `check` see the same statements.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, parse(text, path)
