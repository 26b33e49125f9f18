"""Cold start of the CLI: wall time of `segdsl check`, `lint` and `fmt --check` on the
retail example, each a fresh process, and which heavy modules each one imports.

    python benchmarks/cold_start.py [--runs 7]

Prints the median and best of N runs per command. `benchmarks/run.py` calls `measure`
for its scenario 5; the figures go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "retail"
COMMANDS = {
    "check": ["check", "-p", str(EXAMPLE)],
    "lint": ["lint", "-p", str(EXAMPLE)],
    "fmt --check": ["fmt", "--check", str(EXAMPLE)],
    "compile (snowflake)": [
        "compile",
        "young_frequent_buyers",
        "-p",
        str(EXAMPLE),
        "-d",
        "snowflake",
        "--as-of",
        "2026-06-30",
    ],
}
HEAVY = ("duckdb", "sqlglot", "pydantic", "rich")

PROBE = """
import sys, runpy
sys.argv = ["segdsl", *{args!r}]
try:
    runpy.run_module("segdsl", run_name="__main__")
except SystemExit:
    pass
print("LOADED", *sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})), file=sys.stderr)
"""


def run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "segdsl", *args],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def loaded(args: list[str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
        check=False,
        capture_output=True,
        text=True,
    )
    for line in out.stderr.splitlines():
        if line.startswith("LOADED"):
            return " ".join(line.split()[1:]) or "-"
    return "?"


def measure(runs: int, names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Median and best wall time of `runs` fresh processes per command, and the heavy
    modules each loads; `--version` first, as the floor of Python + typer."""
    out: dict[str, dict[str, Any]] = {}
    baseline = [run(["--version"]) for _ in range(runs)]
    out["--version"] = {"median_s": statistics.median(baseline), "best_s": min(baseline)}
    for name, args in COMMANDS.items():
        if names is not None and name not in names:
            continue
        times = [run(args) for _ in range(runs)]
        out[name] = {
            "median_s": statistics.median(times),
            "best_s": min(times),
            "loaded": loaded(args),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    ns = parser.parse_args()
    print(f"{'command':<22} {'median s':>9} {'best s':>8}  heavy modules loaded")
    for name, r in measure(ns.runs).items():
        print(f"{name:<22} {r['median_s']:>9.3f} {r['best_s']:>8.3f}  {r.get('loaded', '')}")


if __name__ == "__main__":
    main()
