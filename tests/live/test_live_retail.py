"""Parity on examples/retail, in its time zone (Europe/Berlin): a sample of customers
(every tenth key, with all of their events, about 23,000) replayed through the live
evaluator in time order, compared with DuckDB's batch evaluation (``Project.evaluate``)
at instants around both 2026 switches of summer time (local midnights of the 23- and
25-hour days, the hour of the switch), around the data's end and after time-only
expiries. ``tests/live_retail_run.py`` replays every customer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
from replay import RETAIL, entity_updates, event_stream

import segdsl
from segdsl.tools.live import LiveEvaluator

# naive UTC; Berlin is UTC+1 in winter, UTC+2 in summer (switches 2026-03-29 and
# 2026-10-25 at 01:00 UTC)
INSTANTS = [
    dt.datetime(2025, 11, 30, 12),
    dt.datetime(2026, 3, 28, 23),  # 29 March 00:00 in Berlin: the 23-hour day begins
    dt.datetime(2026, 3, 29, 1, 30),  # just after the switch to summer time
    dt.datetime(2026, 3, 29, 22),  # 30 March 00:00 in Berlin
    dt.datetime(2026, 6, 29, 21, 59, 59),  # a second before 30 June in Berlin
    dt.datetime(2026, 6, 29, 22),  # 30 June 00:00 in Berlin (still 29 June in UTC)
    dt.datetime(2026, 7, 2, 6),
    dt.datetime(2026, 8, 15),
    dt.datetime(2026, 10, 24, 22),  # 25 October 00:00 in Berlin: the 25-hour day begins
    dt.datetime(2026, 10, 25, 0, 30),  # the first 02:30 in Berlin (summer time)
    dt.datetime(2026, 10, 25, 1, 30),  # the second 02:30 (winter time)
    dt.datetime(2026, 10, 25, 23),  # 26 October 00:00 in Berlin
    dt.datetime(2027, 1, 1),
]


def tables(sample: int | None) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name, key in (
        ("customers", "customer_id"),
        ("orders", "customer_id"),
        ("events", "user_id"),
    ):
        query = f"SELECT * FROM read_parquet('{RETAIL / 'data' / name}.parquet')"
        if sample:
            query += f" WHERE {key} % {sample} = 3"
        cur = duckdb.sql(query)
        out[name] = [dict(zip(cur.columns, row, strict=True)) for row in cur.fetchall()]
    return out


def replay_and_compare(sample: int | None, root: Path) -> int:
    project = segdsl.load_project(root)
    live = LiveEvaluator(project)
    data = tables(sample)
    keys = {r["customer_id"] for r in data["customers"]}
    for entity, key, attrs in entity_updates(data, project.catalog):
        live.apply_attributes(key, attrs, entity)
    events = event_stream(data, project.catalog)
    exact = [p.name for p in live.plans if p.mode == "exact"]
    i = compared = 0
    for at in INSTANTS:
        while i < len(events) and events[i][0] <= at:
            _, kind, key, stamp, fields, eid = events[i]
            live.apply_event(kind, key, stamp, fields, eid)
            i += 1
        live.advance(at)
        result = project.evaluate(exact, as_of=at)
        for name in exact:
            want = {k for k in result.members(name) if k in keys}
            got = {k for k in keys if live.in_segment(live.profiles[("customer", k)], name)}
            assert got == want, (name, at, sorted(got ^ want)[:10])
            compared += len(keys)
    return compared


def test_retail_sample_matches_duckdb() -> None:
    assert replay_and_compare(10, RETAIL) > 13 * 50 * 400
