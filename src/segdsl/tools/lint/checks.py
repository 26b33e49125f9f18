"""The lint checks: contradictions, tautologies and redundancy, missing-value traps,
units and windows, and hygiene.

Every check works on a project that resolved without error. A condition is read as a
tree of ``and`` / ``or`` / ``not`` over predicates (``FNode``), built from the syntax
tree (which keeps the spans and surface forms); each predicate is resolved to the IR
by the core resolver, and the IR is what the reasoning in :mod:`.intervals` uses.

Why this module is long: one Linter walks each statement once and runs every check on
the same trees and formulas (built once per statement); segmentations are in classes.py.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from segdsl.catalog.model import EventDef
from segdsl.diagnostics import Diagnostic, SegdslError, Span
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.semantic.resolver import Ctx, Resolver
from segdsl.syntax import ast
from segdsl.tools.lint.classes import segmentation_findings
from segdsl.tools.lint.intervals import (
    Formula,
    Lit,
    conj,
    disj,
    implies,
    lits_of,
    lower,
    unsat,
)
from segdsl.tools.lint.rules import rule_for

# ---- helpers -----------------------------------------------------------------------

# and/or groups with more operands than this are not searched for redundant operands
# (W12x): the search compares each operand with all the others.
MAX_OPERANDS = 200


def span_text(span: Span) -> str:
    """The source text under ``span``, with runs of whitespace collapsed."""
    lines = span.source.lines
    if span.line == span.end_line:
        text = lines[span.line - 1][span.column - 1 : span.end_column - 1]
    else:
        parts = [lines[span.line - 1][span.column - 1 :]]
        parts.extend(lines[span.line : span.end_line - 1])
        parts.append(lines[span.end_line - 1][: span.end_column - 1])
        text = " ".join(parts)
    return " ".join(text.split())


def _q(span: Span) -> str:
    return f"`{span_text(span)}`"


def _strip(e: ast.Expr) -> ast.Expr:
    while isinstance(e, ast.Paren):
        e = e.inner
    return e


def iter_ast(node: object) -> Iterator[ast.Node]:
    """Every syntax node under ``node`` (pre-order), including ``node``."""
    if isinstance(node, ast.Node):
        yield node
        for f in dataclasses.fields(node):
            if f.name == "span" or f.name.endswith("_span"):
                continue
            yield from iter_ast(getattr(node, f.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from iter_ast(item)


def primary_value(c: ir.Cond | None) -> ir.Value | None:
    """The value a predicate tests (``age`` in ``age > 3``)."""
    if c is None:
        return None
    if isinstance(c, ir.Not):
        return primary_value(c.operand)
    if isinstance(c, ir.And | ir.Or):
        return primary_value(c.items[0]) if c.items else None
    if isinstance(c, ir.IsTrue):
        return c.value
    if isinstance(c, ir.Compare | ir.Between | ir.InValues | ir.IsMissing | ir.TextMatch):
        return c.left
    if isinstance(c, ir.ListHas | ir.InLast):
        return c.left
    return None


def _left_span(e: ast.Expr) -> Span | None:
    left = getattr(e, "left", None)
    if isinstance(left, ast.Expr):
        return left.span
    if isinstance(e, ast.Name):
        return e.span
    return None


_NEGATIVE = "negative"
_POSITIVE = "positive"


def _surface(e: ast.Expr, c: ir.Cond | None) -> str | None:
    """Whether a predicate is written in a negative form (`!=`, `not in`, `has none`,
    `not in last`), a positive form that tests a value, or neither."""
    if isinstance(e, ast.Compare):
        return _NEGATIVE if e.op == "!=" else _POSITIVE
    if isinstance(e, ast.InList | ast.InWindow):
        return _NEGATIVE if e.negated else _POSITIVE
    if isinstance(e, ast.Has):
        return _NEGATIVE if e.mode == "none" else _POSITIVE
    if isinstance(e, ast.Range | ast.TextMatch | ast.BeforeAfter):
        return _POSITIVE
    if isinstance(c, ir.IsTrue):
        return _POSITIVE
    return None


_RETENTION = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_DAYS_PER_MONTH = 30.436875


def parse_duration(text: str) -> tuple[int, str] | None:
    m = _RETENTION.match(text)
    if m is None:
        return None
    return int(m.group(1)), m.group(2).lower()


def longer_than(window: tuple[int, str], retention: tuple[int, str]) -> bool:
    """Whether a window reaches further back than the retention."""

    def split(d: tuple[int, str]) -> tuple[str, float]:
        n, unit = d
        return {
            "day": ("d", n),
            "week": ("d", 7 * n),
            "month": ("m", n),
            "year": ("m", 12 * n),
        }[unit]

    (fw, w), (fr, r) = split(window), split(retention)
    if fw == fr:
        return w > r
    wd = w * _DAYS_PER_MONTH if fw == "m" else w
    rd = r * _DAYS_PER_MONTH if fr == "m" else r
    return wd > rd + 1


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


# ---- condition trees ---------------------------------------------------------------


@dataclass(eq=False)
class FNode:
    kind: str  # and, or, not, leaf
    node: ast.Expr
    children: tuple[FNode, ...] = ()
    cond: ir.Cond | None = None  # leaves only

    @property
    def span(self) -> Span:
        return self.node.span


@dataclass
class _Tree:
    root: FNode
    subject: str  # "customer", "`purchase` event"
    cache: dict[tuple[int, bool], Formula] = field(default_factory=dict)


class Linter:
    def __init__(self, project: Project, *, hygiene: bool = True) -> None:
        self.project = project
        self.catalog = project.catalog
        self.resolver = Resolver(project.catalog, project.modules)
        self.hygiene = hygiene
        self.findings: list[Diagnostic] = []
        self.names: dict[ir.Value, str] = {}
        self.trees: dict[int, _Tree] = {}

    # ---- entry --------------------------------------------------------------------
    def run(self) -> list[Diagnostic]:
        for module in self.project.modules:
            for stmt in module.statements:
                if isinstance(stmt, ast.SegmentDef):
                    self._segment(stmt)
                elif isinstance(stmt, ast.SegmentationDef):
                    self._segmentation(stmt)
                else:
                    self._measure(stmt)
        self._same_conditions()
        self._retention_strings()
        if self.hygiene:
            self._hygiene()
        return self.findings

    # An editor re-checks only the statements that changed: the same checks as run(),
    # split into each statement's own and those across statements.
    def statement_findings(self, stmt: ast.Statement) -> list[Diagnostic]:
        """The findings of one statement's own checks (as run() makes them)."""
        start = len(self.findings)
        if isinstance(stmt, ast.SegmentDef):
            self._segment(stmt)
        elif isinstance(stmt, ast.MeasureDef):
            self._measure(stmt)
        elif hasattr(self, "_segmentation"):
            self._segmentation(stmt)  # a segmentation (language.md §15)
        found = self.findings[start:]
        del self.findings[start:]
        return found

    def project_findings(self) -> list[Diagnostic]:
        """The findings of the checks across statements: W130, W304 and, with hygiene,
        I401–I404."""
        start = len(self.findings)
        self._same_conditions()
        self._retention_strings()
        if self.hygiene:
            self._hygiene()
        found = self.findings[start:]
        del self.findings[start:]
        return found

    def add(
        self,
        code: str,
        message: str,
        span: Span | None,
        *,
        label: str = "",
        hint: str = "",
        notes: tuple[str, ...] = (),
        path: str | None = None,
    ) -> None:
        self.findings.append(
            Diagnostic(
                code,
                message,
                span,
                label=label,
                hint=hint,
                notes=notes,
                severity=rule_for(code).severity,
                path=path,
            )
        )

    def _segment(self, sdef: ast.SegmentDef) -> None:
        seg = self.project.segments.get(sdef.name)
        if seg is None:
            return
        entity = self.catalog.entities[seg.entity]
        self._analyze(sdef.where, Ctx(entity), seg.entity)
        self._event_conditions(sdef.where)
        self._units(sdef.where, seg.entity)

    def _segmentation(self, gdef: ast.SegmentationDef) -> None:
        g = self.project.segmentations.get(gdef.name)
        if g is None:
            return
        entity = self.catalog.entities[g.entity]
        for c in gdef.classes:
            if c.where is not None:
                self._analyze(c.where, Ctx(entity), g.entity)
                self._event_conditions(c.where)
                self._units(c.where, g.entity)
        for finding in segmentation_findings(g, gdef):
            self.add(*finding.args, **finding.kwargs)

    def _measure(self, mdef: ast.MeasureDef) -> None:
        measure = self.project.measures.get(mdef.name)
        if measure is None:
            return
        self._event_conditions(mdef.expr)
        self._units(mdef.expr, measure.entity)

    def _event_conditions(self, root: ast.Expr) -> None:
        for node in iter_ast(root):
            if isinstance(node, ast.Aggregate | ast.Did) and node.where is not None:
                ev = self.catalog.events.get(node.event)
                if ev is None:
                    continue
                entity = self.catalog.entities[ev.entity]
                self._analyze(node.where, Ctx(entity, ev), f"`{ev.name}` event")

    # ---- trees --------------------------------------------------------------------
    def _build(self, e: ast.Expr, ctx: Ctx) -> FNode:
        e = _strip(e)
        if isinstance(e, ast.And | ast.Or):
            kind = "and" if isinstance(e, ast.And) else "or"
            kids: list[FNode] = []
            for x in e.items:
                k = self._build(x, ctx)
                # `a and (b and c)` is one conjunction: report its parts, not the group
                kids.extend(k.children if k.kind == kind else (k,))
            return FNode(kind, e, tuple(kids))
        if isinstance(e, ast.Not):
            return FNode("not", e, (self._build(e.operand, ctx),))
        try:
            cond: ir.Cond | None = self.resolver.cond(e, ctx)
        except SegdslError:
            cond = None
        value = primary_value(cond)
        left = _left_span(e)
        if value is not None and left is not None:
            self.names.setdefault(value, span_text(left))
        return FNode("leaf", e, cond=cond)

    def _f(self, tree: _Tree, n: FNode, pos: bool = True) -> Formula:
        key = (id(n), pos)
        got = tree.cache.get(key)
        if got is not None:
            return got
        if n.kind == "leaf":
            f = lower(n.cond, pos, n.span, unknown=id(n))
        elif n.kind == "not":
            f = self._f(tree, n.children[0], not pos)
        else:
            parts = [self._f(tree, k, pos) for k in n.children]
            f = conj(parts) if (n.kind == "and") == pos else disj(parts)
        tree.cache[key] = f
        return f

    def _analyze(self, expr: ast.Expr, ctx: Ctx, subject: str) -> None:
        tree = _Tree(self._build(expr, ctx), subject)
        if unsat(self._f(tree, tree.root)):
            self._contradiction(tree, tree.root)
            return
        self._semantic(tree, tree.root)
        self._traps(tree, tree.root, [], 0)

    # ---- L101: contradictions -----------------------------------------------------
    def _contradiction(self, tree: _Tree, n: FNode) -> None:
        if n.kind in ("and", "or"):
            bad = [k for k in n.children if unsat(self._f(tree, k))]
            if bad:
                for k in bad:
                    self._contradiction(tree, k)
                return
        if n.kind == "and":
            core = list(n.children)
            for item in list(core):
                trial = [x for x in core if x is not item]
                if trial and unsat(conj(self._f(tree, x) for x in trial)):
                    core = trial
            span = core[0].span.to(core[-1].span)
            quoted = " and ".join(_q(x.span) for x in core)
            self.add(
                "L101",
                f"this condition can never be true: {quoted} cannot all hold at once"
                if len(core) > 2
                else f"this condition can never be true: {quoted} cannot both hold",
                span,
                label=f"no {tree.subject} satisfies this",
                hint="remove one of them, or join them with `or` if either should do",
            )
            return
        self.add(
            "L101",
            f"this condition can never be true: {_q(n.span)}",
            n.span,
            label=f"no {tree.subject} satisfies this",
            hint="rewrite or remove it; as it stands it matches no one",
        )

    # ---- W110, W111, W120, W121: tautologies and redundancy ------------------------
    def _semantic(self, tree: _Tree, n: FNode) -> None:
        if unsat(self._f(tree, n)):
            return  # a dead branch of an `or`: the rule as a whole is still satisfiable
        if n.kind in ("or", "leaf", "not") and unsat(self._f(tree, n, False)):
            self.add(
                "W110",
                f"{_q(n.span)} is always true",
                n.span,
                label=f"every {tree.subject} satisfies this",
                hint="remove it, or write what you meant to test",
            )
            return
        if n.kind == "or":
            self._is_set_equivalent(tree, n)
        if n.kind == "and":
            self._redundant_and(tree, n)
        elif n.kind == "or":
            self._redundant_or(tree, n)
        for k in n.children:
            self._semantic(tree, k)

    def _is_set_equivalent(self, tree: _Tree, n: FNode) -> None:
        f, nf = self._f(tree, n), self._f(tree, n, False)
        seen: set[ir.Value] = set()
        for lit in lits_of(f):
            v = lit.value
            if v is None or v in seen or not v.nullable:
                continue
            seen.add(v)
            if unsat(conj([f, Lit("missing", v)])) and unsat(conj([Lit("set", v), nf])):
                name = self.names.get(v, "the value")
                self.add(
                    "W111",
                    f"this `or` is true exactly when `{name}` is set",
                    n.span,
                    label=f"equivalent to `{name} is set`",
                    hint=f"write `{name} is set`",
                    notes=(
                        f"a missing `{name}` makes every branch false, so this is not always true",
                    ),
                )
                return

    def _redundant_and(self, tree: _Tree, n: FNode) -> None:
        if len(n.children) > MAX_OPERANDS:
            return  # each operand is checked against all the others: quadratic
        kept = list(n.children)
        for k in reversed(n.children):
            others = [x for x in kept if x is not k]
            if not others:
                continue
            fo = conj(self._f(tree, x) for x in others)
            nk = self._f(tree, k, False)
            if unsat(fo) or unsat(nk) or not implies(fo, nk):
                continue
            core = others
            for x in list(core):
                trial = [y for y in core if y is not x]
                if trial and implies(conj(self._f(tree, y) for y in trial), nk):
                    core = trial
            kept.remove(k)
            self._report_redundant(tree, k, core, "and")

    def _redundant_or(self, tree: _Tree, n: FNode) -> None:
        if len(n.children) > MAX_OPERANDS:
            return  # each operand is checked against all the others: quadratic
        kept = list(n.children)
        for k in reversed(n.children):
            others = [x for x in kept if x is not k]
            fk = self._f(tree, k)
            if not others or unsat(fk):
                continue
            if isinstance(k.node, ast.IsSet) and k.node.missing:
                # `x is missing or x != v` spells out on purpose what W201 warns about.
                continue
            if not unsat(conj([fk, *(self._f(tree, x, False) for x in others)])):
                continue
            core = others
            for x in list(core):
                trial = [y for y in core if y is not x]
                if trial and unsat(conj([fk, *(self._f(tree, y, False) for y in trial)])):
                    core = trial
            kept.remove(k)
            self._report_redundant(tree, k, core, "or")

    def _report_redundant(self, tree: _Tree, k: FNode, core: list[FNode], how: str) -> None:
        if len(core) == 1 and self._f(tree, core[0]) == self._f(tree, k):
            self.add(
                "W121",
                f"{_q(k.span)} is repeated",
                k.span,
                label="the same test again",
                notes=(f"first written at {core[0].span}",),
                hint="remove one of them",
            )
            return
        quoted = " and ".join(_q(x.span) for x in core)
        if how == "and":
            self.add(
                "W120",
                f"{_q(k.span)} adds nothing: {quoted} already implies it",
                k.span,
                label="redundant",
                hint="remove it (or fix the bound if it was meant to narrow the segment)",
            )
        else:
            self.add(
                "W120",
                f"{_q(k.span)} adds nothing to this `or`: {quoted} already includes it",
                k.span,
                label="redundant branch",
                hint="remove this branch",
            )

    # ---- W201: missing-value traps ------------------------------------------------
    def _traps(self, tree: _Tree, n: FNode, path: list[FNode], negs: int) -> None:
        if negs % 2 == 0:
            if n.kind == "leaf" and _surface(n.node, n.cond) == _NEGATIVE:
                self._trap(tree, n, n.cond, n.node, path)
            elif (
                n.kind == "not"
                and n.children[0].kind == "leaf"
                and _surface(n.children[0].node, n.children[0].cond) == _POSITIVE
            ):
                self._trap(tree, n, n.children[0].cond, n.children[0].node, path)
        for k in n.children:
            self._traps(tree, k, [*path, n], negs + (n.kind == "not"))

    def _trap(
        self, tree: _Tree, n: FNode, cond: ir.Cond | None, pred: ast.Expr, path: list[FNode]
    ) -> None:
        value = primary_value(cond)
        if value is None or not value.nullable:
            return
        missing = Lit("missing", value)
        context: list[Formula] = []
        child = n
        for anc in reversed(path):
            if anc.kind == "and":
                context.extend(self._f(tree, s) for s in anc.children if s is not child)
            elif anc.kind == "or":
                if any(self._f(tree, s) == missing for s in anc.children if s is not child):
                    return  # `x is missing or x != …`: the reader asked for them
                break
            else:
                break
            child = anc
        if context and unsat(conj([*context, missing])):
            return
        left = _left_span(pred)
        name = span_text(left) if left is not None else self.names.get(value, "the value")
        text = span_text(n.span)
        self.add(
            "W201",
            f"`{text}` also matches every {tree.subject} whose `{name}` is missing",
            n.span,
            label=f"true where `{name}` is missing",
            hint=f"write `{name} is set and {text}` to leave them out, or "
            f"`{name} is missing or {text}` to keep them on purpose",
        )

    # ---- W301, W302, W303: units and windows ---------------------------------------
    def _units(self, root: ast.Expr, entity: str) -> None:
        for node in iter_ast(root):
            if isinstance(node, ast.Window) and node.duration.amount == 0:
                text = (
                    span_text(node.span) if node.until is not None else f"in {span_text(node.span)}"
                )
                self.add(
                    "W301",
                    f"`{text}` is an empty window: nothing is ever in it",
                    node.span,
                    label="length 0",
                    hint="give the window a length, e.g. `in last 30 days`",
                )
            elif isinstance(node, ast.Sample) and node.percent.value in (0, 100):
                everyone = node.percent.value == 100
                self.add(
                    "W302",
                    f"{_q(node.span)} matches {'every' if everyone else 'no'} {entity}",
                    node.percent.span,
                    label=f"{node.percent.value}% of the entity",
                    hint="sample a share between 0% and 100%, e.g. `sample 10%`",
                )
            elif isinstance(node, ast.Rank) and node.percent.value in (0, 100):
                by = span_text(node.by.span)
                if node.percent.value == 0:
                    self.add(
                        "W302",
                        f"{_q(node.span)} matches no {entity}",
                        node.percent.span,
                        label="0% of the entity is no one",
                        hint=f"give a share above 0%, e.g. `{node.direction} 10% by {by}`",
                    )
                else:
                    self.add(
                        "W302",
                        f"{_q(node.span)} matches every {entity} whose `{by}` is set",
                        node.percent.span,
                        label=f"the same as `{by} is set`",
                        hint=f"write `{by} is set`, or a smaller share",
                    )
            if isinstance(node, ast.Aggregate | ast.Did) and isinstance(node.window, ast.Window):
                ev = self.catalog.events.get(node.event)
                if ev is not None:
                    self._retention(node.window, ev)

    def _retention(self, window: ast.Window, ev: EventDef) -> None:
        if ev.retention is None:
            return
        ret = parse_duration(ev.retention)
        if ret is None:
            return  # reported once by _retention_strings
        d = window.duration
        if longer_than((d.amount, d.unit), ret):
            self.add(
                "W303",
                f"this window ({_plural(d.amount, d.unit)}) is longer than the retention of "
                f"`{ev.name}` ({ev.retention})",
                window.span,
                label="reaches past the data that is kept",
                hint=f"older `{ev.name}` events are deleted, so counts over this window are "
                f"too low; use a window of at most {ev.retention}",
            )

    def _retention_strings(self) -> None:
        for ev in self.catalog.events.values():
            if ev.retention is not None and parse_duration(ev.retention) is None:
                self.add(
                    "W304",
                    f"cannot read the retention of event `{ev.name}`: {ev.retention!r}",
                    None,
                    path=str(self.project.root / "segdsl.toml"),
                    hint='write a number and a unit, e.g. retention = "730 days"',
                )

    # ---- W130: segments with the same condition -----------------------------------
    def _same_conditions(self) -> None:
        defs = self._segment_defs()
        first: dict[tuple[str, ir.Cond], ir.Segment] = {}
        for seg in self.project.segments.values():
            key = (seg.entity, seg.cond)
            other = first.get(key)
            if other is None:
                first[key] = seg
                continue
            sdef = defs.get(seg.name)
            odef = defs.get(other.name)
            self.add(
                "W130",
                f"segments `{other.name}` and `{seg.name}` have the same condition",
                sdef.name_span if sdef else None,
                label=f"the same members as `{other.name}`",
                notes=(f"`{other.name}` is defined at {odef.name_span}",) if odef else (),
                hint=f"remove one, or write `segment {seg.name} where in segment {other.name}` "
                "to make the alias explicit",
            )

    def _segment_defs(self) -> dict[str, ast.SegmentDef]:
        out: dict[str, ast.SegmentDef] = {}
        for module in self.project.modules:
            for stmt in module.statements:
                if isinstance(stmt, ast.SegmentDef):
                    out.setdefault(stmt.name, stmt)
        return out

    # ---- I401–I404: hygiene --------------------------------------------------------
    def _hygiene(self) -> None:
        used: set[str] = set()
        for seg in self.project.segments.values():
            for v in ir.walk_values(seg.cond):
                if isinstance(v, ir.MeasureRef):
                    used.add(v.name)
        for module in self.project.modules:
            for stmt in module.statements:
                if not _SNAKE.match(stmt.name):
                    kind = kind_of(stmt)
                    self.add(
                        "I403",
                        f"{kind} name `{stmt.name}` is not snake_case",
                        stmt.name_span,
                        hint=f"write e.g. `{_snake(stmt.name)}`",
                    )
                if isinstance(stmt, ast.MeasureDef):
                    if stmt.name not in used:
                        self.add(
                            "I401",
                            f"measure `{stmt.name}` is not used by any segment",
                            stmt.name_span,
                            hint="remove it, or use it in a segment",
                        )
                    continue
                lacking = [k for k in ("title", "owner") if stmt.meta_value(k) is None]
                if lacking:
                    self.add(
                        "I402",
                        f"{kind_of(stmt)} `{stmt.name}` has no {' and no '.join(lacking)}",
                        stmt.name_span,
                        hint="add e.g. " + " ".join(f'{k} "…"' for k in lacking),
                    )
                if not isinstance(stmt, ast.SegmentDef):
                    continue
                inner = _strip(stmt.where)
                if isinstance(inner, ast.InSegment):
                    self.add(
                        "I404",
                        f"segment `{stmt.name}` only references segment `{inner.name}`",
                        stmt.name_span,
                        label=f"an alias of `{inner.name}`",
                        hint=f"use `{inner.name}` directly, or add a condition",
                    )


def kind_of(stmt: ast.Statement) -> str:
    if isinstance(stmt, ast.SegmentDef):
        return "segment"
    if isinstance(stmt, ast.SegmentationDef):
        return "segmentation"
    return "measure"


def _snake(name: str) -> str:
    s = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return re.sub(r"_+", "_", s).lower().strip("_") or "name"


def run_checks(project: Project, *, hygiene: bool = True) -> list[Diagnostic]:
    """Every finding of the lint checks on a resolved project."""
    return Linter(project, hygiene=hygiene).run()
