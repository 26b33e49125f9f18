"""Benchmark of `segdsl suggest`: the whole command on a million customers.

    python benchmarks/suggest.py [--customers 1000000] [--events 5000000] [--runs 1]

The data is the benchmark suite's synthetic retail set (benchmarks/datagen.py, DuckDB
SQL into Parquet, generated once and reused). Five features per customer — two
attributes and three aggregates over the orders and web events — are computed by
DuckDB in one pass; a sample of 100,000 comes into Python. Each scenario runs the whole
command as a fresh process (`python -m segdsl suggest …`) and prints its wall time
beside the target (under a minute), then the same run in-process split into phases.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from datagen import AS_OF, DEFAULT_DATA, ensure  # noqa: E402
from workload import catalog_toml  # noqa: E402

FEATURES = (
    "age,income,"
    "orders_365d=count(purchase in last 365 days),"
    "spend_365d=sum(purchase.amount in last 365 days),"
    "views_30d=count(page_view in last 30 days)"
)
TARGET_S = 60.0
SCENARIOS = [
    ("k = 5", ["--k", "5"]),
    ("k = 5, 10 leaves", ["--k", "5", "--leaves", "10"]),
    ("k = auto (silhouette, 2-8)", ["--k", "auto"]),
    ("rfm", ["--rfm"]),
]


def _phases(project: Path) -> list[tuple[str, float]]:
    """The k = 5 run in-process, timed per phase."""
    import segdsl
    from segdsl.tools.suggest import imm, kmeans
    from segdsl.tools.suggest.features import draw_sample, resolve_features, split_features

    out: list[tuple[str, float]] = []
    t = time.perf_counter()
    p = segdsl.load_project(project)
    feats = resolve_features(p, split_features(FEATURES), "customer")
    out.append(("load project, resolve features", time.perf_counter() - t))
    t = time.perf_counter()
    sample = draw_sample(p, feats, "customer", AS_OF, 100_000, 0, None)
    out.append((f"features in SQL, sample of {len(sample.x):,}", time.perf_counter() - t))
    t = time.perf_counter()
    std = kmeans.standardise(sample.x)
    c = kmeans.cluster(std.z, 5, 0)
    out.append(("k-means (k = 5)", time.perf_counter() - t))
    t = time.perf_counter()
    imm.imm(std.z, c.centers, c.labels)
    out.append(("IMM tree", time.perf_counter() - t))
    t = time.perf_counter()
    kmeans.cluster(std.z, None, 0)
    out.append(("k = auto: silhouettes of k = 2-8 and k-means", time.perf_counter() - t))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--events", type=int, default=5_000_000)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    ds = ensure(args.data, args.customers, args.events)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        project.mkdir()
        (project / "segdsl.toml").write_text(catalog_toml(ds))
        print(f"segdsl suggest on {args.customers:,} customers, {args.events:,} events")
        print(f"{'scenario':<28}  {'wall s':>7}  {'target s':>8}  result")
        for label, extra in SCENARIOS:
            cmd = [sys.executable, "-m", "segdsl", "suggest", "-p", str(project)]
            cmd += ["--as-of", AS_OF.date().isoformat(), "--out", str(Path(tmp) / "out.seg")]
            if "--rfm" not in extra:
                cmd += ["--features", FEATURES]
            t = time.perf_counter()
            done = subprocess.run([*cmd, *extra], capture_output=True, text=True, check=False)
            wall = time.perf_counter() - t
            ok = done.returncode == 0 and wall < TARGET_S
            print(f"{label:<28}  {wall:>7.1f}  {TARGET_S:>8.0f}  {'met' if ok else 'NOT met'}")
            if done.returncode != 0:
                print(done.stderr.strip()[:2000])
        print("\nphases of the k = 5 run, in-process")
        for name, secs in _phases(project):
            print(f"  {name:<40} {secs:>6.1f} s")


if __name__ == "__main__":
    main()
