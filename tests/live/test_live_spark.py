"""The live evaluator inside Spark Structured Streaming's stateful operator
(``applyInPandasWithState``) on local[2]: the same changes as the evaluator in-process,
time-only changes included (Spark's event-time timeouts)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from test_live_stream import input_lines

from segdsl.tools.live import LiveEvaluator
from segdsl.tools.live.protocol import apply, change_json, parse_json

CORPUS = Path(__file__).parents[1] / "corpus"
DELAY = dt.timedelta(seconds=3601)  # an odd instant: no change falls exactly on it


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


def expected(lines: list[str]) -> list[tuple[str, str, str, str]]:
    import segdsl

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
        items.sort(key=lambda i: (i.get("timestamp") is not None, str(i.get("timestamp"))))
        changes = []
        for item in items:
            changes += apply(live, item)
        changes += live.advance(watermark)
        for c in changes:
            j = change_json(live, c)
            out.append((str(j["profile"]), j["segment"], j["change"], j["at"]))
    return sorted(out)


def test_spark_stateful_operator_gives_the_in_process_changes(spark: Any, tmp_path: Path) -> None:
    from segdsl.tools.live.spark import live_changes

    lines = customer_lines()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "part-0.jsonl").write_text("\n".join(lines) + "\n")
    name = "live_" + uuid.uuid4().hex[:8]
    changes = live_changes(spark.readStream.text(str(folder)), CORPUS, delay="3601 seconds")
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
    want = expected(lines)
    assert len(want) > 500
    # changes at instants with no event (time alone) came from Spark's event-time timeouts
    stamps = {json.loads(line).get("timestamp") for line in lines}
    assert sum(1 for x in got if x[3] not in stamps) > 50
    assert got == want
