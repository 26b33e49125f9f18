"""SQL compiled without --as-of: the as-of instant is the current time in UTC on every
engine, whatever the session's time zone, and intervals are calendar steps clamped to
the end of a shorter month, as `timecalc.minus` computes them in Python.

The expressions tested are the ones the compiler emits (``dialects.current_instant``
and ``dialects.minus_interval``), run on each engine.
"""

from __future__ import annotations

import datetime as dt

import edge_data
import pytest
from engine_sessions import MATRIX_ENGINES

from segdsl import SegdslError
from segdsl.catalog.types import Type
from segdsl.engines import DIALECTS
from segdsl.semantic import ir
from segdsl.semantic.timecalc import minus
from segdsl.sql.compiler import compile_membership, literal
from segdsl.sql.dialects import capabilities, current_instant, minus_interval

ENGINES = ["duckdb", *MATRIX_ENGINES]

CASES = [
    (dt.datetime(2026, 3, 31, 10, 11, 12), ir.Duration(1, "month")),  # → 02-28
    (dt.datetime(2024, 3, 31, 23, 59, 59), ir.Duration(1, "month")),  # → 02-29
    (dt.datetime(2024, 2, 29, 6, 0, 0), ir.Duration(1, "year")),  # → 2023-02-28
    (dt.datetime(2026, 5, 31, 0, 0, 0), ir.Duration(3, "month")),  # → 02-28
    (dt.datetime(2026, 1, 15, 12, 0, 0), ir.Duration(13, "month")),  # over a year
    (dt.datetime(2026, 6, 30, 0, 0, 0), ir.Duration(90, "day")),
    (dt.datetime(2026, 3, 1, 0, 30, 0), ir.Duration(2, "week")),
]


def _as_naive(value: object) -> object:
    """Engines return timestamps as datetimes or ISO text (SQLite), dates likewise."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value) if " " in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _select(engine: str, *exprs) -> tuple:
    from sqlglot import exp

    dialect = DIALECTS[engine]
    sql = exp.select(*(exp.alias_(e, f"c{i}") for i, e in enumerate(exprs))).sql(dialect)
    return sql


@pytest.mark.parametrize("engine", ENGINES)
def test_calendar_steps_match_python(engine: str, edge_session) -> None:
    session = edge_session(engine)
    dialect = DIALECTS[engine]
    caps = capabilities(dialect)
    exprs, want = [], []
    for instant, d in CASES:
        ts = literal(instant, Type.TIMESTAMP, dialect)
        exprs.append(minus_interval(caps, ts, d.amount, d.unit, Type.TIMESTAMP))
        want.append(minus(instant, d))
        day = literal(instant.date(), Type.DATE, dialect)
        exprs.append(minus_interval(caps, day, d.amount, d.unit, Type.DATE))
        want.append(minus(dt.datetime.combine(instant.date(), dt.time()), d).date())
    row = session.query(_select(engine, *exprs))[0]
    got = [_as_naive(v) for v in row]
    for g, w in zip(got, want, strict=True):
        if isinstance(w, dt.datetime) and isinstance(g, dt.date) and not isinstance(g, dt.datetime):
            pytest.fail(f"{engine}: a timestamp came back as a date: {g}")
    assert got == want


@pytest.mark.parametrize("engine", ENGINES)
def test_current_instant_is_utc(engine: str, edge_session) -> None:
    session = edge_session(engine)
    caps = capabilities(DIALECTS[engine])
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    row = session.query(
        _select(engine, current_instant(caps, Type.TIMESTAMP), current_instant(caps, Type.DATE))
    )[0]
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=1)
    now, today = _as_naive(row[0]), _as_naive(row[1])
    assert isinstance(now, dt.datetime)
    assert before - dt.timedelta(seconds=1) <= now <= after, (now, before, after)
    assert today in {before.date(), after.date()}


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Kiritimati"])
@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_without_as_of_ignores_the_session_zone(engine: str, zone: str, project) -> None:
    """A window without --as-of on naive UTC timestamps gives the same members in any
    session time zone: rows 2 h after now, 3 h inside the 7-day edge and 1 h ago."""
    from engine_sessions import postgres_database, require

    require(engine)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    rows = [
        [1, now + dt.timedelta(hours=2)],  # after now: not seen in the last 7 days
        [2, now - dt.timedelta(days=7) + dt.timedelta(hours=3)],  # inside the window
        [3, now - dt.timedelta(hours=1)],  # inside the window
        [4, now - dt.timedelta(days=7) - dt.timedelta(hours=3)],  # before the window
    ]
    segment = project.rule("last_seen in last 7 days")
    if engine == "duckdb":
        from segdsl.engines.duckdb import DuckDBSession

        session = DuckDBSession()
    else:
        from segdsl.engines.postgres import PostgresSession

        session = PostgresSession(postgres_database("segdsl_zone"))
    try:
        session.create_table(
            "customers", [("customer_id", "integer"), ("last_seen", "timestamp")], rows
        )
        setting = "SET TimeZone = '{}'" if engine == "duckdb" else "SET TIME ZONE '{}'"
        session.query(setting.format(zone))
        sql = compile_membership([segment], project.catalog, DIALECTS[engine], None)
        got = {r[0] for r in session.query(sql) if r[1]}
    finally:
        session.close()
    assert got == {2, 3}


@pytest.mark.parametrize("engine", ENGINES)
def test_corpus_without_as_of_runs_and_agrees_with_now(
    engine: str, edge_session, run_duckdb, project
) -> None:
    """Every segment compiled without --as-of runs on the engine, and gives the members
    that DuckDB gives with a literal instant taken just before (no row of the edge data
    lies within a day of now, so the seconds between them cannot matter)."""
    session = edge_session(engine)
    dialect = DIALECTS[engine]
    latest = max(
        v
        for rows in edge_data.TABLES.values()
        for row in rows
        for v in row.values()
        if isinstance(v, dt.datetime)
    )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    assert now - latest > dt.timedelta(days=1)
    for entity in sorted({s.entity for s in project.segments.values()}):
        segs = []
        for s in project.segments.values():
            if s.entity != entity:
                continue
            try:
                compile_membership([s], project.catalog, dialect, None)
            except SegdslError as exc:
                assert exc.diagnostics[0].code == "S001"
                continue
            segs.append(s)
        live = session.query(compile_membership(segs, project.catalog, dialect, None))
        fixed = run_duckdb(compile_membership(segs, project.catalog, "duckdb", now))
        for i, s in enumerate(segs, start=1):
            assert {r[0] for r in live if r[i]} == {r[0] for r in fixed if r[i]}, s.name
