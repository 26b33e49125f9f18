"""Boolean reasoning over resolved conditions: negation normal form and satisfiability.

A condition is lowered to a formula in negation normal form (``FAnd``/``FOr`` over
literals), respecting the two-valued semantics of the language: ``not (x > 3)`` is
``x <= 3 or x is missing``. A conjunction of literals is checked by a small theory that
reasons, per value expression (an IR ``Attr``, ``MeasureRef``, ``Aggregate`` …), over
presence (set / missing), intervals (numbers, dates, timestamps, with open or closed
ends), sets of allowed and excluded values, text tests and list membership.

The reasoning is sound but incomplete: ``satisfiable`` may answer True for a formula
that cannot be satisfied (then lint stays silent), never the reverse.

Why this module is long: one small decision procedure (negation normal form and a theory of intervals, sets and presence) whose parts only make sense together.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from segdsl.catalog.types import Type
from segdsl.diagnostics import Span
from segdsl.semantic import ir

# ---- formulas ----------------------------------------------------------------------


@dataclass(frozen=True)
class Lit:
    """One literal. ``value`` is the value expression it constrains (None for opaque
    atoms); ``dom`` is the domain of ``arg`` for comparisons: ``abs`` (plain values),
    ``rel_d`` (days relative to the as-of instant) or ``rel_m`` (months relative to it).

    kinds: ``cmp`` (op, arg), ``in`` (args), ``notin`` (args), ``missing``, ``set``,
    ``text`` / ``ntext`` (op, arg), ``has`` / ``nhas`` (op = any|all, args),
    ``atom`` / ``natom`` (key)."""

    kind: str
    value: ir.Value | None = None
    op: str = ""
    arg: Any = None
    args: frozenset[Any] = frozenset()
    dom: str = "abs"
    key: Any = None
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class FAnd:
    items: tuple[Formula, ...]


@dataclass(frozen=True)
class FOr:
    items: tuple[Formula, ...]


Formula = Lit | FAnd | FOr

TRUE = FAnd(())
FALSE = FOr(())


def conj(items: Iterable[Formula]) -> Formula:
    out: list[Formula] = []
    for f in items:
        if isinstance(f, FAnd):
            out.extend(f.items)
        else:
            out.append(f)
    return out[0] if len(out) == 1 else FAnd(tuple(out))


def disj(items: Iterable[Formula]) -> Formula:
    out: list[Formula] = []
    for f in items:
        if isinstance(f, FOr):
            out.extend(f.items)
        else:
            out.append(f)
    return out[0] if len(out) == 1 else FOr(tuple(out))


def lits_of(f: Formula) -> list[Lit]:
    if isinstance(f, Lit):
        return [f]
    return [x for item in f.items for x in lits_of(item)]


# ---- lowering the IR ---------------------------------------------------------------

_FLIP = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def normalize(t: Type, v: Any) -> Any:
    """A constant in a form that compares with the others of the same value."""
    if isinstance(v, bool):
        return v
    if isinstance(v, float):
        return Decimal(repr(v))
    if isinstance(v, dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(dt.UTC).replace(tzinfo=None)
        if t is Type.DATE:
            return v.date()
        return v
    if isinstance(v, dt.date) and t is Type.TIMESTAMP:
        return dt.datetime.combine(v, dt.time())
    return v


def _point(left: ir.Value, right: ir.Value) -> tuple[str, Any] | None:
    """The domain and position of a comparison's right side, or None if unknown."""
    if isinstance(right, ir.Const):
        return "abs", normalize(left.type, right.value)
    if isinstance(right, ir.Ago):
        d = right.duration
        if d.unit in ("day", "week"):
            return "rel_d", -d.amount * (7 if d.unit == "week" else 1)
        return "rel_m", -d.amount * (12 if d.unit == "year" else 1)
    return None


def _maybe_missing(v: ir.Value, f: Formula, span: Span | None) -> Formula:
    """``f or v is missing`` — the complement of a positive test on a nullable value."""
    if v.nullable:
        return disj([f, Lit("missing", v, span=span)])
    return f


def _cmp(
    op: ir.CompareOp, left: ir.Value, right: ir.Value, pos: bool, span: Span | None
) -> Formula:
    pt = _point(left, right)
    if pt is None:
        return _atom(ir.Compare(op, left, right), pos, span)
    dom, arg = pt
    if pos:
        if op == "=":
            return Lit("in", left, args=frozenset([arg]), dom=dom, span=span)
        return Lit("cmp", left, op, arg, dom=dom, span=span)
    if op == "=":
        neg: Formula = Lit("notin", left, args=frozenset([arg]), dom=dom, span=span)
    else:
        neg = Lit("cmp", left, _FLIP[op], arg, dom=dom, span=span)
    return _maybe_missing(left, neg, span)


