"""`segdsl explain`: why a segment is as small (or empty) as it is.

A waterfall over the segment's top-level ``and`` parts: how many entities pass each
part alone, and how many remain as the parts are applied in order. For a top-level
``or``, or an ``or`` part, what each branch brings: the entities it selects alone,
and those that only this branch selects.

Every number comes from one evaluation: each part, each prefix and each branch
becomes a segment of its own (``ir.Segment``), and ``Project.evaluate`` computes them
all in one pass per entity. ``top P% by X`` ranks over the whole entity (section 8),
so a ranking part evaluated alone means what it means inside the rule.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.syntax import ast

if TYPE_CHECKING:
    from segdsl.engines.base import Session

_PREFIX = "segdsl_explain"


@dataclass(frozen=True)
class Branch:
    text: str
    alone: int  # entities this branch selects on its own
    only: int  # entities that this branch selects and no other branch of its `or`


@dataclass(frozen=True)
class Part:
    index: int  # 1-based
    text: str
    alone: int  # entities that pass this part on its own
    remaining: int  # entities that pass parts 1..index
    removed: int  # remaining before this part minus remaining after it
    branches: tuple[Branch, ...] = ()  # when the part is an `or`


@dataclass(frozen=True)
class Explanation:
    segment: str
    entity: str
    as_of: dt.datetime
    entity_count: int
    members: int
    parts: tuple[Part, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def share(self) -> float:
        return self.members / self.entity_count if self.entity_count else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "entity": self.entity,
            "as_of": self.as_of.isoformat(),
            "entity_count": self.entity_count,
            "members": self.members,
            "share": round(self.share, 6),
            "parts": [
                {
                    "index": p.index,
                    "text": p.text,
                    "alone": p.alone,
                    "remaining": p.remaining,
                    "removed": p.removed,
                    **(
                        {
                            "branches": [
                                {"text": b.text, "alone": b.alone, "only": b.only}
                                for b in p.branches
                            ]
                        }
                        if p.branches
                        else {}
                    ),
                }
                for p in self.parts
            ],
            "notes": list(self.notes),
        }


def _strip(e: ast.Expr) -> ast.Expr:
    while isinstance(e, ast.Paren):
        e = e.inner
    return e


def _segment_where(project: Project, name: str) -> ast.Expr:
    for module in project.modules:
        for stmt in module.statements:
            if isinstance(stmt, ast.SegmentDef) and stmt.name == name:
                return stmt.where
            if isinstance(stmt, ast.SegmentationDef) and name.startswith(stmt.name + "."):
                for cls in stmt.class_segments():
                    if cls.name == name:
                        return cls.where
    raise SegdslError(Diagnostic("U004", f"no segment named `{name}` in {project.root}"))


def _split(where: ast.Expr, cond: ir.Cond) -> list[tuple[ast.Expr, ir.Cond]]:
    """The top-level `and` parts, each with its source and resolved form (the resolver
    maps an `and` of n items to an ``ir.And`` of n items, in order)."""
    e = _strip(where)
    if isinstance(e, ast.And) and isinstance(cond, ir.And) and len(e.items) == len(cond.items):
        return list(zip(e.items, cond.items, strict=True))
    return [(e, cond)]


def _branches(e: ast.Expr, cond: ir.Cond) -> list[tuple[ast.Expr, ir.Cond]]:
    e = _strip(e)
    if isinstance(e, ast.Or) and isinstance(cond, ir.Or) and len(e.items) == len(cond.items):
        return list(zip(e.items, cond.items, strict=True))
    return []


def explain(
    project: Project,
    name: str | None = None,
    as_of: str | dt.datetime | dt.date | None = None,
    *,
    rule: str | None = None,
    session: Session | None = None,
) -> Explanation:
    """The waterfall of segment ``name`` (or of the unnamed ``rule``), in one pass
    (on ``session`` when given, left open: the studio interrupts it when the rule
    changes)."""
    from segdsl.project import as_of_instant
    from segdsl.syntax.formatter import fmt_expr
    from segdsl.syntax.parser import parse_condition

    def adapted(p: Project) -> Project:
        return p.adapted() if session is None else p.for_data(session)

    instant = as_of_instant(as_of, project.catalog.timezone)
    if rule is not None:
        where = parse_condition(rule)
        project.rule(rule)  # report mistakes before reading the data
        project = adapted(project)
        seg = project.rule(rule)
    else:
        if name is None:
            raise SegdslError(Diagnostic("U007", "give a segment name or --rule"))
        project.segment(name)  # U004 with a suggestion, before reading the data
        project = adapted(project)
        seg = project.segment(name)
        where = _segment_where(project, name)

    parts = _split(where, seg.cond)
    synthetic: list[ir.Segment] = [seg]
    prefix = _PREFIX
    while any(n.startswith(prefix) for n in [*project.segments, seg.name]):
        prefix += "_x"  # never the name of a real segment

    def add(tag: str, cond: ir.Cond) -> str:
        s = ir.Segment(f"{prefix}_{tag}", seg.entity, cond)
        synthetic.append(s)
        return s.name

    alone_names: list[str] = []
    upto_names: list[str] = []
    branch_names: list[list[tuple[str, str]]] = []
    for i, (_, cond) in enumerate(parts, start=1):
        alone_names.append(add(f"part_{i}", cond))
        upto_names.append(
            alone_names[0] if i == 1 else add(f"upto_{i}", ir.And(tuple(c for _, c in parts[:i])))
        )
    for i, (e, cond) in enumerate(parts, start=1):
        names: list[tuple[str, str]] = []
        branches = _branches(e, cond)
        for j, (_, bcond) in enumerate(branches, start=1):
            others = tuple(c for k, (_, c) in enumerate(branches, start=1) if k != j)
            other: ir.Cond = others[0] if len(others) == 1 else ir.Or(others)
            names.append(
                (
                    add(f"branch_{i}_{j}", bcond),
                    add(f"only_{i}_{j}", ir.And((bcond, ir.Not(other)))),
                )
            )
        branch_names.append(names)

    result = project.evaluate(synthetic, instant, session=session)
    size = result.sizes[seg.name]

    def count(n: str) -> int:
        return result.sizes[n].members

    out: list[Part] = []
    before = size.entity_count
    for i, (e, cond) in enumerate(parts, start=1):
        remaining = count(upto_names[i - 1])
        branch_rows = tuple(
            Branch(fmt_expr(be), count(a), count(o))
            for (be, _), (a, o) in zip(_branches(e, cond), branch_names[i - 1], strict=True)
        )
        out.append(
            Part(
                i,
                fmt_expr(e),
                count(alone_names[i - 1]),
                remaining,
                before - remaining,
                branch_rows,
            )
        )
        before = remaining
    return Explanation(
        seg.name,
        seg.entity,
        result.as_of,
        size.entity_count,
        size.members,
        tuple(out),
        _notes(out, size.members, size.entity_count),
    )


def _notes(parts: list[Part], members: int, total: int) -> tuple[str, ...]:
    notes: list[str] = []
    if total == 0:
        return ("there are no entities in the data at all",)
    for p in parts:
        if p.alone == 0:
            notes.append(f"part {p.index} selects no one, even on its own: {p.text}")
    if members == 0 and not any(p.alone == 0 for p in parts):
        last = next((p for p in parts if p.remaining == 0), None)
        if last is not None and last.index > 1:
            notes.append(
                f"part {last.index} removes the last {parts[last.index - 2].remaining:,} "
                "entities: no one passes it together with the parts before it"
            )
    for p in parts:
        for b in p.branches:
            if b.alone > 0 and b.only == 0 and len(p.branches) > 1:
                notes.append(f"in part {p.index}, `{b.text}` adds no one the other branches miss")
    return tuple(notes)


# ---- text ----------------------------------------------------------------------------


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def render_text(x: Explanation, width: int = 100) -> str:
    lines = [
        f"explain {x.segment} ({x.entity}), as of {x.as_of.isoformat()} UTC",
        f"{x.members:,} of {x.entity_count:,} entities are members ({x.share:.1%})",
        "",
    ]
    nums = [
        (f"{p.alone:,}", f"{p.remaining:,}", f"-{p.removed:,}" if p.removed else "0")
        for p in x.parts
    ]
    w_alone = max([len("alone"), *(len(a) for a, _, _ in nums)])
    w_rem = max([len("remaining"), *(len(r) for _, r, _ in nums)])
    w_drop = max([len("removed"), *(len(d) for _, _, d in nums)])
    w_idx = len(str(len(x.parts)))
    fixed = w_idx + 2 + 2 + w_alone + 2 + w_rem + 2 + w_drop
    label = max(10, min(width - fixed, max(len(p.text) for p in x.parts)))
    lines.append(
        f"{'#':>{w_idx}}  {'part':<{label}}  {'alone':>{w_alone}}  "
        f"{'remaining':>{w_rem}}  {'removed':>{w_drop}}"
    )
    for p, (a, r, d) in zip(x.parts, nums, strict=True):
        lines.append(
            f"{p.index:>{w_idx}}  {_cut(p.text, label):<{label}}  {a:>{w_alone}}  "
            f"{r:>{w_rem}}  {d:>{w_drop}}"
        )
    for p in x.parts:
        if not p.branches:
            continue
        head = "the rule is an `or`" if len(x.parts) == 1 else f"part {p.index} is an `or`"
        lines += ["", f"{head}: what each branch brings"]
        b_alone = max([len("alone"), *(len(f"{b.alone:,}") for b in p.branches)])
        b_only = max([len("only this branch"), *(len(f"{b.only:,}") for b in p.branches)])
        b_label = max(
            10, min(width - 5 - b_alone - b_only - 4, max(len(b.text) for b in p.branches))
        )
        lines.append(
            f"     {'branch':<{b_label}}  {'alone':>{b_alone}}  {'only this branch':>{b_only}}"
        )
        for j, b in enumerate(p.branches):
            tag = _letter(j)
            lines.append(
                f"  {tag:>2} {_cut(b.text, b_label):<{b_label}}  {b.alone:>{b_alone},}  "
                f"{b.only:>{b_only},}"
            )
    if x.notes:
        lines.append("")
        lines += [
            textwrap.fill(f"note: {n}", width, subsequent_indent="      ", break_on_hyphens=False)
            for n in x.notes
        ]
    return "\n".join(lines)


def _letter(j: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return (letters[j] if j < 26 else str(j + 1)) + ")"
