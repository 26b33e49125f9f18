"""Limits: cycles between segments and measures, nesting depth and size once
written out (E301, E312), measured in time linear in the distinct IR nodes."""

from __future__ import annotations

from segdsl.diagnostics import SegdslError, Span
from segdsl.semantic import ir
from segdsl.semantic.resolver.common import (
    MAX_DEPTH,
    MAX_PARTS,
    count,
    err,
)
from segdsl.semantic.resolver.state import ResolverState
from segdsl.syntax import ast


class LimitsMixin(ResolverState):
    def _enter(self, kind: str, name: str, span: Span) -> None:
        if (kind, name) in self._stack:
            start = self._stack.index((kind, name))
            chain = [n for _, n in self._stack[start:]] + [name]
            raise err(
                "E301",
                f"{kind}s form a cycle: " + " → ".join(chain),
                span,
                label=f"`{name}` refers back to itself through this",
                hint=f"a {kind} cannot use itself, directly or through others; break the cycle",
            )

    def _deeper(self, e: ast.Expr) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._too_deep(e.span)

    def _too_deep(self, span: Span) -> SegdslError:
        via = " through " + " → ".join(n for _, n in self._stack) if len(self._stack) > 1 else ""
        return err(
            "E312",
            f"this condition is nested too deeply: more than {MAX_DEPTH} levels{via}",
            span,
            label=f"level {MAX_DEPTH + 1}",
            hint="parentheses, `not`, minus signs and arithmetic operators each add a level, "
            "and so does each measure or segment used inside another; "
            "drop redundant parentheses, or join conditions with and/or, which add none",
        )

    def _reuse(self, expr: ir.Value | ir.Cond, span: Span) -> None:
        """Check that a measure's or segment's resolved form fits at this depth."""
        if self._depth + self._ir_stats(expr)[1] > MAX_DEPTH:
            raise self._too_deep(span)

    def _check_size(self, expr: ir.Value | ir.Cond, what: str, span: Span) -> None:
        size = self._ir_stats(expr)[0]
        if size > MAX_PARTS:
            raise err(
                "E312",
                f"{what} is too large once the segments and measures it uses are written "
                f"out: {count(size)} parts, the limit is {MAX_PARTS:,}",
                span,
                label="too large",
                hint="a segment used twice is written out twice; "
                "use fewer copies of large segments and measures",
            )

    def _ir_stats(self, root: ir.Node) -> tuple[int, int]:
        """Size and depth of an IR tree written out (`in segment` and measures inlined),
        in time linear in its distinct nodes: shared nodes are counted from a memo."""
        memo = self._stats
        stack: list[tuple[ir.Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if id(node) in memo:
                continue
            kids = list(ir.children(node))
            if not done:
                stack.append((node, True))
                stack.extend((k, False) for k in kids if id(k) not in memo)
                continue
            size = 1 + sum(memo[id(k)][1] for k in kids)
            depth = 1 + max((memo[id(k)][2] for k in kids), default=0)
            memo[id(node)] = (node, size, depth)
        _, size, depth = memo[id(root)]
        return size, depth
