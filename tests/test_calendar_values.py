"""Calendar time, zones, values of events, two-sided comparisons, scores and
segmentations (language.md §11–15) on DuckDB and SQLite, against the independent oracle
(tests/oracle.py) on the `person` edge data (tests/edge_data.py): in UTC at the corpus's
as-of instants, and in Europe/Berlin and America/New_York around both 2026 switches of
summer time. The other engines run the same corpus in tests/engines/test_matrix.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import edge_data
import pytest
from oracle import Oracle
from test_semantics import OTHER_AS_OF
from zoned import ZONED_AS_OF, ZONED_AS_OF_MORE, ZONES, zoned_instant, zoned_project

import segdsl
from segdsl.semantic import ir
from segdsl.semantic.timecalc import local_to_utc, parse_as_of, period_instants
from segdsl.sql.compiler import compile_membership

PERIOD_START = dt.datetime(2026, 7, 1)  # a day, month, quarter (and not a week) start
UTC_AS_OF = [edge_data.T, *OTHER_AS_OF, PERIOD_START]


def _persons(project: segdsl.Project) -> list[ir.Segment]:
    return [s for s in project.segments.values() if s.entity == "person"]


def _check(project: segdsl.Project, as_of: dt.datetime, runners: dict[str, Any]) -> None:
    segs = _persons(project)
    oracle = Oracle(edge_data.TABLES, project.catalog, as_of)
    wrong: dict[str, Any] = {}
    for engine, run in runners.items():
        rows = run(compile_membership(segs, project.catalog, engine, as_of))
        assert sorted(r[0] for r in rows) == sorted(edge_data.ALL_PERSONS)
        for i, s in enumerate(segs, start=1):
            assert all(r[i] in (True, False, 0, 1) for r in rows), f"{s.name}: not two-valued"
            got = {r[0] for r in rows if r[i]}
            want = oracle.members(s)
            if got != want:
                wrong[f"{engine} {s.name}"] = (sorted(got - want), sorted(want - got))
    assert not wrong, f"at {as_of} (extra, missing): {wrong}"


@pytest.mark.parametrize("as_of", UTC_AS_OF, ids=lambda t: t.isoformat())
def test_utc_matches_oracle(as_of: dt.datetime, project, run_duckdb, run_sqlite) -> None:
    _check(project, as_of, {"duckdb": run_duckdb, "sqlite": run_sqlite})


@pytest.mark.parametrize("local", ZONED_AS_OF + ZONED_AS_OF_MORE)
@pytest.mark.parametrize("zone", ZONES)
def test_zones_match_oracle(zone: str, local: str, run_duckdb, run_sqlite) -> None:
    project = zoned_project(zone)
    _check(project, zoned_instant(zone, local), {"duckdb": run_duckdb, "sqlite": run_sqlite})


def test_zone_changes_the_calendar(run_duckdb) -> None:
    """The same rules at the same instant differ between zones where the calendar does:
    the zone is not ignored somewhere on the way."""
    as_of = parse_as_of("2026-03-30T00:00:00Z")
    sizes = {}
    for zone in ("UTC", *ZONES):
        project = segdsl.load_project(edge_data_corpus()) if zone == "UTC" else zoned_project(zone)
        oracle = Oracle(edge_data.TABLES, project.catalog, as_of)
        sizes[zone] = {s.name: len(oracle.members(s)) for s in _persons(project)}
    differ = [n for n in sizes["UTC"] if len({sizes[z][n] for z in sizes}) > 1]
    assert {"login_this_year", "bought_today", "monday_visitor"} <= set(differ), differ


def edge_data_corpus() -> Any:
    from zoned import CORPUS

    return CORPUS


# ---- DST arithmetic, worked out by hand ------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "local_as_of", "unit", "start", "end"),
    [
        # Berlin, spring: the day of the switch lasts 23 hours (00:00 CET = 23:00Z).
        ("Europe/Berlin", "2026-03-30T08:00", "day", "2026-03-28T23:00", "2026-03-29T22:00"),
        # Berlin, autumn: 25 hours (00:00 CEST = 22:00Z, next midnight CET = 23:00Z).
        ("Europe/Berlin", "2026-10-26T08:00", "day", "2026-10-24T22:00", "2026-10-25T23:00"),
        # New York, spring: 00:00 EST = 05:00Z, next midnight EDT = 04:00Z.
        ("America/New_York", "2026-03-09T08:00", "day", "2026-03-08T05:00", "2026-03-09T04:00"),
        # New York, autumn: 00:00 EDT = 04:00Z, next midnight EST = 05:00Z.
        ("America/New_York", "2026-11-02T08:00", "day", "2026-11-01T04:00", "2026-11-02T05:00"),
        # The week before Monday 2026-03-30 in Berlin: Monday 03-23 00:00 CET to 03-30 CEST.
        ("Europe/Berlin", "2026-03-30T08:00", "week", "2026-03-22T23:00", "2026-03-29T22:00"),
        # The quarter before April 2026 in New York: 2026-01-01 EST to 2026-04-01 EDT.
        ("America/New_York", "2026-04-01T00:00", "quarter", "2026-01-01T05:00", "2026-04-01T04:00"),
    ],
)
def test_previous_period_bounds(zone, local_as_of, unit, start, end) -> None:
    t = parse_as_of(local_as_of, zone)
    got = period_instants(t, ir.Period(unit, 1), zone)
    assert got == (dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end), False)


def test_local_times_in_a_gap_and_a_fold() -> None:
    """02:30 does not exist on 2026-03-29 in Berlin and exists twice on 2026-10-25: both
    are read with the offset before the switch (documented in docs/language.md)."""
    assert local_to_utc(dt.datetime(2026, 3, 29, 2, 30), "Europe/Berlin") == dt.datetime(
        2026, 3, 29, 1, 30
    )
    assert local_to_utc(dt.datetime(2026, 10, 25, 2, 30), "Europe/Berlin") == dt.datetime(
        2026, 10, 25, 0, 30
    )


def test_as_of_with_offset_is_exact() -> None:
    assert parse_as_of("2026-03-30T00:00:00+02:00", "America/New_York") == dt.datetime(
        2026, 3, 29, 22, 0
    )
    assert parse_as_of("2026-03-30", "Europe/Berlin") == dt.datetime(2026, 3, 29, 22, 0)


# ---- segmentations -------------------------------------------------------------------


@pytest.mark.parametrize("as_of", UTC_AS_OF, ids=lambda t: t.isoformat())
def test_segmentation_classes_partition(as_of, project, run_duckdb) -> None:
    """Classes never overlap; with a catch-all they cover the entity; the text value is
    the class of each member (one text column per segmentation in --membership)."""
    for g in project.segmentations.values():
        classes = [project.segments[g.segment_name(c)] for c in g.classes]
        sql = compile_membership(classes, project.catalog, "duckdb", as_of, [g])
        rows = run_duckdb(sql)
        seen: dict[Any, str] = {}
        for r in rows:
            hits = [c for c, flag in zip(g.classes, r[1:-1], strict=True) if flag]
            assert len(hits) <= 1, f"{g.name}: {r[0]} is in {hits}"
            assert r[-1] == (hits[0] if hits else None), (g.name, r)
            if hits:
                seen[r[0]] = hits[0]
        if g.value.catchall is not None:
            assert set(seen) == set(edge_data.ALL_PERSONS), f"{g.name} does not cover"
        oracle = Oracle(edge_data.TABLES, project.catalog, as_of)
        for s in classes:
            assert {k for k, c in seen.items() if g.segment_name(c) == s.name} == oracle.members(s)


def test_membership_reads_each_source_once(project) -> None:
    """Every person segment and segmentation in one statement: each event source is
    read once (one grouped pass, also for values of events), and the statement has one
    text column per segmentation."""
    segments, groupings = project.select_with_segmentations(None)
    persons = [  # (a sequence reads its events apart: not part of this promise)
        s
        for s in segments
        if s.entity == "person" and not any(isinstance(n, ir.Sequence) for n in ir.walk(s.cond))
    ]
    sql = compile_membership(persons, project.catalog, "duckdb", edge_data.T, groupings)
    assert sql.count("FROM tz_orders") == 1, sql
    assert sql.count("FROM tz_visits") == 1
    for g in groupings:
        assert f" AS {g.name}" in sql
