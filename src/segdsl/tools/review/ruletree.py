"""The rule diff on the condition tree, not on lines.

A condition is split at its top-level ``and`` (or ``or``); the parts of the two versions
are matched by what they test, so that ``age 25..34 → age 25..40`` is one changed part
and ``country = "US"`` an added one, wherever they sit on their lines. Parts are printed
with :func:`segdsl.syntax.formatter.fmt_expr`, so they read like the source.

Matching, in order:

1. parts equal in both versions (syntax trees compare without positions) are the same;
2. the rest are paired by the things they test — attribute and measure names, event
   fields, aggregates (function and event, not the window), ``in segment`` names, ``did``
   events — most overlap first (Jaccard of the two sets), then the same kind of
   predicate, then the order in the rule;
3. what is left is removed (base) or added (head).

When one version joins its parts with ``and`` and the other with ``or``, the whole
condition is one removed and one added part.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from segdsl.syntax import ast
from segdsl.syntax.formatter import fmt_expr

__all__ = ["PartChange", "RuleDiff", "rule_diff", "subjects"]


@dataclass(frozen=True)
class PartChange:
    """One top-level part: ``same``, ``changed``, ``added`` or ``removed``."""

    op: str
    before: str | None  # the part in the base version, as source text
    after: str | None  # the part in the head version


@dataclass(frozen=True)
class RuleDiff:
    joined_by: str | None  # "and", "or", or None for a single part
    parts: tuple[PartChange, ...]

    @property
    def changed(self) -> bool:
        return any(p.op != "same" for p in self.parts)


def _split(cond: ast.Expr) -> tuple[str | None, tuple[ast.Expr, ...]]:
    while isinstance(cond, ast.Paren):
        cond = cond.inner
    if isinstance(cond, ast.And):
        return "and", cond.items
    if isinstance(cond, ast.Or):
        return "or", cond.items
    return None, (cond,)


def _aggregate_name(a: ast.Aggregate) -> str:
    body = a.event if a.field_name is None else f"{a.event}.{a.field_name}"
    return f"{a.func}({body})"


def subjects(e: ast.Node) -> frozenset[str]:
    """What a condition or expression tests: the names, fields, aggregates, segments and
    events it reads (windows, limits and literals left out)."""
    if isinstance(e, ast.Name):
        return frozenset({e.name})
    if isinstance(e, ast.FieldRef):
        return frozenset({f"{e.event}.{e.field_name}"})
    if isinstance(e, ast.Aggregate):
        return frozenset({_aggregate_name(e)})
    if isinstance(e, ast.InSegment):
        return frozenset({f"segment {e.name}"})
    if isinstance(e, ast.Did):
        return frozenset({f"did {e.event}"})
    if isinstance(e, ast.Rank):
        return frozenset({f"{e.direction} by"}) | subjects(e.by)
    out: frozenset[str] = frozenset()
    # Every other node (including forms added to the language later): what its
    # sub-expressions test.
    for f in dataclasses.fields(e):
        value = getattr(e, f.name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if isinstance(item, ast.Expr):
                out |= subjects(item)
    return out


def _kind(e: ast.Expr) -> type:
    while isinstance(e, ast.Paren | ast.Not):
        e = e.inner if isinstance(e, ast.Paren) else e.operand
    return type(e)


def _match(
    base: tuple[ast.Expr, ...], head: tuple[ast.Expr, ...]
) -> tuple[dict[int, int], dict[int, int]]:
    """Pairs (base index → head index): the equal parts, then the changed ones."""
    same: dict[int, int] = {}
    used: set[int] = set()
    for i, b in enumerate(base):
        for j, h in enumerate(head):
            if j not in used and b == h:
                same[i] = j
                used.add(j)
                break
    candidates = []
    for i, b in enumerate(base):
        if i in same:
            continue
        sb = subjects(b)
        for j, h in enumerate(head):
            if j in used:
                continue
            sh = subjects(h)
            common = len(sb & sh)
            if common:
                score = common / len(sb | sh)
                candidates.append((-score, _kind(b) is not _kind(h), i, j))
    changed: dict[int, int] = {}
    for _, _, i, j in sorted(candidates):
        if i not in changed and j not in used:
            changed[i] = j
            used.add(j)
    return same, changed


def rule_diff(before: ast.Expr, after: ast.Expr) -> RuleDiff:
    """The part-by-part difference of two conditions, in the head version's order with
    each removed part after the part that preceded it in the base version."""
    op_b, base = _split(before)
    op_h, head = _split(after)
    if op_b is not None and op_h is not None and op_b != op_h:
        return RuleDiff(
            None,
            (
                PartChange("removed", fmt_expr(before), None),
                PartChange("added", None, fmt_expr(after)),
            ),
        )
    joined = op_b or op_h
    same, changed = _match(base, head)
    matched = {**same, **changed}
    by_head = {j: i for i, j in matched.items()}
    # A removed part goes after the head part matched to the base part before it.
    removed_after: dict[int, list[int]] = {}  # head index (-1: at the start) → base parts
    anchor = -1
    for i in range(len(base)):
        if i in matched:
            anchor = matched[i]
        else:
            removed_after.setdefault(anchor, []).append(i)
    parts: list[PartChange] = []

    def emit_removed(j: int) -> None:
        for i in removed_after.get(j, []):
            parts.append(PartChange("removed", fmt_expr(base[i]), None))

    emit_removed(-1)
    for j, h in enumerate(head):
        bi = by_head.get(j)
        if bi is None:
            parts.append(PartChange("added", None, fmt_expr(h)))
        elif bi in same:
            text = fmt_expr(h)
            parts.append(PartChange("same", text, text))
        else:
            parts.append(PartChange("changed", fmt_expr(base[bi]), fmt_expr(h)))
        emit_removed(j)
    return RuleDiff(joined, tuple(parts))
