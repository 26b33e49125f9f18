"""The full retail replay (every customer, about 232,000 events) against DuckDB: a long
run kept out of pytest. Usage: PYTHONPATH=src python tests/live_retail_run.py"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parent / "live")]


from replay import RETAIL  # noqa: E402
from test_live_retail import replay_and_compare  # noqa: E402

if __name__ == "__main__":
    start = time.perf_counter()
    n = replay_and_compare(None, RETAIL)
    print(f"{n:,} memberships compared, 0 differences, {time.perf_counter() - start:.1f} s")
