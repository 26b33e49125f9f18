"""benchmarks/live_replay.py at the tiny scale, as a smoke test: no time is asserted,
only that the replay of the benchmark data set runs and agrees with the batch
evaluation (live-exact segments, and rankings right after a cut-off refresh) at the
replay's end and at the instants after it."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def test_live_replay_of_the_benchmark_data_agrees_with_the_batch(tmp_path: Path) -> None:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    live_replay = importlib.import_module("live_replay")
    out = tmp_path / "live_replay.json"
    status = live_replay.main(
        [
            "--scale",
            "tiny",
            "--limit",
            "6000",
            "--data",
            str(tmp_path),
            "--reps",
            "1",
            "--sample",
            "200",
            "--json",
            str(out),
            "--stream",
            "300",
        ]
    )
    res = json.loads(out.read_text())
    assert status == 0
    assert res["replay"]["events"] == res["params"]["events_replayed"] >= 6000
    assert len(res["parity"]) == len(live_replay.AFTER)
    for check in res["parity"]:
        assert check["exact"]["differences"] == 0, check
        assert check["cutoffs"]["differences"] == 0, check
        assert check["exact"]["members"] > 0
    assert len(res["segments"]["exact"]) == 45
    assert res["stream"]["events"] == 300 and res["stream"]["events_per_s"] > 0
