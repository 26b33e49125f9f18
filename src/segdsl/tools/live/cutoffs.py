"""Cut-offs for the rankings (and, through scores.py, the scores' thresholds), from the
latest batch evaluation.

``top P% by X`` depends on every profile of the entity. Live evaluation compares a
profile's X with a cut-off instead: the least X among the ranking's members in the
latest batch evaluation (``bottom``: the greatest), per group with ``per G``. At the
instant of that evaluation the comparison gives exactly the batch members (every X at
or above the least member's X has fewer entities strictly above it than that member);
as the population changes afterwards it is an approximation until the next refresh,
and ``segdsl check --live`` says so for every segment that uses one.

The members come from SQL (the compiled ranking on the warehouse); each member's X and
group come from its live state at the same instant, so the profiles must be in the
state (after ``--backfill`` or a replay).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from segdsl.engines.base import Session
from segdsl.semantic import ir
from segdsl.tools.live.adapted import node_in_adapted
from segdsl.tools.live.changes import Change
from segdsl.tools.live.evaluator import LiveEvaluator

if TYPE_CHECKING:
    from segdsl.project import Project


def rank_segments(live: LiveEvaluator, adapted: Project | None = None) -> list[ir.Segment]:
    """One segment per ranking used by a live segment: the ranking alone — as the
    batch resolves it when ``adapted`` (the project resolved against the catalog
    adapted to the data, ``Project.for_data``) is given (adapted.py)."""
    project = live.project
    return [
        ir.Segment(
            f"live_rank_{spec.id}",
            spec.entity,
            spec.node
            if adapted is None
            else node_in_adapted(spec.node, spec.entity, project, adapted),
        )
        for spec in live.ranks
    ]


def rank_members(
    live: LiveEvaluator, at: dt.datetime, session: Session, adapted: Project
) -> dict[int, list[Any]]:
    """Each ranking's batch members (keys) at ``at``: the rankings alone, evaluated as
    the batch evaluates them (resolved against the catalog adapted to the data) on
    ``session``. Not through ``Project.evaluate``: these segments are made up, and it
    would look them up by name to resolve them again."""
    from segdsl.evaluation.evaluate import evaluate

    segs = rank_segments(live, adapted)
    result = evaluate(adapted.catalog, segs, at, session)
    return {spec.id: result.members(seg.name) for spec, seg in zip(live.ranks, segs, strict=True)}


def cutoffs_from_members(
    live: LiveEvaluator, members: Mapping[int, Iterable[Any]], at: dt.datetime
) -> dict[int, dict[Any, Any]]:
    """Cut-offs from each ranking's batch members (keys), with their X at ``at``."""
    out: dict[int, dict[Any, Any]] = {}
    for spec in live.ranks:
        table: dict[Any, Any] = {}
        top = spec.node.direction == "top"
        for key in members.get(spec.id, ()):
            p = live.profiles.get((spec.entity, key))
            if p is None:
                continue
            x = live.rank_value(spec, p, at)
            if x is None:
                continue
            group = None if spec.per is None else p.attrs.get(spec.per)
            if spec.per is not None and group is None:
                continue
            cut = table.get(group)
            if cut is None or (x < cut if top else x > cut):
                table[group] = x
        out[spec.id] = table
    return out


def refresh_cutoffs(
    live: LiveEvaluator,
    as_of: dt.datetime | None = None,
    engine: str | None = None,
    session: Session | None = None,
) -> list[Change]:
    """Evaluate every ranking and every score in the warehouse (SQL) at ``as_of``
    (default: the clock) and compare live profiles with the new cut-offs and
    thresholds (scores.py); answers the changes."""
    if not live.ranks and not live.scores:
        return []
    at = as_of or live.clock
    if at is None:
        return []
    from segdsl.engines import engine_name
    from segdsl.engines.sources import connect_engine
    from segdsl.tools.live.scores import score_cutoffs

    project = live.project
    own = session is None
    active = session or connect_engine(
        project.catalog, project.root, engine_name(engine) if engine else "duckdb"
    )
    try:
        adapted = project.for_data(active)
        cutoffs: dict[int, dict[Any, Any]] = {}
        if live.ranks:
            cutoffs.update(cutoffs_from_members(live, rank_members(live, at, active, adapted), at))
        if live.scores:
            cutoffs.update(score_cutoffs(project, live.scores, at, active, adapted))
    finally:
        if own:
            active.close()
    return live.set_cutoffs(cutoffs)
