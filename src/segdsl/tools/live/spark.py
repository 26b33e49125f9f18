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

Rankings and scores read cut-offs (cutoffs.py, scores.py): ``cutoffs`` is the value
:meth:`LiveEvaluator.set_cutoffs` takes (:func:`cutoffs_at` on the driver, or an
evaluator's ``cutoffs`` after ``refresh_cutoffs``). It travels to the executors as JSON
text in the operator's closure and is set on each profile's evaluator before its input
is applied; a profile's Spark state keeps only the version of the cut-offs it was last
evaluated with (a hash), not the cut-offs. A profile whose state has another version (the
query restarted with new cut-offs) is re-evaluated with the new ones at its own clock
the next time it is called, and the differences are reported then, at that instant.

>>> cutoffs = cutoffs_at(segdsl.load_project("examples/retail"), dt.datetime(2026, 6, 30))
>>> changes = live_changes(spark.readStream.text("in/"), "examples/retail", cutoffs=cutoffs)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segdsl.project import Project
from segdsl.tools.live.evaluator import LiveEvaluator
from segdsl.tools.live.persist import cutoffs_from_json, cutoffs_json, dump, load
from segdsl.tools.live.protocol import apply, change_json, parse_json

if TYPE_CHECKING:
    from segdsl.engines.base import Session

OUTPUT_SCHEMA = "profile STRING, segment STRING, change STRING, at STRING"
STATE_SCHEMA = "state STRING"
EPOCH = dt.datetime(1970, 1, 1)
NO_CUTOFFS = "{}"


@cache
def _project(path: str) -> Any:
    import segdsl

    return segdsl.load_project(path)


def _evaluator(path: str) -> LiveEvaluator:
    return LiveEvaluator(_project(path))


def cutoffs_at(
    project: str | Path | Project,
    as_of: dt.datetime,
    engine: str | None = None,
    session: Session | None = None,
) -> dict[int, dict[Any, Any]]:
    """The rankings' cut-offs and the scores' thresholds at ``as_of``, without a
    running evaluator (on Spark's driver): every profile is built from the
    warehouse with SQL into a throwaway evaluator (``backfill``: a ranking's cut-off is
    its batch members' least X as live evaluation reads it), which then refreshes. The
    value :meth:`LiveEvaluator.set_cutoffs` takes; empty when no live segment needs one."""
    from segdsl.tools.live.backfill import backfill

    found = project if isinstance(project, Project) else _project(str(Path(project).resolve()))
    live = LiveEvaluator(found)
    if not live.ranks and not live.scores:
        return {}
    backfill(live, as_of, engine, session)
    return live.cutoffs


def _ms(t: dt.datetime) -> int:
    return int((t - EPOCH).total_seconds() * 1000)


def cutoffs_text(cutoffs: dict[int, dict[Any, Any]] | None) -> str:
    """Cut-offs as the compact JSON text that travels to the executors."""
    return json.dumps(cutoffs_json(cutoffs or {}), separators=(",", ":"), ensure_ascii=False)


@cache
def _cutoffs(text: str) -> tuple[str, dict[int, dict[Any, Any]]]:
    """The version (a hash of the text) and the cut-offs, read once per worker."""
    version = hashlib.sha256(text.encode()).hexdigest()[:16]
    return version, cutoffs_from_json(json.loads(text, parse_float=Decimal))


def step(
    path: str,
    lines: list[str],
    state_text: str | None,
    watermark: dt.datetime | None,
    cutoffs: str = NO_CUTOFFS,
) -> tuple[list[dict[str, Any]], str, dt.datetime | None]:
    """One call of the stateful operator for one profile: its new lines (or none, on a
    timeout at ``watermark``) over its state, with ``cutoffs`` (:func:`cutoffs_text`)
    → (changes, new state, next wake)."""
    live = _evaluator(path)
    version, table = _cutoffs(cutoffs)
    changes = []
    if state_text:
        data = json.loads(state_text)
        load(live, data)
        if data.get("cutoffs_version") == version:
            live.cutoffs = table
        else:  # written with other cut-offs (or before there were any): re-evaluate
            changes += live.set_cutoffs(table)
    else:
        live.cutoffs = table
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
    state = dump(live)
    # the cut-offs come with the closure: the state names their version only
    state["cutoffs"] = {}
    state["cutoffs_version"] = version
    return [change_json(live, c) for c in changes], json.dumps(state), wake


def live_changes(
    lines: Any,
    project: str | Path,
    delay: str = "1 hour",
    cutoffs: dict[int, dict[Any, Any]] | None = None,
) -> Any:
    """A streaming DataFrame of changes (profile, segment, change, at) from a streaming
    DataFrame of input lines (a ``value`` column, as ``spark.readStream.text`` gives).
    ``cutoffs``: the rankings' cut-offs and the scores' thresholds
    (:func:`segdsl.tools.live.cutoffs.cutoffs_at`); without them a ranking is false and
    a score missing."""
    import pandas as pd  # type: ignore[import-untyped]
    from pyspark.sql import functions as F
    from pyspark.sql.streaming.state import GroupStateTimeout

    path = str(Path(project).resolve())
    shipped = cutoffs_text(cutoffs)  # small JSON text, captured by the closure

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
        changes, new, wake = step(path, found, old, watermark, shipped)
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
