"""Text → syntax tree. Syntax errors become messages in the reader's words.

Why this module is long: it is one lark Transformer with a method per grammar rule,
each checking what the grammar cannot (names that are keywords, units, limits) with a
message in the reader's words; splitting it would split the grammar's mirror image."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedInput, VisitError
from lark.tree import Meta as LarkMeta

from segdsl.diagnostics import Diagnostic, SegdslError, Source, Span
from segdsl.diagnostics.suggest import did_you_mean
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
        "segmentation",
        "score",
        "this",
        "previous",
        "most_frequent",
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

# The units of calendar windows (`in this quarter`, `in previous 2 months`).
CALENDAR_UNITS = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "quarter": "quarter",
    "quarters": "quarter",
    "year": "year",
    "years": "year",
}
MAX_PERIODS = {"day": 365_250, "week": 52_178, "month": 12_000, "quarter": 4_000, "year": 1_000}
MAX_SCORE = 100


_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}

# Limits on what one file may hold (docs/language.md, "Limits"). Past them a file is
# refused with a message instead of exhausting time, memory or Python's recursion limit.
MAX_FILE_BYTES = 1024 * 1024  # E112: 1 MiB of UTF-8 text per file
MAX_SYNTAX_DEPTH = 200  # E111: levels of the syntax tree below a statement
MAX_DIGITS = 100  # E108: digits of a number
# E106: the longest duration in each unit, 1,000 years, so that the as-of instant minus it
# stays a date Python and the engines can represent
MAX_DURATION = {"day": 365_250, "week": 52_178, "month": 12_000, "year": 1_000}


def _bad(
    code: str,
    message: str,
    span: Span,
    *,
    label: str = "",
    hint: str = "",
    notes: tuple[str, ...] = (),
) -> SegdslError:
    return SegdslError(Diagnostic(code, message, span, label=label, hint=hint, notes=notes))


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
    def segmentation_def(self, meta: LarkMeta, c: list[Any]) -> ast.SegmentationDef:
        _kw, name_tok, _of, entity_tok, *rest = c
        metas = [x for x in rest if isinstance(x, ast.Meta)]
        classes = [x for x in rest if isinstance(x, ast.ClassDef)]
        name, name_span = self.name_tok(name_tok, "a segmentation name")
        entity = entity_span = None
        if entity_tok is not None:
            entity, entity_span = self.name_tok(entity_tok, "an entity name")
        seen: dict[str, ast.Meta] = {}
        for m in metas:
            if m.key in seen:
                raise _bad(
                    "E104",
                    f"`{m.key}` is given twice for segmentation `{name}`",
                    m.span,
                    label="second time",
                    hint=f"keep one `{m.key}` clause",
                )
            seen[m.key] = m
        names: dict[str, ast.ClassDef] = {}
        for i, cls in enumerate(classes):
            if cls.where is None and i < len(classes) - 1:
                nxt = classes[i + 1]
                raise _bad(
                    "E115",
                    f"class `{nxt.name}` comes after the catch-all class `{cls.name}`",
                    nxt.name_span,
                    label="never reached: the catch-all takes everyone left",
                    hint=f"move `{cls.name}` (the class without `where`) to the end of "
                    f"segmentation `{name}`, or give it a condition: `{cls.name} where …`",
                )
            prev = names.get(cls.name)
            if prev is not None:
                raise _bad(
                    "E120",
                    f"class `{cls.name}` is defined twice in segmentation `{name}`",
                    cls.name_span,
                    label="same name as an earlier class",
                    notes=(f"first defined at {prev.name_span}",),
                    hint="each class needs its own name; rename one of them",
                )
            names[cls.name] = cls
        return ast.SegmentationDef(
            self.mspan(meta), name, name_span, entity, entity_span, tuple(metas), tuple(classes)
        )

    @v_args(meta=True)
    def class_where(self, meta: LarkMeta, c: list[Any]) -> ast.ClassDef:
        name_tok, _where, cond = c
        name, span = self.name_tok(name_tok, "a class name")
        return ast.ClassDef(self.mspan(meta), name, span, _expr(cond))

    @v_args(meta=True)
    def class_catchall(self, meta: LarkMeta, c: list[Any]) -> ast.ClassDef:
        name, span = self.name_tok(c[0], "a class name")
        if name.lower() in META_KEYS:
            raise _bad(
                "E103",
                f"`{name}` needs a text after it",
                span,
                label="expected a text in quotes",
                hint=f'write e.g. {name.lower()} "…"',
            )
        return ast.ClassDef(self.mspan(meta), name, span, None)

    @v_args(meta=True)
    def meta(self, meta: LarkMeta, c: list[Token]) -> ast.Meta:
        key_tok, *rest = c
        key = str(key_tok).lower()
        strings = [t for t in rest if t.type == "STRING"]
        span = self.mspan(meta)
        if key not in META_KEYS:
            hint = did_you_mean(key, META_KEYS, trailing="") or (
                "a segment may have `title`, `description`, `owner` and `tags`, then `where`"
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
        # A plain literal stays a value; anything else is an expression (§13).
        right = value if isinstance(value, ast.Literal | ast.Ago) else _expr(value)
        return ast.Compare(self.mspan(meta), op, _expr(left), right)

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
        _in, _seg, name_tok, _dot, class_tok = c
        name, span = self.name_tok(name_tok, "a segment name")
        if class_tok is not None:
            cls, cspan = self.name_tok(class_tok, "a class name")
            return ast.InSegment(self.mspan(meta), f"{name}.{cls}", span.to(cspan))
        return ast.InSegment(self.mspan(meta), name, span)

    @v_args(meta=True)
    def score(self, meta: LarkMeta, c: list[Any]) -> ast.Score:
        _score, low_tok, _range, high_tok, _by, by, _per, group = c
        low, high = self.number_literal(low_tok), self.number_literal(high_tok)
        span = self.tspan(low_tok).to(self.tspan(high_tok))
        n = high.value
        if low.kind != "integer" or low.value != 1:
            raise _bad(
                "E118",
                f"a score runs from 1, not from {low_tok}",
                span,
                label="expected 1..N",
                hint="write e.g. `score 1..5 by spend_365d` (scores 1 to 5)",
            )
        if not isinstance(n, int) or not (2 <= n <= MAX_SCORE):
            if not isinstance(n, int):
                message = f"`score 1..{high_tok}` needs a whole number of steps"
            elif n < 2:
                message = f"`score 1..{high_tok}` gives everyone the same score"
            else:
                message = f"`score 1..{high_tok}` has more than {MAX_SCORE} steps"
            raise _bad(
                "E118",
                message,
                span,
                label=f"N must be a whole number from 2 to {MAX_SCORE}",
                hint="write e.g. `score 1..5 by spend_365d` (quintiles) or "
                "`score 1..10 by spend_365d` (deciles)",
            )
        if group is None:
            return ast.Score(self.mspan(meta), low, high, _expr(by))
        name, gspan = self.name_tok(group, "an attribute name")
        return ast.Score(self.mspan(meta), low, high, _expr(by), name, gspan)

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

    def calendar_unit(self, tok: Token, plural_ok: bool) -> str:
        u = CALENDAR_UNITS.get(str(tok).lower())
        if u is None:
            raise _bad(
                "E117",
                f"unknown calendar unit `{tok}`",
                self.tspan(tok),
                label="expected day, week, month, quarter or year",
                hint="write e.g. `in this month`, `in this quarter` or `in previous 2 weeks`",
            )
        return u

    @v_args(meta=True)
    def this_window(self, meta: LarkMeta, c: list[Token]) -> ast.CalendarWindow:
        _this, unit = c
        u = self.calendar_unit(unit, False)
        if str(unit).lower() != u:
            raise _bad(
                "E117",
                f"`in this {unit}` names one period",
                self.tspan(unit),
                label=f"expected `{u}`",
                hint=f"write `in this {u}`, or `in previous 2 {u}s` for whole periods before it",
            )
        return ast.CalendarWindow(self.mspan(meta), u, 0)

    @v_args(meta=True)
    def previous_window(self, meta: LarkMeta, c: list[Token]) -> ast.CalendarWindow:
        _prev, num, unit = c
        u = self.calendar_unit(unit, True)
        if num is None:
            return ast.CalendarWindow(self.mspan(meta), u, 1)
        lit = self.number_literal(num)
        if lit.kind != "integer" or int(lit.value) < 1:  # type: ignore[arg-type]
            raise _bad(
                "E116",
                f"`in previous {num} {unit}` holds no period",
                self.tspan(num),
                label="expected a whole number, 1 or more",
                hint=f"write `in previous {u}` (the one before this {u}), "
                f"`in previous 3 {u}s`, or `in this {u}` for the current one",
            )
        if int(lit.value) > MAX_PERIODS[u]:  # type: ignore[arg-type]
            raise _bad(
                "E106",
                f"`{num} {unit}` is longer than 1,000 years",
                self.tspan(num).to(self.tspan(unit)),
                label="too long",
                hint=f"at most {MAX_PERIODS[u]:,} {u}s (1,000 years)",
            )
        return ast.CalendarWindow(self.mspan(meta), u, int(lit.value), True)  # type: ignore[arg-type]

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

    def ago(self, c: list[Token]) -> ast.Ago:
        # One token `30 days ago`: split it into the number and the unit, with their spans.
        tok = c[0]
        text = str(tok)
        m = re.match(r"(-?[\d_.]+)((?:\s|#[^\n]*)+)([A-Za-z_]\w*)", text)
        assert m is not None
        num = Token.new_borrow_pos("NUMBER", m.group(1), tok)
        unit = _token_at(tok, "NAME", m.group(3), m.start(3))
        return ast.Ago(self.tspan(tok), self.duration(num, unit))

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
            # An exact instant: kept in UTC, marked as such (tzinfo UTC), so that the
            # resolver does not read it in the project's zone as it does a local time.
            try:
                value = value.astimezone(dt.UTC)
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


def _token_at(tok: Token, type_: str, text: str, offset: int) -> Token:
    """A token for ``text`` found ``offset`` characters into ``tok`` (line and column
    recomputed over any line breaks before it)."""
    before = str(tok)[:offset]
    line = (tok.line or 1) + before.count("\n")
    column = len(before) - before.rfind("\n") if "\n" in before else (tok.column or 1) + offset
    return Token(
        type_,
        text,
        (tok.start_pos or 0) + offset,
        line,
        column,
        line,
        column + len(text),
        (tok.start_pos or 0) + offset + len(text),
    )


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
    return ast.Module(source.path, tuple(statements))


def parse(text: str, path: str = "<text>") -> ast.Module:
    """Parse segdsl text. ``path`` names the source in error messages."""
    return parse_source(Source(path, text))


__all__ = [
    "CALENDAR_UNITS",
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
