"""Text → syntax tree. Syntax errors become messages in the reader's words.

Why this module is long: one Lark Transformer whose methods map the grammar's rules one to one; splitting it would split the grammar's mirror image.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedInput, VisitError
from lark.tree import Meta as LarkMeta

from segdsl.diagnostics import Diagnostic, SegdslError, Source, Span
from segdsl.syntax import ast
from segdsl.syntax.grammar import lark_parser
from segdsl.syntax.messages import META_KEYS, describe_syntax_error

KEYWORDS = frozenset(
    [
        "and",
        "or",
        "not",
        "in",
        "is",
        "set",
        "missing",
        "between",
        "has",
        "any",
        "all",
        "none",
        "contains",
        "starts",
        "ends",
        "with",
        "last",
        "before",
        "after",
        "ago",
        "segment",
        "measure",
        "where",
        "of",
        "did",
        "top",
        "bottom",
        "by",
        "true",
        "false",
        "count",
        "sum",
        "avg",
        "min",
        "max",
        "first",
        "then",
        "within",
        "per",
        "sample",
        "seed",
    ]
)

UNITS = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
}


_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}

# Limits on what one file may hold (docs/language.md, "Limits"). Past them a file is
# refused with a message instead of exhausting time, memory or Python's recursion limit.
MAX_FILE_BYTES = 1024 * 1024  # E112: 1 MiB of UTF-8 text per file
MAX_SYNTAX_DEPTH = 200  # E111: levels of the syntax tree below a statement
MAX_DIGITS = 100  # E108: digits of a number
# E106: the longest duration in each unit, 1,000 years, so that the as-of instant minus it
# stays a date Python and the engines can represent
MAX_DURATION = {"day": 365_250, "week": 52_178, "month": 12_000, "year": 1_000}


def _bad(code: str, message: str, span: Span, *, label: str = "", hint: str = "") -> SegdslError:
    return SegdslError(Diagnostic(code, message, span, label=label, hint=hint))


class _Builder(Transformer[Token, Any]):
    """Lark parse tree → :mod:`segdsl.ast`. Raises only :class:`SegdslError`."""

    def __init__(self, source: Source) -> None:
        super().__init__(visit_tokens=False)
        self.source = source

    # -- spans ---------------------------------------------------------------
    def tspan(self, tok: Token) -> Span:
        return Span(
            self.source,
            tok.line or 1,
            tok.column or 1,
            tok.end_line or tok.line or 1,
            tok.end_column or (tok.column or 1) + len(tok),
        )

    def mspan(self, meta: LarkMeta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.source, 1, 1, 1, 1)
        return Span(self.source, meta.line, meta.column, meta.end_line, meta.end_column)

    def name_tok(self, tok: Token, what: str) -> tuple[str, Span]:
        span = self.tspan(tok)
        if str(tok).lower() in KEYWORDS:
            raise _bad(
                "E102",
                f"`{tok}` is a keyword and cannot be used as {what}",
                span,
                label="reserved word",
                hint=f"choose another name, e.g. `{str(tok).lower()}_1`",
            )
        return str(tok), span

    # -- statements ------------------------------------------------------------
    @v_args(meta=True)
    def start(self, meta: LarkMeta, children: list[ast.Statement]) -> list[ast.Statement]:
        return children

    @v_args(meta=True)
    def segment_def(self, meta: LarkMeta, c: list[Any]) -> ast.SegmentDef:
        _kw, name_tok, _of, entity_tok, *rest = c
        where = _expr(rest[-1])
        metas: list[ast.Meta] = rest[:-2]
        name, name_span = self.name_tok(name_tok, "a segment name")
        entity = entity_span = None
        if entity_tok is not None:
            entity, entity_span = self.name_tok(entity_tok, "an entity name")
        seen: dict[str, ast.Meta] = {}
        for m in metas:
            if m.key in seen:
                raise _bad(
                    "E104",
                    f"`{m.key}` is given twice for segment `{name}`",
                    m.span,
                    label="second time",
                    hint=f"keep one `{m.key}` clause",
                )
            seen[m.key] = m
        return ast.SegmentDef(
            self.mspan(meta), name, name_span, entity, entity_span, tuple(metas), where
        )

    @v_args(meta=True)
    def meta(self, meta: LarkMeta, c: list[Token]) -> ast.Meta:
        key_tok, *rest = c
        key = str(key_tok).lower()
        strings = [t for t in rest if t.type == "STRING"]
        span = self.mspan(meta)
        if key not in META_KEYS:
            near = [k for k in META_KEYS if k[:3] == key[:3].lower()]
            hint = (
                f"did you mean `{near[0]}`?"
                if near
                else ("a segment may have `title`, `description`, `owner` and `tags`, then `where`")
            )
            raise _bad(
                "E103",
                f"unknown segment clause `{key}`",
                self.tspan(key_tok),
                label="expected title, description, owner, tags or where",
                hint=hint,
            )
        if key != "tags" and len(strings) > 1:
            raise _bad(
                "E104",
                f"`{key}` takes one text value",
                span,
                hint=f'write one text, e.g. {key} "…"; only `tags` takes a list',
            )
        return ast.Meta(span, key, tuple(self.string_value(t) for t in strings))

    @v_args(meta=True)
    def measure_def(self, meta: LarkMeta, c: list[Any]) -> ast.MeasureDef:
        _kw, name_tok, _eq, expr = c
        name, name_span = self.name_tok(name_tok, "a measure name")
        return ast.MeasureDef(self.mspan(meta), name, name_span, _expr(expr))

    # -- boolean structure -----------------------------------------------------
    @v_args(meta=True)
    def or_expr(self, meta: LarkMeta, c: list[Any]) -> ast.Or:
        return ast.Or(self.mspan(meta), tuple(_expr(x) for x in c if not isinstance(x, Token)))

    @v_args(meta=True)
    def and_expr(self, meta: LarkMeta, c: list[Any]) -> ast.And:
        return ast.And(self.mspan(meta), tuple(_expr(x) for x in c if not isinstance(x, Token)))

    @v_args(meta=True)
    def not_op(self, meta: LarkMeta, c: list[Any]) -> ast.Not:
        return ast.Not(self.mspan(meta), _expr(c[1]))

    # -- predicates ----------------------------------------------------------------
    @v_args(meta=True)
    def compare(self, meta: LarkMeta, c: list[Any]) -> ast.Compare:
        left, op, value = c
        op = "!=" if op == "<>" else op
        return ast.Compare(self.mspan(meta), op, _expr(left), value)

    def cmp_op(self, c: list[Token]) -> str:
        return str(c[0])

    @v_args(meta=True)
    def range_pred(self, meta: LarkMeta, c: list[Any]) -> ast.Range:
        left, (low, high) = c
        return ast.Range(self.mspan(meta), _expr(left), low, high, "..")

    def range_both(self, c: list[Any]) -> tuple[Any, Any]:
        return (c[0], c[2])

    def range_low(self, c: list[Any]) -> tuple[Any, Any]:
        return (c[0], None)

    def range_high(self, c: list[Any]) -> tuple[Any, Any]:
        return (None, c[1])

    @v_args(meta=True)
    def between_pred(self, meta: LarkMeta, c: list[Any]) -> ast.Range:
        left, _b, low, _and, high = c
        return ast.Range(self.mspan(meta), _expr(left), low, high, "between")

    @v_args(meta=True)
    def in_list(self, meta: LarkMeta, c: list[Any]) -> ast.InList:
        left, neg, _in, values = c
        return ast.InList(self.mspan(meta), _expr(left), values, neg is not None)

    @v_args(meta=True)
    def in_window(self, meta: LarkMeta, c: list[Any]) -> ast.InWindow:
        left, neg, _in, window = c
        return ast.InWindow(self.mspan(meta), _expr(left), window, neg is not None)

    @v_args(meta=True)
    def is_pred(self, meta: LarkMeta, c: list[Any]) -> ast.IsSet:
        left, _is, (missing, spelling) = c
        return ast.IsSet(self.mspan(meta), _expr(left), missing, spelling)

    def is_set(self, c: list[Token]) -> tuple[bool, str]:
        return (False, " ".join(str(t).lower() for t in c))

    def is_missing(self, c: list[Token]) -> tuple[bool, str]:
        return (True, str(c[0]).lower())

    def _text(self, meta: LarkMeta, op: str, left: Any, tok: Token) -> ast.TextMatch:
        lit = ast.Literal(self.tspan(tok), "string", self.string_value(tok))
        return ast.TextMatch(self.mspan(meta), op, _expr(left), lit)

    @v_args(meta=True)
    def contains(self, meta: LarkMeta, c: list[Any]) -> ast.TextMatch:
        return self._text(meta, "contains", c[0], c[2])

    @v_args(meta=True)
    def starts_with(self, meta: LarkMeta, c: list[Any]) -> ast.TextMatch:
        return self._text(meta, "starts", c[0], c[3])

    @v_args(meta=True)
    def ends_with(self, meta: LarkMeta, c: list[Any]) -> ast.TextMatch:
        return self._text(meta, "ends", c[0], c[3])

    @v_args(meta=True)
    def has_one(self, meta: LarkMeta, c: list[Any]) -> ast.Has:
        return ast.Has(self.mspan(meta), "one", _expr(c[0]), c[2])

    @v_args(meta=True)
    def has_any(self, meta: LarkMeta, c: list[Any]) -> ast.Has:
        return ast.Has(self.mspan(meta), "any", _expr(c[0]), c[3])

    @v_args(meta=True)
    def has_all(self, meta: LarkMeta, c: list[Any]) -> ast.Has:
        return ast.Has(self.mspan(meta), "all", _expr(c[0]), c[3])

    @v_args(meta=True)
    def has_none(self, meta: LarkMeta, c: list[Any]) -> ast.Has:
        return ast.Has(self.mspan(meta), "none", _expr(c[0]), c[3])

    @v_args(meta=True)
    def before(self, meta: LarkMeta, c: list[Any]) -> ast.BeforeAfter:
        return ast.BeforeAfter(self.mspan(meta), "before", _expr(c[0]), c[2])

    @v_args(meta=True)
    def after(self, meta: LarkMeta, c: list[Any]) -> ast.BeforeAfter:
        return ast.BeforeAfter(self.mspan(meta), "after", _expr(c[0]), c[2])

    @v_args(meta=True)
    def in_segment(self, meta: LarkMeta, c: list[Any]) -> ast.InSegment:
        name, span = self.name_tok(c[2], "a segment name")
        return ast.InSegment(self.mspan(meta), name, span)

    @v_args(meta=True)
    def did(self, meta: LarkMeta, c: list[Any]) -> ast.Did:
        _did, neg, event_tok, window, _where, _lp, cond, _rp, then = c
        event, espan = self.name_tok(event_tok, "an event name")
        return ast.Did(
            self.mspan(meta),
            event,
            espan,
            neg is not None,
            window,
            _expr(cond) if cond is not None else None,
            then,
        )

    @v_args(meta=True)
    def then_clause(self, meta: LarkMeta, c: list[Any]) -> ast.Then:
        _then, neg, event_tok, _within, num, unit, _where, _lp, cond, _rp = c
        event, espan = self.name_tok(event_tok, "an event name")
        return ast.Then(
            self.mspan(meta),
            neg is not None,
            event,
            espan,
            self.duration(num, unit),
            _expr(cond) if cond is not None else None,
        )

    def _rank(self, meta: LarkMeta, direction: str, c: list[Any]) -> ast.Rank:
        _word, pct, _by, by, _per, group = c
        if group is None:
            return ast.Rank(self.mspan(meta), direction, pct, _expr(by))
        name, span = self.name_tok(group, "an attribute name")
        return ast.Rank(self.mspan(meta), direction, pct, _expr(by), name, span)

    @v_args(meta=True)
    def top(self, meta: LarkMeta, c: list[Any]) -> ast.Rank:
        return self._rank(meta, "top", c)

    @v_args(meta=True)
    def bottom(self, meta: LarkMeta, c: list[Any]) -> ast.Rank:
        return self._rank(meta, "bottom", c)

    @v_args(meta=True)
    def within(self, meta: LarkMeta, c: list[Any]) -> ast.Within:
        _within, num, unit, _of, _lp, lat, _comma, lon, _rp = c
        if str(unit).lower() not in ("km", "kilometers", "kilometres"):
            raise _bad(
                "E107",
                f"unknown distance unit `{unit}`",
                self.tspan(unit),
                label="expected km",
                hint="distances are in kilometres: write e.g. `within 50 km of (48.85, 2.35)`"
                " (10 miles is 16.09 km)",
            )
        return ast.Within(
            self.mspan(meta),
            self.number_literal(num),
            self.number_literal(lat),
            self.number_literal(lon),
        )

    @v_args(meta=True)
    def sample(self, meta: LarkMeta, c: list[Any]) -> ast.Sample:
        _sample, pct, _seed, seed = c
        return ast.Sample(self.mspan(meta), pct, self.string([seed]) if seed is not None else None)

    @v_args(meta=True)
    def percent(self, meta: LarkMeta, c: list[Token]) -> ast.Percent:
        lit = self.number_literal(c[0])
        return ast.Percent(self.mspan(meta), Decimal(lit.value))  # type: ignore[arg-type]

    # -- arithmetic --------------------------------------------------------------
    def _arith(self, meta: LarkMeta, op: str, c: list[Any]) -> ast.Arith:
        return ast.Arith(self.mspan(meta), op, _expr(c[0]), _expr(c[2]))

    @v_args(meta=True)
    def add(self, meta: LarkMeta, c: list[Any]) -> ast.Arith:
        return self._arith(meta, "+", c)

    @v_args(meta=True)
    def sub(self, meta: LarkMeta, c: list[Any]) -> ast.Arith:
        return self._arith(meta, "-", c)

    @v_args(meta=True)
    def mul(self, meta: LarkMeta, c: list[Any]) -> ast.Arith:
        return self._arith(meta, "*", c)

    @v_args(meta=True)
    def div(self, meta: LarkMeta, c: list[Any]) -> ast.Arith:
        return self._arith(meta, "/", c)

    @v_args(meta=True)
    def neg(self, meta: LarkMeta, c: list[Any]) -> ast.Neg:
        return ast.Neg(self.mspan(meta), _expr(c[1]))

    @v_args(meta=True)
    def paren(self, meta: LarkMeta, c: list[Any]) -> ast.Paren:
        return ast.Paren(self.mspan(meta), _expr(c[1]))

    def name(self, c: list[Token]) -> ast.Name:
        tok = c[0]
        return ast.Name(self.tspan(tok), str(tok))

    @v_args(meta=True)
    def field_ref(self, meta: LarkMeta, c: list[Token]) -> ast.FieldRef:
        ev, _dot, fld = c
        return ast.FieldRef(self.mspan(meta), str(ev), str(fld), self.tspan(ev), self.tspan(fld))

    # -- aggregates ----------------------------------------------------------------
    @v_args(meta=True)
    def agg(self, meta: LarkMeta, c: list[Any]) -> ast.Aggregate:
        func, _lp, body, _rp = c
        return self._aggregate(meta, func, body)

    @v_args(meta=True)
    def count_distinct(self, meta: LarkMeta, c: list[Any]) -> ast.Aggregate:
        _count, word, _lp, body, _rp = c
        if str(word).lower() != "distinct":
            raise _bad(
                "E105",
                f"unexpected `{word}` after `count`",
                self.tspan(word),
                hint="write `count(purchase …)` or `count distinct(purchase.field …)`",
            )
        return self._aggregate(meta, "count_distinct", body)

    def agg_func(self, c: list[Token]) -> str:
        return str(c[0]).lower()

    def _aggregate(self, meta: LarkMeta, func: str, body: tuple[Any, ...]) -> ast.Aggregate:
        ev_tok, fld_tok, window, where = body
        event, espan = self.name_tok(ev_tok, "an event name")
        return ast.Aggregate(
            self.mspan(meta),
            func,
            event,
            espan,
            str(fld_tok) if fld_tok is not None else None,
            self.tspan(fld_tok) if fld_tok is not None else None,
            window,
            _expr(where) if where is not None else None,
        )

    def agg_body(self, c: list[Any]) -> tuple[Any, ...]:
        ev, _dot, fld, window, _where, cond = c
        return (ev, fld, window, cond)

    def window(self, c: list[Any]) -> ast.Window:
        w: ast.Window = c[1]
        return w

    @v_args(meta=True)
    def offset_window(self, meta: LarkMeta, c: list[Token]) -> ast.Window:
        _between, n, n_unit, _ago, _and, m, m_unit, _ago2 = c
        return ast.Window(self.mspan(meta), self.duration(n, n_unit), self.duration(m, m_unit))

    @v_args(meta=True)
    def last_window(self, meta: LarkMeta, c: list[Token]) -> ast.Window:
        _last, num, unit = c
        dur = self.duration(num, unit)
        return ast.Window(self.mspan(meta), dur)

    # -- values ----------------------------------------------------------------------
    def duration(self, num: Token, unit: Token) -> ast.Duration:
        lit = self.number_literal(num)
        span = self.tspan(num).to(self.tspan(unit))
        if lit.kind != "integer" or int(lit.value) < 0:  # type: ignore[arg-type]
            raise _bad(
                "E106",
                f"a duration needs a whole, non-negative number, not `{num}`",
                self.tspan(num),
                hint="write e.g. `90 days` or `3 months`",
            )
        u = UNITS.get(str(unit).lower())
        if u is None:
            raise _bad(
                "E107",
                f"unknown time unit `{unit}`",
                self.tspan(unit),
                label="expected days, weeks, months or years",
                hint="write e.g. `in last 90 days`, `2 weeks`, `6 months` or `1 year`",
            )
        if int(lit.value) > MAX_DURATION[u]:  # type: ignore[arg-type]
            raise _bad(
                "E106",
                f"`{num} {unit}` is longer than 1,000 years",
                span,
                label="too long",
                hint=f"a duration may be at most {MAX_DURATION[u]:,} {u}s (1,000 years)",
            )
        return ast.Duration(span, int(lit.value), u)  # type: ignore[arg-type]

    @v_args(meta=True)
    def ago(self, meta: LarkMeta, c: list[Token]) -> ast.Ago:
        return ast.Ago(self.mspan(meta), self.duration(c[0], c[1]))

    def number_literal(self, tok: Token) -> ast.Literal:
        text = str(tok).replace("_", "")
        span = self.tspan(tok)
        if sum(ch.isdigit() for ch in text) > MAX_DIGITS:
            raise _bad(
                "E108",
                f"this number has too many digits (more than {MAX_DIGITS})",
                span,
                label="too long",
                hint="SQL engines keep at most 38 significant digits; write a shorter number",
            )
        if re.fullmatch(r"-?\d+", text):
            return ast.Literal(span, "integer", int(text))
        try:
            return ast.Literal(span, "number", Decimal(text))
        except InvalidOperation:  # pragma: no cover - the lexer only admits numbers
            raise _bad("E108", f"`{tok}` is not a number", span) from None

    def number(self, c: list[Token]) -> ast.Literal:
        return self.number_literal(c[0])

    def string_value(self, tok: Token) -> str:
        raw = str(tok)[1:-1]
        out: list[str] = []
        i = 0
        while i < len(raw):
            ch = raw[i]
            if ch == "\\":
                nxt = raw[i + 1] if i + 1 < len(raw) else ""
                if nxt not in _ESCAPES:
                    span = self.tspan(tok)
                    col = span.column + 1 + i
                    raise _bad(
                        "E109",
                        f"unknown escape `\\{nxt}` in text",
                        Span(self.source, span.line, col, span.line, col + 2),
                        hint="the escapes are \\\" \\' \\\\ \\n and \\t; "
                        "write \\\\ for a backslash",
                    )
                out.append(_ESCAPES[nxt])
                i += 2
            else:
                out.append(ch)
                i += 1
        return "".join(out)

    def string(self, c: list[Token]) -> ast.Literal:
        return ast.Literal(self.tspan(c[0]), "string", self.string_value(c[0]))

    def date(self, c: list[Token]) -> ast.Literal:
        tok = c[0]
        try:
            value = dt.date.fromisoformat(str(tok))
        except ValueError:
            raise _bad(
                "E110",
                f"`{tok}` is not a valid date",
                self.tspan(tok),
                hint="write a real calendar date as YYYY-MM-DD, e.g. 2024-03-01",
            ) from None
        return ast.Literal(self.tspan(tok), "date", value)

    def timestamp(self, c: list[Token]) -> ast.Literal:
        tok = c[0]
        text = str(tok)
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise _bad(
                "E110",
                f"`{tok}` is not a valid timestamp",
                self.tspan(tok),
                hint="write YYYY-MM-DDTHH:MM:SS, e.g. 2024-03-01T12:30:00 (UTC)",
            ) from None
        if value.tzinfo is not None:
            try:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            except OverflowError:
                raise _bad(
                    "E110",
                    f"`{tok}` is out of range once converted to UTC",
                    self.tspan(tok),
                    hint="write a timestamp between years 1 and 9999 in UTC",
                ) from None
        return ast.Literal(self.tspan(tok), "timestamp", value)

    def true(self, c: list[Token]) -> ast.Literal:
        return ast.Literal(self.tspan(c[0]), "boolean", True)

    def false(self, c: list[Token]) -> ast.Literal:
        return ast.Literal(self.tspan(c[0]), "boolean", False)

    @v_args(meta=True)
    def value_list(self, meta: LarkMeta, c: list[Any]) -> ast.ValueList:
        items = tuple(x for x in c if x is not None and not isinstance(x, Token))
        brackets = "[]" if c and isinstance(c[0], Token) and c[0].type == "LSQB" else "()"
        return ast.ValueList(self.mspan(meta), items, brackets)


def _expr(node: Any) -> ast.Expr:
    """A literal number used inside an expression becomes a :class:`ast.Number`."""
    if isinstance(node, ast.Literal):
        if node.kind in ("integer", "number"):
            return ast.Number(node.span, node.value)  # type: ignore[arg-type]
        return ast.LiteralExpr(node.span, node)
    if isinstance(node, ast.Expr):
        return node
    raise TypeError(f"unexpected node {node!r}")  # pragma: no cover


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def utf8_size(text: str) -> int:
    """The size of ``text`` in UTF-8 bytes, without encoding it when it is plain ASCII
    or far from the limit."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def too_large(source: Source, size: int) -> SegdslError:
    """E112 for a file of ``size`` bytes; ``source`` holds (at least) its beginning, and the
    caret points at the line where the file passes the limit."""
    text = source.text
    cut = text[:MAX_FILE_BYTES]
    line = cut.count("\n") + 1
    start = cut.rfind("\n") + 1
    column = len(cut) - start + 1
    return _bad(
        "E112",
        f"this file is too large: {size:,} bytes, the limit is {MAX_FILE_BYTES:,} bytes (1 MiB)",
        Span(source, line, column, line, column + 1),
        label="the file passes 1 MiB here",
        hint="split the rules into several .seg files (a project may hold any number of them)",
    )


