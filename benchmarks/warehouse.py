"""Timings of `segdsl export dbt` and `segdsl sync` on examples/retail (5,000 customers,
83 segments), side by side with `eval` of the same segments, in process (no interpreter
start-up): the median of N runs, each on a fresh copy of the project.

    python benchmarks/warehouse.py --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import segdsl
from segdsl.tools.warehouse import export_dbt, sync

RETAIL = Path(__file__).resolve().parents[1] / "examples" / "retail"
T1, T2 = "2026-05-31", "2026-06-30"


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def one_run(work: Path) -> dict[str, tuple[float, str]]:
    root = work / "retail"
    shutil.copytree(RETAIL, root, ignore=shutil.ignore_patterns(".segdsl"))
    project = segdsl.load_project(root)
    out: dict[str, tuple[float, str]] = {}
    t, _ = _timed(lambda: project.evaluate(None, T2))
    out["eval, every segment"] = (t, "")
    t, r1 = _timed(lambda: sync(project, as_of=T1))
    out["sync, first (T1)"] = (t, f"{r1.rows_changed:,} rows written")  # type: ignore[attr-defined]
    t, r2 = _timed(lambda: sync(project, as_of=T2, changes=work / "changes.csv"))
    out["sync, next (T2) + feed"] = (t, f"{r2.rows_changed:,} rows changed")  # type: ignore[attr-defined]
    t, r3 = _timed(lambda: sync(project, as_of=T2))
    out["sync, rerun (T2)"] = (t, f"{r3.rows_changed:,} rows changed")  # type: ignore[attr-defined]
    dbt = work / "dbt"
    dbt.mkdir()
    t, _ = _timed(lambda: export_dbt(project, dbt))
    out["export dbt (duckdb)"] = (t, "4 files")
    t, _ = _timed(lambda: export_dbt(project, dbt))
    out["export dbt, rerun"] = (t, "unchanged")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(one_run(Path(tmp)))
    print(f"{'step':<26} {'median s':>9} {'best s':>8}  note")
    for step in runs[0]:
        times = [r[step][0] for r in runs]
        print(f"{step:<26} {statistics.median(times):>9.2f} {min(times):>8.2f}  {runs[0][step][1]}")


if __name__ == "__main__":
    main()
