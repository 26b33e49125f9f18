"""`segdsl eval` end to end against what it cannot avoid: the fused statement itself and
the start-up of a process.

    python benchmarks/eval_cli.py                          # 1M customers, 5M events, 50 segments
    python benchmarks/eval_cli.py --customers 100000 --events 1000000 --reps 5

Measured side by side, in one run, on the benchmark data of benchmarks/datagen.py (cached
in ~/.cache/segdsl-bench or $SEGDSL_BENCH_DATA) and the 50 segments of
benchmarks/workload.py:

  fused      the membership statement of the 50 segments on DuckDB (into a table, then
             counted): what run.py calls "fused", in-process, data connected beforehand
  start-up   `segdsl --version`: a fresh Python process that loads the CLI
  eval       `segdsl eval -p PROJECT --as-of … --format json`, a fresh process: load and
             resolve the project, connect the files, check the sources, evaluate, print
  ratio      eval / (fused + start-up); the target is at most 1.3

Also `eval --out members.parquet` (every member written) for comparison. The sizes
printed by `eval` are checked against the fused statement's before anything is printed.
Times are medians of --reps runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import datagen  # noqa: E402
import workload  # noqa: E402

AS_OF = datagen.AS_OF.strftime("%Y-%m-%dT%H:%M:%S")


def timed(reps: int, fn: Any) -> tuple[float, Any]:
    seconds: list[float] = []
    out = None
    for _ in range(reps):
        start = time.perf_counter()
        out = fn()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), out


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "segdsl", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )


def fused_sizes(project_dir: Path, names: list[str], reps: int) -> tuple[float, dict[str, int]]:
    import segdsl
    from segdsl.engines.sources import connect

    project = segdsl.load_project(project_dir)
    sql = project.compile_membership(names, as_of=AS_OF)
    con = connect(project.catalog, project.root)
    counts = ", ".join(f'count(*) FILTER (WHERE "{n}")' for n in names)

    def run() -> dict[str, int]:
        con.execute(f"CREATE OR REPLACE TEMP TABLE membership AS {sql}")
        row = con.execute(f"SELECT {counts} FROM membership").fetchone()
        assert row is not None
        return {n: int(v) for n, v in zip(names, row, strict=True)}

    try:
        return timed(reps, run)
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--segments", type=int, default=50)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--data", type=Path, default=datagen.DEFAULT_DATA)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    ns = parser.parse_args(argv)

    ds = datagen.ensure(ns.data, ns.customers, ns.events)
    segs = workload.workload(ns.segments)
    names = [s.name for s in segs]
    with tempfile.TemporaryDirectory(prefix="segdsl-eval-cli.") as tmp:
        project_dir = workload.write_project(ds, Path(tmp) / "project", segs)
        out_file = Path(tmp) / "members.parquet"

        fused_s, expected = fused_sizes(project_dir, names, ns.reps)
        startup_s, _ = timed(ns.reps, lambda: cli("--version"))
        eval_args = ("eval", "-p", str(project_dir), "--as-of", AS_OF, "--format", "json")
        eval_s, proc = timed(ns.reps, lambda: cli(*eval_args))
        got = {s["name"]: s["members"] for s in json.loads(proc.stdout)["segments"]}
        if got != expected:
            bad = {n: (expected[n], got.get(n)) for n in names if expected[n] != got.get(n)}
            print(f"segdsl eval disagrees with the fused statement: {bad}", file=sys.stderr)
            return 1
        out_s, _ = timed(ns.reps, lambda: cli(*eval_args, "--out", str(out_file)))

    ratio = eval_s / (fused_s + startup_s)
    print(
        f"segdsl eval, {ns.customers:,} customers, {ns.events:,} events, "
        f"{len(names)} segments (median of {ns.reps})"
    )
    print(f"  fused statement (in-process)       {fused_s:8.3f} s")
    print(f"  process start-up (--version)       {startup_s:8.3f} s")
    print(f"  eval end to end (sizes)            {eval_s:8.3f} s")
    print(
        f"  eval / (fused + start-up)          {ratio:8.2f} x   (target <= 1.3: "
        f"{'met' if ratio <= 1.3 else 'NOT met'})"
    )
    print(f"  eval --out members.parquet         {out_s:8.3f} s")
    if ns.json:
        print(
            json.dumps(
                {
                    "customers": ns.customers,
                    "events": ns.events,
                    "segments": len(names),
                    "fused_s": round(fused_s, 3),
                    "startup_s": round(startup_s, 3),
                    "eval_s": round(eval_s, 3),
                    "ratio": round(ratio, 3),
                    "eval_out_parquet_s": round(out_s, 3),
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
