"""Live evaluation gives the batch answer (language.md §16).

Every event of the corpus's edge data is replayed in time order through the live
evaluator; at several instants (window edges, after time-only expiries) each profile's
live memberships are compared with DuckDB's batch evaluation at that instant, for every
live-exact segment: zero differences. Every change the evaluator reports is checked to
happen at its instant (the oracle at that instant and a microsecond before). The
rankings and scores (and the segmentations on them) are checked right after their
cut-offs are refreshed from the batch.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import edge_data
import pytest
from oracle import Oracle
from replay import entity_updates, event_stream

import segdsl
from segdsl.engines.duckdb import DuckDBSession
from segdsl.sql.compiler import compile_membership
from segdsl.tools.live import Change, LiveEvaluator
from segdsl.tools.live.cutoffs import cutoffs_from_members, rank_segments
from segdsl.tools.live.scores import score_cutoffs

T = edge_data.T
DAY = dt.timedelta(days=1)
# window edges of the data (T − 30 days, T − 7 days, T − 1 month …) and after expiries
INSTANTS = sorted(
    {
        T - 30 * DAY,
        T - 7 * DAY,
        T - DAY,
        T - dt.timedelta(seconds=1),
        T,
        T + dt.timedelta(hours=12),
        T + DAY,
        T + 8 * DAY,
        T + 31 * DAY,
        T + 92 * DAY,
        T + 400 * DAY,
    }
)


def batch(
    duck: Any, project: segdsl.Project, names: list[str], at: dt.datetime
) -> dict[str, set[Any]]:
    """Members per segment from one DuckDB statement per entity at ``at``."""
    out: dict[str, set[Any]] = {}
    by_entity: dict[str, list[Any]] = {}
    for n in names:
        seg = project.segment(n)
        by_entity.setdefault(seg.entity, []).append(seg)
    for segs in by_entity.values():
        rows = duck.execute(compile_membership(segs, project.catalog, "duckdb", at)).fetchall()
        for i, seg in enumerate(segs, start=1):
            out[seg.name] = {r[0] for r in rows if r[i]}
    return out


def live_members(live: LiveEvaluator, name: str, entity: str, keys: frozenset[Any]) -> set[Any]:
    return {
        k
        for (e, k), p in live.profiles.items()
        if e == entity and k in keys and live.in_segment(p, name)
    }


def new_live(project: segdsl.Project) -> LiveEvaluator:
    live = LiveEvaluator(project)
    for entity, key, attrs in entity_updates(edge_data.TABLES, project.catalog):
        live.apply_attributes(key, attrs, entity)
    return live


def test_every_exact_segment_matches_duckdb_at_every_instant(
    project: segdsl.Project, duck: Any
) -> None:
    live = new_live(project)
    exact = [p for p in live.plans if p.mode == "exact"]
    assert len(exact) > 150
    events = event_stream(edge_data.TABLES, project.catalog)
    changes: list[Change] = []
    i = 0
    checked = 0
    for at in INSTANTS:
        while i < len(events) and events[i][0] <= at:
            _, kind, key, stamp, fields, eid = events[i]
            changes += live.apply_event(kind, key, stamp, fields, eid)
            i += 1
        changes += live.advance(at)
        want = batch(duck, project, [p.name for p in exact], at)
        for p in exact:
            ent = project.catalog.entities[p.entity]
            all_keys = frozenset(r[ent.key] for r in edge_data.TABLES[ent.source.table])
            got = live_members(live, p.name, p.entity, all_keys)
            assert got == want[p.name], (p.name, at, sorted(want[p.name] ^ got, key=repr))
            checked += 1
    assert checked == len(exact) * len(INSTANTS)
    # time alone changed memberships (windows moved) after the last event
    assert any(c.at > events[-1][0] for c in changes)
    names = {p.name for p in exact}
    check_instants(project, [c for c in changes if c.segment in names])


def check_instants(project: segdsl.Project, changes: list[Change]) -> None:
    """Each change holds at its instant and did not a microsecond before."""
    oracles: dict[dt.datetime, Oracle] = {}

    def oracle(at: dt.datetime) -> Oracle:
        if at not in oracles:
            oracles[at] = Oracle(edge_data.TABLES, project.catalog, at)
        return oracles[at]

    # Events stamped at the same instant arrive one by one: a profile may enter after the
    # first and leave after the second, both at that instant. The net change of each
    # (profile, segment, instant) is what batch evaluation sees.
    net: dict[tuple[Any, ...], Change] = {}
    for c in changes:
        k = (c.entity, c.profile, c.segment, c.at)
        if k in net and net[k].change != c.change:
            del net[k]
        else:
            net[k] = c
    seen = 0
    for c in net.values():
        seg = project.segment(c.segment)
        ent = project.catalog.entities[c.entity]
        rows = [r for r in edge_data.TABLES[ent.source.table] if r[ent.key] == c.profile]
        if len(rows) != 1:
            continue  # a profile with events only (not in the entity table)
        inside_now = oracle(c.at).truth(seg.cond, rows[0], c.entity)
        inside_before = oracle(c.at - dt.timedelta(microseconds=1)).truth(
            seg.cond, rows[0], c.entity
        )
        assert inside_now == (c.change == "entered"), c
        if c.at > INSTANTS[0]:
            assert inside_before != inside_now, c
        seen += 1
    assert seen > 100


def test_rankings_match_duckdb_right_after_a_refresh(project: segdsl.Project, duck: Any) -> None:
    live = new_live(project)
    for _, kind, key, stamp, fields, eid in event_stream(edge_data.TABLES, project.catalog):
        if stamp <= (T if isinstance(stamp, dt.datetime) else T.date()):
            live.apply_event(kind, key, stamp, fields, eid)
    live.advance(T)
    segs = rank_segments(live)
    members: dict[int, list[Any]] = {}
    for spec, seg in zip(live.ranks, segs, strict=True):
        rows = duck.execute(compile_membership([seg], project.catalog, "duckdb", T)).fetchall()
        members[spec.id] = [r[0] for r in rows if r[1]]
    cutoffs = cutoffs_from_members(live, members, T)
    # the scores' thresholds (tests/live/test_scores.py checks them on their own)
    cutoffs.update(score_cutoffs(project, live.scores, T, DuckDBSession(duck)))
    live.set_cutoffs(cutoffs)
    ranked = [p for p in live.plans if p.mode == "batch cut-offs"]
    assert len(ranked) >= 20
    want = batch(duck, project, [p.name for p in ranked], T)
    for p in ranked:
        ent = project.catalog.entities[p.entity]
        all_keys = frozenset(r[ent.key] for r in edge_data.TABLES[ent.source.table])
        assert live_members(live, p.name, p.entity, all_keys) == want[p.name], p.name


@pytest.mark.parametrize(
    "form", ["first(purchase.amount) > 1", 'most_frequent(purchase.sku) = "A"']
)
def test_forms_that_are_not_live_are_reported_not_evaluated(
    project: segdsl.Project, form: str
) -> None:
    try:
        seg = project.rule(form)
    except segdsl.SegdslError:
        pytest.skip("the form is not in the language yet")
    from segdsl.tools.live.plan import Compiler

    plan = Compiler(project.catalog).segment(seg)
    assert plan.mode in ("not live", "exact")
