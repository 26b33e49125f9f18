"""Live scores: what the segments on scores cost live, and what a refresh costs.

Usage: PYTHONPATH=src python benchmarks/live_scores.py [--sample 10]

On examples/retail (Europe/Berlin), every ``--sample``-th customer with all of their
events: the attributes applied, the clock set to 2025-01-01, the cut-offs refreshed
from SQL (the whole warehouse), then every later event replayed to 2026-06-30 — once
with the segments on scores left out (the live segments before scores were live) and
once with every segment, side by side (CPU seconds of this process). Then the refresh
alone (``refresh_cutoffs``: the rankings' members and one statement per score) on the
whole population at 2026-06-30, wall-clock.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "live")]

from replay import RETAIL, entity_updates, event_stream  # noqa: E402
from test_live_retail import tables  # noqa: E402

import segdsl  # noqa: E402
from segdsl.tools.live import LiveEvaluator  # noqa: E402
from segdsl.tools.live.cutoffs import refresh_cutoffs  # noqa: E402

START = dt.datetime(2025, 1, 1)
END = dt.datetime(2026, 6, 29, 22)  # 30 June 00:00 in Berlin


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=10)
    args = parser.parse_args()
    project = segdsl.load_project(RETAIL)
    data = tables(args.sample)
    events = event_stream(data, project.catalog)
    todo = [e for e in events if START < e[0] <= END]
    full = LiveEvaluator(project)
    on_scores = {p.name for p in full.plans if p.ranks and all(r < 0 for r in p.ranks)}
    without = [p.name for p in full.plans if p.name not in on_scores]
    print(
        f"examples/retail, every {args.sample}th customer ({len(data['customers'])}), "
        f"{len(todo)} events {START:%Y-%m-%d} … {END:%Y-%m-%d}; "
        f"{len(on_scores)} segments on scores"
    )
    for label, names in (("without the segments on scores", without), ("every segment", None)):
        live = LiveEvaluator(project, names)
        for entity, key, attrs in entity_updates(data, project.catalog):
            live.apply_attributes(key, attrs, entity)
        live.advance(START)
        refresh_cutoffs(live, START)
        t = time.process_time()
        for _, kind, key, stamp, fields, eid in todo:
            live.apply_event(kind, key, stamp, fields, eid)
        live.advance(END)
        cpu = time.process_time() - t
        print(
            f"  {label:32} {len(live.live_plans):3} segments: {cpu:6.2f} s CPU, "
            f"{len(todo) / cpu:8,.0f} events/s"
        )
    t = time.perf_counter()
    refresh_cutoffs(live, END)
    wall = time.perf_counter() - t
    print(
        f"  refresh at {END:%Y-%m-%d %H:%M} (whole warehouse, {len(live.ranks)} rankings, "
        f"{len(live.scores)} scores): {wall:.2f} s"
    )


if __name__ == "__main__":
    main()
