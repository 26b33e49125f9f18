"""Live segments: throughput, latency and state size, side by side in one run.

Usage: PYTHONPATH=src python benchmarks/live.py [--events N]

On examples/retail (Europe/Berlin; 5,000 customers, 232,000 events over two years;
`segdsl check --live` says which segments are live-exact, with batch cut-offs, not
live), the first N events in time order:

- start-up: the attributes, then time starts just before the first event and every
  profile is evaluated once (timed apart: a service does it once, or --backfill does);
- in-process: ``LiveEvaluator.apply_event`` for each event (every segment kept up to
  date, time-only expiries included), events/s; the latency of applying each event,
  and of it together with time passing to its instant (the expiries of every profile
  due since the previous event);
- through ``segdsl stream``: the same events as JSON lines through a real process
  (the start-up, timed with the attributes and the first tick alone, is subtracted);
- state: every profile built by ``--backfill`` at 2026-06-30 (SQL), its compact JSON
  size in the state file;
- batch: one ``Project.evaluate`` of the same segments at 2026-06-30, and the backfill.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]
RETAIL = ROOT / "examples" / "retail"
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "live")]

from replay import entity_updates, event_stream  # noqa: E402
from stream_timing import plain, timed_stream  # noqa: E402

import segdsl  # noqa: E402
from segdsl.tools.live import LiveEvaluator  # noqa: E402
from segdsl.tools.live.backfill import backfill  # noqa: E402
from segdsl.tools.live.collector import hold_state  # noqa: E402
from segdsl.tools.live.persist import dump, profile_bytes  # noqa: E402

AS_OF = dt.datetime(2026, 6, 30)


def tables() -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name in ("customers", "orders", "events"):
        cur = duckdb.sql(f"SELECT * FROM read_parquet('{RETAIL / 'data' / name}.parquet')")
        out[name] = [dict(zip(cur.columns, row, strict=True)) for row in cur.fetchall()]
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=60_000)
    args = ap.parse_args()
    run(args, RETAIL)


def run(args: argparse.Namespace, root: Path) -> None:
    """On examples/retail, in its time zone (Europe/Berlin)."""
    project = segdsl.load_project(root)
    data = tables()
    updates = entity_updates(data, project.catalog)
    events = event_stream(data, project.catalog)[: args.events]
    live = LiveEvaluator(project)
    modes = [p.mode for p in live.plans]
    print(
        f"retail: {len(updates):,} customers, {len(events):,} events "
        f"({events[0][0]:%Y-%m-%d} … {events[-1][0]:%Y-%m-%d}), {len(modes)} segments "
        f"({modes.count('exact')} exact, {modes.count('batch cut-offs')} batch cut-offs, "
        f"{modes.count('not live')} not live)"
    )

    # 1. in-process. The attributes first, then time starts a microsecond before the
    # first event: every profile is evaluated once (timed on its own: a service does
    # it once, at start or through --backfill), then the events are applied.
    for entity, key, attrs in updates:
        live.apply_attributes(key, attrs, entity)
    start_at = events[0][0] - dt.timedelta(microseconds=1)
    t0 = time.perf_counter()
    first_changes = len(live.advance(start_at))
    first_eval = time.perf_counter() - t0
    hold_state()  # as `segdsl stream` and `serve` do once their state is loaded
    lat: list[float] = []  # applying the event itself
    tick: list[float] = []  # time passing to the event's instant (every profile's expiries)
    changes = 0
    # Latency is CPU time of this thread: on a shared machine wall-clock time also
    # counts the slices the scheduler gives to other processes (4 ms each here).
    clock = time.thread_time_ns
    wall: list[float] = []
    start = time.perf_counter()
    cpu_start = time.process_time()
    for instant, kind, key, stamp, fields, eid in events:
        t0 = clock()
        changes += len(live.advance(instant, inclusive=False))
        t1 = clock()
        w1 = time.perf_counter_ns()
        changes += len(live.apply_event(kind, key, stamp, fields, eid))
        wall.append((time.perf_counter_ns() - w1) / 1000)
        t2 = clock()
        tick.append((t1 - t0) / 1000)
        lat.append((t2 - t1) / 1000)
    in_process = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    both = [a + b for a, b in zip(lat, tick, strict=True)]
    rate = len(events) / in_process

    # 2. through `segdsl stream`
    with tempfile.TemporaryDirectory() as tmp:
        head = Path(tmp) / "attributes.jsonl"
        full = Path(tmp) / "all.jsonl"
        attr_lines = [
            json.dumps({"profile": k, "attributes": {a: plain(v) for a, v in attrs.items()}})
            for _, k, attrs in updates
        ]
        # the first evaluation of every profile belongs to the start-up in both runs
        attr_lines.append(json.dumps({"tick": plain(start_at)}))
        event_lines = []
        for _, kind, key, stamp, fields, eid in events:
            item = {"event": kind, "profile": key, "timestamp": plain(stamp), "id": eid}
            item["fields"] = {f: plain(v) for f, v in fields.items() if v is not None}
            event_lines.append(json.dumps(item))
        head.write_text("\n".join(attr_lines) + "\n")
        full.write_text("\n".join(attr_lines + event_lines) + "\n")

        base, base_cpu = timed_stream(root, head)
        whole, whole_cpu = timed_stream(root, full)
    stream_rate = len(events) / max(whole - base, 1e-9)
    stream_cpu_rate = len(events) / max(whole_cpu - base_cpu, 1e-9)

    # 3. state per profile, from a backfill at AS_OF
    filled = LiveEvaluator(project)
    t0 = time.perf_counter()
    backfill(filled, AS_OF)
    backfill_s = time.perf_counter() - t0
    sizes = [profile_bytes(filled, p) for p in filled.profiles.values()]
    total = len(json.dumps(dump(filled), separators=(",", ":")).encode())

    # 4. batch at AS_OF
    t0 = time.perf_counter()
    project.evaluate([p.name for p in live.plans if p.fn is not None], as_of=AS_OF)
    batch_s = time.perf_counter() - t0

    module = sys.modules["segdsl.tools.live.evaluator"].__file__ or ""
    rows = [
        ("build", "Python" if module.endswith(".py") else "compiled (mypyc)", ""),
        ("in-process events/s (wall clock)", f"{rate:,.0f}", "≥ 50,000"),
        ("in-process events/s (CPU time)", f"{len(events) / cpu:,.0f}", ""),
        ("segdsl stream events/s (wall clock)", f"{stream_rate:,.0f}", "≥ 20,000"),
        ("segdsl stream events/s (CPU time)", f"{stream_cpu_rate:,.0f}", ""),
        ("latency per event p50 (CPU)", f"{statistics.median(lat):,.0f} µs", ""),
        ("latency per event p99 (CPU)", f"{pct(lat, 99):,.0f} µs", "≤ 1,000 µs"),
        ("latency per event max (CPU)", f"{max(lat):,.0f} µs", ""),
        ("latency per event p99, wall clock", f"{pct(wall, 99):,.0f} µs", ""),
        ("… with time passing to it, p50", f"{statistics.median(both):,.0f} µs", ""),
        ("… with time passing to it, p99", f"{pct(both, 99):,.0f} µs", ""),
        ("… with time passing to it, max", f"{max(both):,.0f} µs", ""),
        ("changes reported", f"{changes:,}", ""),
        ("first evaluation of every profile", f"{first_eval:,.1f} s", ""),
        ("… memberships it reports", f"{first_changes:,}", ""),
        ("state per profile median", f"{statistics.median(sizes):,.0f} B", "< 2,048 B"),
        ("state per profile p90", f"{pct(sizes, 90):,.0f} B", ""),
        ("state per profile max", f"{max(sizes):,} B", ""),
        ("state file, all profiles", f"{total / 1e6:,.1f} MB", ""),
        ("backfill at 2026-06-30 (SQL)", f"{backfill_s:,.1f} s", ""),
        ("batch evaluate at 2026-06-30", f"{batch_s:,.1f} s", ""),
        ("stream start-up (5,000 attribute lines, a tick)", f"{base:,.1f} s", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':<{width}}  {'measured':>14}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>14}  {target}")


if __name__ == "__main__":
    main()
