"""How fast `segdsl studio` answers while one types: a real server on a copy of
examples/retail, timed through HTTP.

    PYTHONPATH=src python benchmarks/studio_latency.py [--checks 20] [--evaluations 5]

Prints the median and slowest time of /api/check (parse, resolve, lint and compile the
project with the edited text) and /api/evaluate (size, waterfall, overlap with every
segment, sample) on high_value.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def call(url: str, path: str, body: object = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        url + path, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=120) as res:
        return json.loads(res.read())


def timed(fn: object, n: int) -> list[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)  # type: ignore[operator]
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checks", type=int, default=20)
    ap.add_argument("--evaluations", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "retail"
        shutil.copytree(
            REPO / "examples" / "retail",
            root,
            ignore=shutil.ignore_patterns("*.duckdb", ".segdsl", "out"),
        )
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "segdsl",
                "studio",
                "-p",
                str(root),
                "--port",
                "0",
                "--no-browser",
            ],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().split()[2].rstrip("/")
            text = (root / "value.seg").read_text(encoding="utf-8")
            body = {
                "path": "value.seg",
                "text": text,
                "segment": "high_value",
                "as_of": "2026-06-30",
            }
            call(url, "/api/project")
            checks = timed(lambda i: call(url, "/api/check", body), args.checks)
            evals = timed(
                lambda i: call(url, "/api/evaluate", {**body, "channel": "b", "seq": i + 1}),
                args.evaluations,
            )
        finally:
            proc.terminate()
            proc.wait()
    print(f"{'request':<16}{'runs':>6}{'median ms':>12}{'slowest ms':>12}")
    for name, ts in (("/api/check", checks), ("/api/evaluate", evals)):
        print(f"{name:<16}{len(ts):>6}{statistics.median(ts) * 1000:>12.0f}{max(ts) * 1000:>12.0f}")


if __name__ == "__main__":
    main()