def _too_deep(tree: Tree[Token]) -> Tree[Token] | None:
    """The first node nested deeper than :data:`MAX_SYNTAX_DEPTH` below its statement, if
    any (an explicit stack: the tree may be far deeper than Python's recursion limit)."""
    stack: list[tuple[Tree[Token], int]] = [(t, 0) for t in tree.children if isinstance(t, Tree)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_SYNTAX_DEPTH:
            return node
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))
    return None


def _depth_error(node: Tree[Token], source: Source) -> SegdslError:
    meta = node.meta
    line = getattr(meta, "line", 1)
    column = getattr(meta, "column", 1)
    return _bad(
        "E111",
        f"this rule is nested too deeply (more than {MAX_SYNTAX_DEPTH} levels)",
        Span(source, line, column, line, column + 1),
        label=f"level {MAX_SYNTAX_DEPTH + 1} starts here",
        hint="parentheses, `not`, minus signs and arithmetic operators each open a level; "
        "remove redundant parentheses, or name parts of the rule as measures or segments",
    )


def parse_source(source: Source) -> ast.Module:
    """Parse one source into a :class:`ast.Module`; raise :class:`SegdslError` on a mistake."""
    text = _strip_bom(source.text)
    if text is not source.text:
        # Keep columns right: the BOM is not part of the first line.
        source = Source(source.path, text)
    size = utf8_size(text)
    if size > MAX_FILE_BYTES:
        raise too_large(source, size)
    # The parse builds many small acyclic objects: the cyclic garbage collector would
    # rescan them again and again (it doubles the time of a large file), and has
    # nothing to collect.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        try:
            tree = lark_parser().parse(text)
        except UnexpectedInput as exc:
            raise SegdslError(describe_syntax_error(exc, source)) from None
        deep = _too_deep(tree)
        if deep is not None:
            raise _depth_error(deep, source)
        try:
            statements = _Builder(source).transform(tree)
        except VisitError as exc:
            if isinstance(exc.orig_exc, SegdslError):
                raise exc.orig_exc from None
            raise
    finally:
        if gc_was_enabled:
            gc.enable()
    return ast.Module(source.path, tuple(statements))


