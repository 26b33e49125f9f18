"""The benchmark suite (benchmarks/run.py) at a tiny scale, as a smoke test.

No timing is asserted. What is asserted is what makes the figures worth reading: every
scenario runs, and for every segment the five ways of computing it (segdsl fused, one
statement per segment, Project.evaluate, the hand-written SQL floor, pandas) and the
hand-written single-segment queries give the same members (count and key sum). The
hand-written SQL and the pandas code are written independently of segdsl's compiler
(benchmarks/workload.py), so they are oracles for it on ~40,000 generated events.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _require(module: str) -> None:
    try:
        importlib.import_module(module)
    except ImportError:
        if os.environ.get("SEGDSL_REQUIRE_ENGINES"):
            raise
        pytest.skip(f"{module} is not installed (pip install -e '.[bench]')")


def _bench(name: str) -> Any:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any]]:
    _require("pandas")
    _require("pyarrow")
    run = _bench("run")
    out = tmp_path_factory.mktemp("bench")
    status = run.main(
        [
            "--scale", "tiny", "--inline", "--no-chart", "--data", str(out),
            "--cold-runs", "0", "--compile-n", "60", "--reps", "1",
            "--json", str(out / "results.json"),
        ]
    )  # fmt: skip
    return status, json.loads((out / "results.json").read_text())


def test_every_method_agrees(suite: tuple[int, dict[str, Any]]) -> None:
    status, res = suite
    assert res["agreement"].startswith("every method"), res["agreement"]
    assert status == 0
    fused = res["fused"]["members"]
    assert len(fused) == 50
    for method in ("evaluate", "one_by_one", "floor", "pandas"):
        assert res[method]["members"] == fused, method
    for name, single in res["single"]["segments"].items():
        assert single["members"] == fused[name], name


def test_every_scenario_ran(suite: tuple[int, dict[str, Any]]) -> None:
    _, res = suite
    assert set(res["single"]["segments"]) == set(_bench("workload").HANDWRITTEN)
    assert res["compile"]["segments"] == 60
    assert res["compile"]["sql_chars"] > 0
    assert [r["events"] for r in res["scaling_events"]] == [2_000, 10_000, 40_000]
    assert [r["segments"] for r in res["scaling_segments"]] == [1, 10, 50, 200]
    assert {t["id"] for t in res["targets"]} >= {"1", "2a", "2b", "3", "4", "5a", "6a"}


def test_the_segments_are_not_trivial(suite: tuple[int, dict[str, Any]]) -> None:
    """A segment with no members, or with everyone, would agree by accident."""
    _, res = suite
    sizes = res["fused"]["members"]
    customers = res["params"]["customers"]
    proper = [n for n, m in sizes.items() if 0 < m < customers]
    assert len(proper) == len(sizes), sorted(set(sizes) - set(proper))


def test_a_disagreement_is_caught() -> None:
    run = _bench("run")
    run.agree("x", {"a": [3, 10]}, {"a": [3, 10]})
    with pytest.raises(run.Disagreement, match="a: fused"):
        run.agree("x", {"a": [3, 10]}, {"a": [3, 11]})
    with pytest.raises(run.Disagreement):
        run.agree("x", {"a": [3, 10]}, {})


def test_the_data_is_deterministic(tmp_path: Path) -> None:
    import duckdb

    datagen = _bench("datagen")
    digests = []
    for folder in ("a", "b"):
        ds = datagen.ensure(tmp_path / folder, 300, 3_000, quiet=True)
        con = duckdb.connect()
        digest = []
        for table in ("customers", "orders", "events"):
            path = datagen.sql_string(str(ds.file(table)))
            digest.append(
                con.sql(f"SELECT count(*), sum(hash(t)) FROM read_parquet({path}) AS t").fetchall()
            )
        digests.append(digest)
    assert digests[0] == digests[1]
    assert digests[0][1][0][0] == round(3_000 * datagen.ORDER_SHARE)


def test_a_measurement_in_its_own_process_reports_peak_memory(
    suite: tuple[int, dict[str, Any]],
) -> None:
    _, res = suite
    run = _bench("run")
    workload = _bench("workload")
    result = run.Runner(inline=False)(
        {
            "kind": "floor",
            "project": str(Path(res["dataset"]["root"]) / "project"),
            "segments": [s.name for s in workload.SEGMENTS[:5]],
            "reps": 1,
        }
    )
    assert result["peak_rss_mib"] > 10
    assert len(result["cpu_seconds"]) == 1
    assert {k: v[0] for k, v in result["sizes"].items()} == {
        k: v for k, v in res["fused"]["members"].items() if k in result["sizes"]
    }