def _atom(key: Any, pos: bool, span: Span | None) -> Lit:
    return Lit("atom" if pos else "natom", key=key, span=span)


def lower(c: ir.Cond | None, pos: bool, span: Span | None, unknown: object = None) -> Formula:
    """The negation normal form of ``c`` (of ``not c`` when ``pos`` is False)."""
    if c is None:
        return _atom(("unknown", unknown), pos, span)
    if isinstance(c, ir.Not):
        return lower(c.operand, not pos, span, unknown)
    if isinstance(c, ir.And):
        parts = [lower(x, pos, span, unknown) for x in c.items]
        return conj(parts) if pos else disj(parts)
    if isinstance(c, ir.Or):
        parts = [lower(x, pos, span, unknown) for x in c.items]
        return disj(parts) if pos else conj(parts)
    if isinstance(c, ir.Literal):
        return TRUE if c.value == pos else FALSE
    if isinstance(c, ir.Compare):
        return _cmp(c.op, c.left, c.right, pos, span)
    if isinstance(c, ir.Between):
        both = ir.And((ir.Compare(">=", c.left, c.low), ir.Compare("<=", c.left, c.high)))
        return lower(both, pos, span, unknown)
    if isinstance(c, ir.InValues):
        vals = frozenset(normalize(c.left.type, v.value) for v in c.values)
        if pos:
            return Lit("in", c.left, args=vals, span=span)
        return _maybe_missing(c.left, Lit("notin", c.left, args=vals, span=span), span)
    if isinstance(c, ir.IsMissing):
        if not c.left.nullable:
            return FALSE if pos else TRUE
        return Lit("missing" if pos else "set", c.left, span=span)
    if isinstance(c, ir.TextMatch):
        if pos:
            return Lit("text", c.left, c.op, c.text.lower(), span=span)
        return _maybe_missing(c.left, Lit("ntext", c.left, c.op, c.text.lower(), span=span), span)
    if isinstance(c, ir.ListHas):
        vals = frozenset(v.value for v in c.values)
        if pos:
            return Lit("has", c.left, c.mode, args=vals, span=span)
        return _maybe_missing(c.left, Lit("nhas", c.left, c.mode, args=vals, span=span), span)
    if isinstance(c, ir.InLast):
        d = c.duration
        if d.unit in ("day", "week"):
            dom, n = "rel_d", d.amount * (7 if d.unit == "week" else 1)
        else:
            dom, n = "rel_m", d.amount * (12 if d.unit == "year" else 1)
        if pos:
            return FAnd(
                (
                    Lit("cmp", c.left, ">", -n, dom=dom, span=span),
                    Lit("cmp", c.left, "<=", 0, dom=dom, span=span),
                )
            )
        outside = FOr(
            (
                Lit("cmp", c.left, "<=", -n, dom=dom, span=span),
                Lit("cmp", c.left, ">", 0, dom=dom, span=span),
            )
        )
        return _maybe_missing(c.left, outside, span)
    if isinstance(c, ir.IsTrue):
        if pos:
            return Lit("in", c.value, args=frozenset([True]), span=span)
        return _maybe_missing(c.value, Lit("in", c.value, args=frozenset([False]), span=span), span)
    if isinstance(c, ir.InSegment):
        # The segment's own name is an atom (so `in segment A and not in segment A` is
        # seen at once), and its condition is expanded (so `in segment young and age > 60`
        # is seen too).
        return conj([_atom(("segment", c.name), pos, span), lower(c.cond, pos, span, unknown)])
    if isinstance(c, ir.Rank):
        if pos:
            return conj([_atom(c, True, span), Lit("set", c.by, span=span)])
        return _atom(c, False, span)
    return _atom(c, pos, span)


# ---- the theory: is a conjunction of literals consistent? --------------------------


