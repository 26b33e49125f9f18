"""The live evaluator inside Spark Structured Streaming's stateful operator
(``applyInPandasWithState``) on local[2]: the same changes as the evaluator in-process,
time-only changes included (Spark's event-time timeouts), rankings and scores included
(the cut-offs shipped to the executors with the operator). Without Spark: one call of
the operator (``spark.step``) over states written with other cut-offs, or by an older
version that kept them in the state, gives the in-process evaluator's changes."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import edge_data
import pytest
from test_live_stream import input_lines

import segdsl
from segdsl.engines.duckdb import DuckDBSession
from segdsl.tools.live import LiveEvaluator
from segdsl.tools.live.cutoffs import refresh_cutoffs
from segdsl.tools.live.persist import dump
from segdsl.tools.live.protocol import apply, change_json, parse_json
from segdsl.tools.live.spark import cutoffs_at, cutoffs_text, step

CORPUS = Path(__file__).parents[1] / "corpus"
DELAY = dt.timedelta(seconds=3601)  # an odd instant: no change falls exactly on it
T = edge_data.T
DAY = dt.timedelta(days=1)
Cutoffs = dict[int, dict[Any, Any]]


@pytest.fixture(scope="module")
def cutoffs(project: segdsl.Project, duck: Any) -> dict[dt.datetime, Cutoffs]:
    """The corpus's cut-offs and thresholds at T and 40 days earlier, from the warehouse
    (``cutoffs_at``: a backfill and a refresh on the driver)."""
    return {at: cutoffs_at(project, at, session=DuckDBSession(duck)) for at in (T, T - 40 * DAY)}


@pytest.fixture(scope="module")
def spark() -> Any:
    # the Python workers run this interpreter (pandas, pyarrow and segdsl installed)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        import pyspark  # noqa: F401

        from segdsl.engines.spark import spark_session

        session = spark_session("local[2]")
    except Exception:
        if os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1":
            raise
        pytest.skip("Spark (pyspark and Java 17) is not available")
    session.sparkContext.setLogLevel("ERROR")
    return session


def customer_lines() -> list[str]:
    return [line for line in input_lines() if '"entity"' not in line and '"tick"' not in line]


def expected(lines: list[str], cutoffs: Cutoffs | None = None) -> list[tuple[str, str, str, str]]:
    project = segdsl.load_project(CORPUS)
    by_profile: dict[str, list[dict[str, Any]]] = {}
    latest = None
    for line in lines:
        item = parse_json(line)
        by_profile.setdefault(str(item["profile"]), []).append(item)
        if "timestamp" in item:
            stamp = dt.datetime.fromisoformat(item["timestamp"].replace("Z", ""))
            latest = stamp if latest is None or stamp > latest else latest
    assert latest is not None
    watermark = latest - DELAY
    out = []
    for items in by_profile.values():
        live = LiveEvaluator(project)
        live.set_cutoffs(cutoffs or {})
        items.sort(key=lambda i: (i.get("timestamp") is not None, str(i.get("timestamp"))))
        changes = []
        for item in items:
            changes += apply(live, item)
        changes += live.advance(watermark)
        for c in changes:
            j = change_json(live, c)
            out.append((str(j["profile"]), j["segment"], j["change"], j["at"]))
    return sorted(out)


def test_cutoffs_on_the_driver_are_those_of_a_refresh_after_a_replay(
    project: segdsl.Project, duck: Any, cutoffs: dict[dt.datetime, Cutoffs]
) -> None:
    for at, found in cutoffs.items():
        live = LiveEvaluator(project)
        for line in input_lines():
            item = parse_json(line)
            if "tick" in item:
                continue
            stamp = item.get("timestamp")
            if stamp is None or dt.datetime.fromisoformat(stamp.replace("Z", "")) <= at:
                apply(live, item)
        live.advance(at)
        refresh_cutoffs(live, at, session=DuckDBSession(duck))
        assert found == live.cutoffs
        assert any(k >= 0 for k in found) and any(k < 0 for k in found)  # rankings, scores
    assert cutoffs[T] != cutoffs[T - 40 * DAY]


def by_profile(lines: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in lines:
        out.setdefault(str(json.loads(line)["profile"]), []).append(line)
    return out


def in_order(lines: list[str]) -> list[dict[str, Any]]:
    """A profile's lines as one call of the operator applies them."""
    items = [parse_json(line) for line in lines]
    items.sort(key=lambda i: (i.get("timestamp") is not None, str(i.get("timestamp"))))
    return items


def test_a_state_of_other_cutoffs_is_reevaluated_with_the_new_ones(
    project: segdsl.Project, cutoffs: dict[dt.datetime, Cutoffs]
) -> None:
    """Each profile's lines in two calls of the operator: the first with the cut-offs of
    T − 40 days, the second with those of T (a query restarted with new cut-offs) — from
    the operator's state, and from a state that kept the cut-offs in it (before the
    cut-offs came with the closure). Both give the in-process evaluator's changes: the
    first half, the new cut-offs set at the profile's clock, the second half."""
    path = str(CORPUS.resolve())
    old, new = cutoffs[T - 40 * DAY], cutoffs[T]
    switched = 0
    for lines in by_profile(customer_lines()).values():
        half = len(lines) // 2
        first, second = lines[:half], lines[half:]
        live = LiveEvaluator(project)
        live.set_cutoffs(old)
        want1 = [change_json(live, c) for item in in_order(first) for c in apply(live, item)]
        at_switch = [change_json(live, c) for c in live.set_cutoffs(new)]
        switched += len(at_switch)
        assert len({c["at"] for c in at_switch}) <= 1  # all at the profile's clock
        legacy = json.dumps(dump(live))  # the state as an older operator kept it
        want2 = at_switch + [
            change_json(live, c) for item in in_order(second) for c in apply(live, item)
        ]

        got1, state, _ = step(path, first, None, None, cutoffs_text(old))
        assert got1 == want1
        assert json.loads(state)["cutoffs"] == {}  # only their version is kept
        got2, _, _ = step(path, second, state, None, cutoffs_text(new))
        assert got2 == want2
        # an older operator's state: it held the cut-offs (here already the new ones)
        again, _, _ = step(path, second, legacy, None, cutoffs_text(new))
        assert again == want2[len(at_switch) :]
        # the same version again: nothing to re-evaluate
        same, _, _ = step(path, [], state, None, cutoffs_text(old))
        assert same == []
    assert switched > 20


