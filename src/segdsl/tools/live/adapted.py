"""A ranking or a score of the project's rules, found in the rules the batch evaluates.

The batch resolves the rules again against the catalog as adapted to the data
(``Project.for_data``: an event source whose timestamp column holds DATEs follows the
date rules of language.md §7), so its rankings and scores are other IR nodes than the
ones the live evaluator was compiled from. The cut-offs (cutoffs.py) and the scores'
thresholds (scores.py) are taken from the batch's own nodes: the node of the same kind
at the same place (pre-order, at the entity's level) in the same segment of the
adapted project. Live evaluation keeps reading X with its own rules (a date the data
holds where the catalog says timestamp is that day's local midnight).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from segdsl.semantic import ir

if TYPE_CHECKING:
    from segdsl.project import Project

N = TypeVar("N", bound=ir.Node)


def _of_kind(cond: ir.Cond, kind: type[N]) -> list[N]:
    return [n for n in ir.walk(cond, per_event=False) if isinstance(n, kind)]


def node_in_adapted(
    node: N,
    entity: str,
    project: Project,
    adapted: Project,
    segments: Iterable[str] | None = None,
) -> N:
    """``node`` (a ranking or a score in ``project``'s rules) at its place in
    ``adapted`` (``project`` resolved against the adapted catalog). ``segments``: the
    segments to look in (default: every segment of ``entity``); the first that holds
    ``node`` is used. ``node`` itself when nothing was adapted."""
    if adapted is project:
        return node
    kind = type(node)
    names = (
        list(segments)
        if segments is not None
        else [s.name for s in project.segments.values() if s.entity == entity]
    )
    for name in names:
        ours = _of_kind(project.segment(name).cond, kind)
        if node not in ours:
            continue
        theirs = _of_kind(adapted.segment(name).cond, kind)
        if len(theirs) == len(ours):
            return theirs[ours.index(node)]
    return node  # pragma: no cover - the same rules resolve to the same shape