class _Bound:
    """An interval with open or closed ends (None: unbounded)."""

    def __init__(self) -> None:
        self.lo: Any = None
        self.lo_closed = True
        self.hi: Any = None
        self.hi_closed = True

    def add(self, op: str, v: Any) -> None:
        if op in (">", ">="):
            closed = op == ">="
            if self.lo is None or v > self.lo or (v == self.lo and not closed):
                self.lo, self.lo_closed = v, closed
        else:
            closed = op == "<="
            if self.hi is None or v < self.hi or (v == self.hi and not closed):
                self.hi, self.hi_closed = v, closed

    def tighten(self, step: Any) -> None:
        """On a discrete domain (whole numbers, days), make both ends closed."""
        if self.lo is not None:
            if isinstance(self.lo, dt.date):
                if not self.lo_closed:
                    self.lo, self.lo_closed = self.lo + step, True
            else:
                lo = math.floor(self.lo) + 1 if not self.lo_closed else math.ceil(self.lo)
                self.lo, self.lo_closed = lo, True
        if self.hi is not None:
            if isinstance(self.hi, dt.date):
                if not self.hi_closed:
                    self.hi, self.hi_closed = self.hi - step, True
            else:
                hi = math.ceil(self.hi) - 1 if not self.hi_closed else math.floor(self.hi)
                self.hi, self.hi_closed = hi, True

    def contains(self, v: Any) -> bool:
        try:
            if self.lo is not None and (v < self.lo or (v == self.lo and not self.lo_closed)):
                return False
            if self.hi is not None and (v > self.hi or (v == self.hi and not self.hi_closed)):
                return False
        except TypeError:
            return True
        return True

    def empty(self) -> bool:
        if self.lo is None or self.hi is None:
            return False
        try:
            if self.lo > self.hi:
                return True
            return bool(self.lo == self.hi and not (self.lo_closed and self.hi_closed))
        except TypeError:
            return False


def _discrete(value: ir.Value, dom: str) -> Any:
    """The step of a discrete domain, or None for a dense one."""
    t = value.type
    if dom == "abs":
        if t is Type.INTEGER:
            return 1
        if t is Type.DATE:
            return dt.timedelta(days=1)
        return None
    if dom == "rel_d" and t is Type.DATE:
        return 1
    return None


def _text_ok(op: str, text: str, v: Any) -> bool:
    s = str(v).lower()
    if op == "contains":
        return text in s
    if op == "starts":
        return s.startswith(text)
    return s.endswith(text)


def _implies_text(op1: str, t1: str, op2: str, t2: str) -> bool:
    """Whether ``x op1 t1`` implies ``x op2 t2`` for every text x."""
    if op2 == "contains":
        return t2 in t1
    if op2 == op1 == "starts":
        return t1.startswith(t2)
    if op2 == op1 == "ends":
        return t1.endswith(t2)
    return False


def _texts_clash(op1: str, t1: str, op2: str, t2: str) -> bool:
    """Whether no text can pass both positive tests."""
    if op1 == op2 == "starts":
        return not (t1.startswith(t2) or t2.startswith(t1))
    if op1 == op2 == "ends":
        return not (t1.endswith(t2) or t2.endswith(t1))
    return False