@pytest.mark.xdist_group(name="spark")
def test_spark_stateful_operator_gives_the_in_process_changes(
    spark: Any, tmp_path: Path, project: segdsl.Project, cutoffs: dict[dt.datetime, Cutoffs]
) -> None:
    from segdsl.tools.live.spark import live_changes

    lines = customer_lines()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "part-0.jsonl").write_text("\n".join(lines) + "\n")
    name = "live_" + uuid.uuid4().hex[:8]
    changes = live_changes(
        spark.readStream.text(str(folder)), CORPUS, delay="3601 seconds", cutoffs=cutoffs[T]
    )
    query = (
        changes.writeStream.format("memory")
        .queryName(name)
        .outputMode("append")
        .option("checkpointLocation", str(tmp_path / "checkpoint"))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination(600)
    got = sorted(
        tuple(r) for r in spark.sql(f"SELECT profile, segment, change, at FROM {name}").collect()
    )
    want = expected(lines, cutoffs[T])
    assert len(want) > 500
    # changes at instants with no event (time alone) came from Spark's event-time timeouts
    stamps = {json.loads(line).get("timestamp") for line in lines}
    assert sum(1 for x in got if x[3] not in stamps) > 50
    # segments on rankings and on scores, answered with the cut-offs of T
    live = LiveEvaluator(project)
    on_ranks = {p.name for p in live.live_plans if any(k >= 0 for k in p.ranks)}
    on_scores = {p.name for p in live.live_plans if any(k < 0 for k in p.ranks)}
    assert sum(1 for x in got if x[1] in on_ranks) > 20
    assert sum(1 for x in got if x[1] in on_scores) > 20
    assert got == want
    assert want != expected(lines)  # the cut-offs made a difference


def run_query(spark: Any, source: Path, checkpoint: Path, out: Path, cutoffs: Cutoffs) -> list[Any]:
    """One run of the operator over every file in ``source`` not seen by ``checkpoint``
    yet (the query stopped and started again), its changes added to ``out``; answers
    every change in ``out``."""
    from segdsl.tools.live.spark import live_changes

    changes = live_changes(
        spark.readStream.text(str(source)), CORPUS, delay="3601 seconds", cutoffs=cutoffs
    )
    query = (
        changes.writeStream.format("parquet")
        .option("path", str(out))
        .option("checkpointLocation", str(checkpoint))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination(600)
    return sorted(tuple(r) for r in spark.read.parquet(str(out)).collect())


@pytest.mark.xdist_group(name="spark")
def test_spark_query_restarted_with_new_cutoffs(
    spark: Any, tmp_path: Path, project: segdsl.Project, cutoffs: dict[dt.datetime, Cutoffs]
) -> None:
    """The refresh story of docs/live.md: the query runs with the cut-offs of T − 40
    days, stops, and starts again from its checkpoint with those of T; each profile is
    sent an empty attribute update. The memberships reported by the first run stay; the
    second reports, per profile, what the new cut-offs change, at the profile's clock
    (its latest event, or the watermark where a timeout advanced it)."""
    old, new = cutoffs[T - 40 * DAY], cutoffs[T]
    lines = customer_lines()
    source = tmp_path / "in"
    source.mkdir()
    (source / "part-0.jsonl").write_text("\n".join(lines) + "\n")
    checkpoint = tmp_path / "checkpoint"
    first = run_query(spark, source, checkpoint, tmp_path / "out1", old)
    assert first == expected(lines, old)

    # the customers (profiles of events of another entity's kinds are left alone)
    groups = {k: ls for k, ls in by_profile(lines).items() if any('"attributes"' in x for x in ls)}
    (source / "part-1.jsonl").write_text(
        "".join(
            json.dumps({"profile": json.loads(ls[0])["profile"], "attributes": {}}) + "\n"
            for ls in groups.values()
        )
    )
    both = run_query(spark, source, checkpoint, tmp_path / "out1", new)
    second = sorted((Counter(both) - Counter(first)).elements())
    assert not Counter(first) - Counter(both)  # what was reported stays

    stamps = [
        dt.datetime.fromisoformat(json.loads(x)["timestamp"].replace("Z", ""))
        for x in lines
        if "timestamp" in json.loads(x)
    ]
    watermark = max(stamps) - DELAY
    want = []
    for group in groups.values():
        live = LiveEvaluator(project)
        live.set_cutoffs(old)
        for item in in_order(group):
            apply(live, item)
        wakes = [w for p in live.profiles.values() if (w := p.wake()) is not None]
        if live.clock is None or (wakes and min(wakes) < watermark):
            live.advance(watermark)  # the first run's event-time timeout
        for c in live.set_cutoffs(new):
            j = change_json(live, c)
            want.append((str(j["profile"]), j["segment"], j["change"], j["at"]))
    assert len(want) > 20
    assert second == sorted(want)
