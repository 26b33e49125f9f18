"""`--backfill`: the state built from the warehouse with SQL at an instant, then live —
the batch answer on both sides of the seam."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import edge_data
from replay import event_stream, retail_utc
from test_live_parity import batch, live_members
from test_live_retail import tables

import segdsl
from segdsl.engines.duckdb import DuckDBSession
from segdsl.tools.live import LiveEvaluator
from segdsl.tools.live.backfill import backfill

T = edge_data.T
DAY = dt.timedelta(days=1)


def test_corpus_backfill_then_live(project: segdsl.Project, duck: Any) -> None:
    for seam in (T - 20 * DAY, T - DAY):
        live = LiveEvaluator(project)
        backfill(live, seam, session=DuckDBSession(duck))
        exact = [p.name for p in live.plans if p.mode == "exact"]
        ranked = [p.name for p in live.plans if p.mode == "batch cut-offs"]
        events = [e for e in event_stream(edge_data.TABLES, project.catalog) if e[0] > seam]
        i = 0
        for at in (seam, T, T + 8 * DAY, T + 100 * DAY):
            while i < len(events) and events[i][0] <= at:
                _, kind, key, stamp, fields, eid = events[i]
                live.apply_event(kind, key, stamp, fields, eid)
                i += 1
            live.advance(at)
            # at the seam the rankings' cut-offs are fresh: they match too
            names = exact + ranked if at == seam else exact
            want = batch(duck, project, names, at)
            for name in names:
                ent = project.catalog.entities[project.segment(name).entity]
                keys = frozenset(r[ent.key] for r in edge_data.TABLES[ent.source.table])
                got = live_members(live, name, ent.name, keys)
                assert got == want[name], (name, seam, at, sorted(got ^ want[name], key=repr))


def test_retail_backfill_then_live(tmp_path: Path) -> None:
    project = segdsl.load_project(retail_utc(tmp_path))
    seam = dt.datetime(2026, 6, 10, 12)
    live = LiveEvaluator(project)
    backfill(live, seam)
    names = [p.name for p in live.plans if p.fn is not None]
    data = tables(None)
    events = [e for e in event_stream(data, project.catalog) if e[0] > seam]
    i = 0
    for at in (seam, dt.datetime(2026, 6, 30), dt.datetime(2026, 8, 1)):
        while i < len(events) and events[i][0] <= at:
            _, kind, key, stamp, fields, eid = events[i]
            live.apply_event(kind, key, stamp, fields, eid)
            i += 1
        live.advance(at)
        check = names if at == seam else [p.name for p in live.plans if p.mode == "exact"]
        result = project.evaluate(check, as_of=at)
        for name in check:
            got = {k for (_, k), p in live.profiles.items() if live.in_segment(p, name)}
            assert got == set(result.members(name)), (name, at)
