"""What one statement needs: the attributes, aggregates, rankings and sequences its
conditions use (collected with :func:`segdsl.semantic.ir.walk`), their column names,
and the order in which segments that use each other are computed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from segdsl.semantic import ir

UNIT_ABBR = {"day": "d", "week": "w", "month": "m", "quarter": "q", "year": "y"}


@dataclass
class Needs:
    attrs: dict[str, ir.Attr] = field(default_factory=dict)
    aggregates: dict[ir.Aggregate, str] = field(default_factory=dict)
    ranks: dict[ir.Rank, str] = field(default_factory=dict)
    sequences: dict[ir.Sequence, str] = field(default_factory=dict)
    scores: dict[ir.Score, str] = field(default_factory=dict)


def collect(conds: Iterable[ir.Cond], needs: Needs) -> None:
    for cond in conds:
        for v in ir.walk_values(cond):
            if isinstance(v, ir.Attr):
                needs.attrs.setdefault(v.name, v)
            elif isinstance(v, ir.Aggregate):
                needs.aggregates.setdefault(v, "")
            elif isinstance(v, ir.Score):
                needs.scores.setdefault(v, "")
        for c in ir.walk_conds(cond):
            if isinstance(c, ir.Rank):
                needs.ranks.setdefault(c, "")
            elif isinstance(c, ir.Sequence):
                needs.sequences.setdefault(c, "")


def agg_alias(agg: ir.Aggregate) -> str:
    func = {"count_distinct": "distinct"}.get(agg.func, agg.func)
    parts = [agg.event, func]
    if agg.field is not None:
        parts.append(agg.field.name)
    if agg.window is not None:
        parts.append(f"{agg.window.amount}{UNIT_ABBR[agg.window.unit]}")
    if agg.until is not None:
        parts.append(f"to{agg.until.amount}{UNIT_ABBR[agg.until.unit]}")
    if agg.period is not None:
        p = agg.period
        parts.append(
            f"this{UNIT_ABBR[p.unit]}"
            if p.previous == 0
            else f"prev{p.previous}{UNIT_ABBR[p.unit]}"
        )
    if agg.where is not None:
        parts.append("if")
    return "_".join(parts)


def seq_alias(seq: ir.Sequence) -> str:
    return f"{seq.first}_then_{'not_' if seq.absent else ''}{seq.second}"


def levels(segments: list[ir.Segment]) -> dict[str, int]:
    """0 for a segment that uses none of the others; else one more than the deepest
    of the others it uses (through `in segment`, possibly via segments not listed)."""
    by_name = {s.name: s for s in segments}
    level: dict[str, int] = {}

    def uses(c: ir.Cond) -> set[str]:
        out: set[str] = set()
        stack = [c]
        while stack:
            n = stack.pop()
            if isinstance(n, ir.InSegment) and n.name in by_name:
                out.add(n.name)
                continue
            stack.extend(k for k in ir.children(n, per_event=False) if isinstance(k, ir.Cond))
        return out

    def of(name: str) -> int:
        if name not in level:
            deps = uses(by_name[name].cond) - {name}
            level[name] = 1 + max((of(d) for d in deps), default=-1)
        return level[name]

    for s in segments:
        of(s.name)
    return level
