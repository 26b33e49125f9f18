"""The next flip of ``min|max|count distinct|sum|avg(E.f in last N days) OP k`` as
events leave the window (aggregates.window_compare_fn): random purchases with missing
values, negative amounts and ties, replayed live; at every instant an event leaves a
window (and a microsecond before) each profile's live memberships equal DuckDB's batch
evaluation at that instant."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import segdsl
from segdsl.tools.live import LiveEvaluator

START = dt.datetime(2026, 3, 1)
WINDOW = dt.timedelta(days=10)
MICRO = dt.timedelta(microseconds=1)
PEOPLE = range(1, 7)
CATALOG = """[project]
name = "flips"
default_entity = "person"

[entity.person]
source = "data/people.parquet"
key = "id"

[event.buy]
source = "data/buys.parquet"
entity = "person"
key = "id"
timestamp = "ts"

[event.buy.fields]
amount = "number"
category = "string"
"""
RULES = """
segment max_le where max(buy.amount in last 10 days) <= 5
segment max_gt where max(buy.amount in last 10 days) > 5
segment min_ge where min(buy.amount in last 10 days) >= 3
segment min_lt where min(buy.amount in last 10 days) < 3
segment distinct_lt where count distinct(buy.category in last 10 days) < 2
segment distinct_ge where count distinct(buy.category in last 10 days) >= 2
segment sum_gt where sum(buy.amount in last 10 days) > 8
segment sum_le where sum(buy.amount in last 10 days) <= 4
segment avg_ge where avg(buy.amount in last 10 days) >= 3
segment max_eq where max(buy.amount in last 10 days) = 5
"""

buys = st.lists(
    st.tuples(
        st.sampled_from(list(PEOPLE)),
        st.integers(min_value=0, max_value=30 * 24),  # hours after START
        st.sampled_from([None, -2, 0, 3, 5, 7]),
        st.sampled_from([None, "a", "b", "c"]),
    ),
    max_size=40,
)


def write_project(root: Path, rows: list[tuple[Any, ...]]) -> segdsl.Project:
    (root / "data").mkdir()
    con = duckdb.connect()
    con.execute("CREATE TABLE people (id INTEGER)")
    con.executemany("INSERT INTO people VALUES (?)", [(i,) for i in PEOPLE])
    con.execute("CREATE TABLE buys (id INTEGER, ts TIMESTAMP, amount INTEGER, category VARCHAR)")
    if rows:
        con.executemany("INSERT INTO buys VALUES (?, ?, ?, ?)", rows)
    for table in ("people", "buys"):
        con.execute(f"COPY {table} TO '{root / 'data' / table}.parquet' (FORMAT parquet)")
    con.close()
    (root / "segdsl.toml").write_text(CATALOG, encoding="utf-8")
    (root / "rules.seg").write_text(RULES, encoding="utf-8")
    return segdsl.load_project(root)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn=buys, data=st.data())
def test_flips_match_the_batch_answer(tmp_path_factory: Any, drawn: list[Any], data: Any) -> None:
    rows = [(p, START + dt.timedelta(hours=h), a, c) for p, h, a, c in drawn]
    project = write_project(tmp_path_factory.mktemp("flips"), rows)
    leaves = sorted({r[1] + WINDOW for r in rows} | {r[1] + WINDOW - MICRO for r in rows})
    instants = sorted(
        set(data.draw(st.lists(st.sampled_from(leaves), max_size=8)) if leaves else [])
        | {START + dt.timedelta(days=45)}
    )
    live = LiveEvaluator(project)
    for p in PEOPLE:
        live.apply_attributes(p, {})
    events = sorted(rows, key=lambda r: r[1])
    k = 0
    for at in instants:
        while k < len(events) and events[k][1] <= at:
            p, ts, amount, category = events[k]
            live.apply_event("buy", p, ts, {"amount": amount, "category": category})
            k += 1
        live.advance(at)
        result = project.evaluate(as_of=at)
        for plan in live.plans:
            want = set(result.members(plan.name))
            got = {p for p in PEOPLE if live.in_segment(live.profiles[("person", p)], plan.name)}
            assert got == want, (plan.name, at)