def parse(text: str, path: str = "<text>") -> ast.Module:
    """Parse segdsl text. ``path`` names the source in error messages."""
    return parse_source(Source(path, text))


__all__ = [
    "KEYWORDS",
    "MAX_FILE_BYTES",
    "MAX_SYNTAX_DEPTH",
    "UNITS",
    "parse",
    "parse_source",
    "utf8_size",
]


def parse_condition(text: str, path: str = "--rule") -> ast.Expr:
    """Parse a bare condition, as given to ``--rule``."""
    source = Source(path, text)
    prefix = "segment rule where "
    wrapped = Source(path, prefix + text)
    try:
        module = parse_source(wrapped)
    except SegdslError as exc:
        # Report positions in the user's text, not in the wrapper.
        fixed = []
        for d in exc.diagnostics:
            span = d.span
            if span is not None and span.line == 1:
                col = max(span.column - len(prefix), 1)
                end = max(span.end_column - len(prefix), col + 1)
                span = Span(source, 1, col, span.end_line, end)
            elif span is not None:
                span = Span(source, span.line, span.column, span.end_line, span.end_column)
            hint = d.hint
            if "a file holds" in hint or "a segment reads" in hint:
                hint = "--rule takes a condition, e.g. --rule 'age 25..34 and country = \"US\"'"
            fixed.append(
                Diagnostic(d.code, d.message, span, label=d.label, hint=hint, notes=d.notes)
            )
        raise SegdslError(fixed) from None
    if len(module.statements) != 1 or not isinstance(module.statements[0], ast.SegmentDef):
        raise SegdslError(
            Diagnostic(
                "E101",
                "--rule takes one condition",
                Span(source, 1, 1, 1, len(text) + 1),
                hint="write e.g. --rule 'age 25..34 and purchases_90d > 3'",
            )
        )
    return _respan(module.statements[0].where, source, len(prefix))


def _respan(e: ast.Expr, source: Source, shift: int) -> ast.Expr:
    """The same tree with spans moved from the wrapper back to the user's text."""
    import dataclasses

    def fix(value: Any) -> Any:
        if isinstance(value, Span):
            col = value.column - shift if value.line == 1 else value.column
            end = value.end_column - shift if value.end_line == 1 else value.end_column
            return Span(source, value.line, max(col, 1), value.end_line, max(end, 1))
        if isinstance(value, ast.Node):
            changes = {f.name: fix(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return dataclasses.replace(value, **changes)
        if isinstance(value, tuple):
            return tuple(fix(v) for v in value)
        return value

    out: ast.Expr = fix(e)
    return out
