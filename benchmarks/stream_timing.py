"""What the live benchmarks share: values as the stream protocol's JSON writes them, and
one timed run of a real `segdsl stream` process (wall clock and CPU time)."""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def plain(v: Any) -> Any:
    """A value as the stream protocol's JSON writes it (times with a Z, decimals and
    fractions as numbers)."""
    if isinstance(v, dt.datetime):
        return v.isoformat() + "Z"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return [plain(x) for x in v]
    if hasattr(v, "as_integer_ratio") and not isinstance(v, int | float):
        return float(v)
    return v


def timed_stream(project: Path, lines: Path) -> tuple[float, float]:
    """Wall-clock and CPU time (user + system) of `segdsl stream -p project < lines`."""
    cmd = [sys.executable, "-m", "segdsl", "stream", "-p", str(project)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with lines.open("rb") as stdin:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, env=env, check=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