def _value_consistent(value: ir.Value, lits: Sequence[Lit]) -> bool:
    kinds = {lit.kind for lit in lits}
    if "missing" in kinds:
        # every other literal on a value requires it to be set
        return kinds == {"missing"} and value.nullable
    bounds: dict[str, _Bound] = {}
    allowed: dict[str, set[Any] | None] = {}
    excluded: dict[str, set[Any]] = {}
    texts: list[tuple[str, str]] = []
    ntexts: list[tuple[str, str]] = []
    has_req: set[Any] = set()
    has_forbid: set[Any] = set()
    any_groups: list[frozenset[Any]] = []
    notall_groups: list[frozenset[Any]] = []
    try:
        for lit in lits:
            d = lit.dom
            if lit.kind == "cmp":
                bounds.setdefault(d, _Bound()).add(lit.op, lit.arg)
            elif lit.kind == "in":
                cur = allowed.get(d)
                allowed[d] = set(lit.args) if cur is None else cur & set(lit.args)
            elif lit.kind == "notin":
                excluded.setdefault(d, set()).update(lit.args)
            elif lit.kind == "text":
                texts.append((lit.op, lit.arg))
            elif lit.kind == "ntext":
                ntexts.append((lit.op, lit.arg))
            elif lit.kind == "has":
                if lit.op == "all" or len(lit.args) == 1:
                    has_req |= lit.args
                else:
                    any_groups.append(lit.args)
            elif lit.kind == "nhas":
                if lit.op == "any":
                    has_forbid |= lit.args
                else:
                    notall_groups.append(lit.args)
    except TypeError:
        return True  # values that do not compare: give up on this value
    # lists
    if has_req & has_forbid:
        return False
    if any(g <= has_forbid for g in any_groups):
        return False
    if any(g <= has_req for g in notall_groups):
        return False
    # text tests among themselves
    for op1, t1 in texts:
        for op2, t2 in ntexts:
            if _implies_text(op1, t1, op2, t2):
                return False
    for i, (op1, t1) in enumerate(texts):
        for op2, t2 in texts[i + 1 :]:
            if _texts_clash(op1, t1, op2, t2):
                return False
    if value.type is Type.BOOLEAN and allowed.get("abs") is None:
        allowed["abs"] = {True, False}
    base = value.expr if isinstance(value, ir.MeasureRef) else value
    if isinstance(base, ir.Aggregate) and base.func in ("count", "count_distinct"):
        bounds.setdefault("abs", _Bound()).add(">=", 0)  # a count is never negative
    try:
        for d in set(bounds) | set(allowed) | set(excluded):
            b = bounds.get(d, _Bound())
            step = _discrete(value, d)
            if step is not None:
                b.tighten(step)
            if b.empty():
                return False
            ex = excluded.get(d, set())
            al = allowed.get(d)
            if al is not None:
                ok = [
                    v
                    for v in al
                    if b.contains(v)
                    and v not in ex
                    and (d != "abs" or all(_text_ok(op, t, v) for op, t in texts))
                    and (d != "abs" or not any(_text_ok(op, t, v) for op, t in ntexts))
                ]
                if not ok:
                    return False
            elif ex and b.lo is not None and b.lo == b.hi and b.lo in ex:
                return False  # a single point, and that point is excluded
            elif step is not None and ex and b.lo is not None and b.hi is not None:
                n = (b.hi - b.lo) // step + 1
                if n <= 1000:
                    v = b.lo
                    if all(v + step * i in ex for i in range(int(n))):
                        return False
    except TypeError:
        return True
    return True


def consistent(lits: Iterable[Lit]) -> bool:
    """Whether some entity can satisfy every literal at once."""
    per_value: dict[ir.Value, list[Lit]] = {}
    atoms: dict[Any, bool] = {}
    for lit in lits:
        if lit.kind in ("atom", "natom"):
            want = lit.kind == "atom"
            if atoms.setdefault(lit.key, want) != want:
                return False
            continue
        assert lit.value is not None
        per_value.setdefault(lit.value, []).append(lit)
    return all(_value_consistent(v, ls) for v, ls in per_value.items())


class Unknown(Exception):
    """The search ran out of steps."""


_LIMIT = 20_000
# Each literal taken is one level of recursion (and is checked against all those taken
# before): past this many, the answer is "unsure", well within Python's recursion limit.
_DEPTH = 200


# Formulas with more literals than this are not searched (the answer is "unsure"): the
# checks call the search once per operand, so its cost must not grow with a huge rule.
_SIZE = 400


def _too_big(f: Formula) -> bool:
    count = 0
    stack: list[Formula] = [f]
    while stack:
        item = stack.pop()
        if isinstance(item, Lit):
            count += 1
            if count > _SIZE:
                return True
        else:
            stack.extend(item.items)
    return False


def satisfiable(f: Formula) -> bool:
    """Whether some entity satisfies ``f`` (True when unsure)."""
    if _too_big(f):
        return True
    steps = [0]

    def search(pending: list[Formula], lits: list[Lit], depth: int = 0) -> bool:
        steps[0] += 1
        if steps[0] > _LIMIT or depth > _DEPTH:
            raise Unknown
        # take literals and conjunctions first, branch on a disjunction last
        idx = next((i for i, p in enumerate(pending) if not isinstance(p, FOr)), None)
        if idx is None:
            if not pending:
                return True
            first, rest = pending[0], pending[1:]
            assert isinstance(first, FOr)
            return any(search([b, *rest], lits, depth + 1) for b in first.items)
        item = pending[idx]
        rest = pending[:idx] + pending[idx + 1 :]
        if isinstance(item, Lit):
            new = [*lits, item]
            if not consistent(new):
                return False
            return search(rest, new, depth + 1)
        assert isinstance(item, FAnd)
        return search([*item.items, *rest], lits, depth + 1)

    try:
        return search([f], [])
    except Unknown:
        return True


def unsat(f: Formula) -> bool:
    return not satisfiable(f)


def implies(a: Formula, b_negated: Formula) -> bool:
    """Whether ``a`` implies ``b``, given ``not b`` in normal form."""
    return unsat(conj([a, b_negated]))
