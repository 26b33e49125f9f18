"""Live segments inside Spark Structured Streaming's stateful operator.

The evaluator is a pure function of (state, input), so it runs per profile in
``applyInPandasWithState``: the input lines (the stream protocol) are grouped by profile,
each group's state is the profile's live state as JSON (docs/live.md, "State"), and
time alone is Spark's event-time timeout: the state asks to be called again at the
profile's next change instant, and when the watermark passes it the profile is advanced
to the watermark (each change still reported at its own instant).

>>> changes = live_changes(spark.readStream.text("in/"), "examples/retail")
>>> changes.writeStream.format("parquet").option("path", "out/").start()

Lines of the default entity only; ticks are Spark's watermark (``delay`` behind the
latest event time seen), not input lines.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from segdsl.tools.live.evaluator import LiveEvaluator
from segdsl.tools.live.persist import dump, load
from segdsl.tools.live.protocol import apply, change_json, parse_json

OUTPUT_SCHEMA = "profile STRING, segment STRING, change STRING, at STRING"
STATE_SCHEMA = "state STRING"
EPOCH = dt.datetime(1970, 1, 1)


@cache
def _project(path: str) -> Any:
    import segdsl

    return segdsl.load_project(path)


def _evaluator(path: str) -> LiveEvaluator:
    return LiveEvaluator(_project(path))


def _ms(t: dt.datetime) -> int:
    return int((t - EPOCH).total_seconds() * 1000)


def step(
    path: str, lines: list[str], state_text: str | None, watermark: dt.datetime | None
) -> tuple[list[dict[str, Any]], str, dt.datetime | None]:
    """One call of the stateful operator for one profile: its new lines (or none, on a
    timeout at ``watermark``) over its state → (changes, new state, next wake)."""
    live = _evaluator(path)
    if state_text:
        load(live, json.loads(state_text))
    changes = []
    if lines:
        items = [parse_json(line) for line in lines]
        items.sort(key=lambda item: (item.get("timestamp") is not None, str(item.get("timestamp"))))
        for item in items:
            changes += apply(live, item)
    elif watermark is not None:
        changes += live.advance(watermark)
    wake = None
    for p in live.profiles.values():
        w = p.wake()
        if w is not None and (wake is None or w < wake):
            wake = w
    live.compact()
    return [change_json(live, c) for c in changes], json.dumps(dump(live)), wake


def live_changes(lines: Any, project: str | Path, delay: str = "1 hour") -> Any:
    """A streaming DataFrame of changes (profile, segment, change, at) from a streaming
    DataFrame of input lines (a ``value`` column, as ``spark.readStream.text`` gives)."""
    import pandas as pd  # type: ignore[import-untyped]
    from pyspark.sql import functions as F
    from pyspark.sql.streaming.state import GroupStateTimeout

    path = str(Path(project).resolve())

    def run(
        key: tuple[Any, ...], frames: Iterator[pd.DataFrame], state: Any
    ) -> Iterator[pd.DataFrame]:
        watermark = None
        if state.hasTimedOut:
            watermark = EPOCH + dt.timedelta(milliseconds=int(state.getCurrentWatermarkMs()))
            found: list[str] = []
        else:
            found = [line for frame in frames for line in frame["value"].tolist()]
        old = state.get[0] if state.exists else None
        changes, new, wake = step(path, found, old, watermark)
        state.update((new,))
        floor = int(state.getCurrentWatermarkMs()) + 1
        if wake is not None:
            state.setTimeoutTimestamp(max(_ms(wake), floor))
        elif (
            json.loads(new)["clock"] is None
        ):  # attributes only: evaluated when the watermark moves
            state.setTimeoutTimestamp(floor)
        yield pd.DataFrame(
            [
                {
                    "profile": str(c["profile"]),
                    "segment": c["segment"],
                    "change": c["change"],
                    "at": c["at"],
                }
                for c in changes
            ],
            columns=["profile", "segment", "change", "at"],
        )

    keyed = (
        lines.withColumn("profile", F.get_json_object("value", "$.profile"))
        .withColumn("event_time", F.to_timestamp(F.get_json_object("value", "$.timestamp")))
        .where(F.col("profile").isNotNull())
        .withWatermark("event_time", delay)
    )
    return keyed.groupBy("profile").applyInPandasWithState(
        run, OUTPUT_SCHEMA, STATE_SCHEMA, "append", GroupStateTimeout.EventTimeTimeout
    )
