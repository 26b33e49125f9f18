"""Rankings' cut-offs where the batch adapts the catalog to the data (docs/live.md,
"batch cut-offs"): an event kind the catalog stamps with timestamps whose data holds
DATEs. The batch evaluates the rules resolved against the adapted catalog; the live
cut-offs must come from the same rankings (``refresh_cutoffs`` finds each ranking at
its place in the adapted rules, as scores.py does for scores), and right after a
refresh the live members equal the batch members — after a backfill and after a replay
of every event.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
from replay import entity_updates, event_stream
from test_scores import write_project

import segdsl
from segdsl.engines.sources import connect_engine
from segdsl.tools.live import LiveEvaluator
from segdsl.tools.live.backfill import backfill
from segdsl.tools.live.cutoffs import refresh_cutoffs

T = dt.datetime(2026, 6, 30, 12)

VISITS = [
    # id, day (DATE in the data; the catalog says timestamp)
    (1, "2026-01-01"),
    (2, "2026-03-01"),
    (2, "2026-06-01"),  # 29 days before T's day
    (3, "2026-05-31"),  # 30 days before T's day: the edge of `in last 30 days`
    (3, "2026-03-01"),
    (4, "2026-06-30"),  # T's own day
    (4, "2026-06-30"),
    (4, "2026-06-29"),
    (5, "2025-12-31"),
    (6, "2026-03-02"),
    (6, "2026-01-01"),
    (6, "2026-06-15"),
    (7, "2026-07-01"),  # after T: not seen at T
    (8, "2026-05-05"),
    (8, "2026-05-05"),
    (9, "2026-02-10"),
    (10, "2026-05-05"),
    (10, "2026-06-02"),
    (11, "2026-06-29"),
    (13, "2026-04-01"),
    (13, "2026-06-10"),
    (15, "2025-06-30"),  # a year before T's day
    (15, "2025-07-01"),
]
RANKINGS = {
    # segment: rule
    "frequent_30": "top 30% by count(visit in last 30 days)",
    "rare_120": "bottom 25% by count(visit in last 120 days)",
    "frequent_per_grp": "top 50% by count(visit in last 180 days) per grp",
    "frequent_and_points": "top 40% by count(visit) and points >= 10",
    "visited_ranked": "did visit in last 90 days and not (bottom 50% by count(visit in last 365 days))",
}


def write(root: Path) -> segdsl.Project:
    write_project(root)
    con = duckdb.connect()
    con.execute("CREATE TABLE visits (id INTEGER, day DATE)")
    con.executemany("INSERT INTO visits VALUES (?, ?)", VISITS)
    con.execute(f"COPY visits TO '{root / 'data' / 'visits.parquet'}' (FORMAT parquet)")
    con.close()
    toml = root / "segdsl.toml"
    toml.write_text(
        toml.read_text()
        + '\n[event.visit]\nsource = "data/visits.parquet"\nentity = "person"\n'
        + 'key = "id"\ntimestamp = "day"\n',
        encoding="utf-8",
    )
    text = "".join(f"segment {name} where {rule}\n" for name, rule in RANKINGS.items())
    (root / "visits.seg").write_text(text, encoding="utf-8")
    project = segdsl.load_project(root)
    session = connect_engine(project.catalog, project.root)
    try:
        assert project.for_data(session) is not project  # the batch adapts the catalog
    finally:
        session.close()
    return project


def members(live: LiveEvaluator, name: str) -> set[Any]:
    return {k for (_, k), p in live.profiles.items() if live.in_segment(p, name)}


def tables(root: Path) -> dict[str, list[dict[str, Any]]]:
    con = duckdb.connect()
    out = {}
    for table in ("people", "buys", "visits"):
        cur = con.execute(f"SELECT * FROM '{root / 'data' / table}.parquet'")
        names = [d[0] for d in cur.description]
        out[table] = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    con.close()
    return out


def check(live: LiveEvaluator, project: segdsl.Project, at: dt.datetime) -> None:
    result = project.evaluate(list(RANKINGS), as_of=at)
    for name in RANKINGS:
        assert members(live, name) == set(result.members(name)), (name, at)


def test_rankings_on_date_stamped_events_after_a_backfill(tmp_path: Path) -> None:
    project = write(tmp_path / "p")
    live = LiveEvaluator(project, list(RANKINGS))
    assert len(live.ranks) == len(RANKINGS)
    backfill(live, T)
    check(live, project, T)
    # by hand: visits in the 30 days before T's day (05-31 is not: the date rules of §7)
    # — 4: 3, and 2, 6, 10, 11, 13: 1 each; 18 people, so a member has fewer than 5.4
    # people with strictly more visits: the six who visited
    assert members(live, "frequent_30") == {2, 4, 6, 10, 11, 13}


def test_rankings_on_date_stamped_events_after_a_replay(tmp_path: Path) -> None:
    root = tmp_path / "p"
    project = write(root)
    data = tables(root)
    for at in (dt.datetime(2026, 5, 5), T, dt.datetime(2026, 7, 2)):
        live = LiveEvaluator(project, list(RANKINGS))
        for entity, key, attrs in entity_updates(data, project.catalog):
            live.apply_attributes(key, attrs, entity)
        for instant, kind, key, stamp, fields, eid in event_stream(data, project.catalog):
            if instant <= at:
                live.apply_event(kind, key, stamp, fields, eid)
        live.advance(at)
        refresh_cutoffs(live, at)
        check(live, project, at)
