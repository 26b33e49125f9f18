"""The live evaluator of two commits side by side, in one run, on the same work.

Usage: PYTHONPATH=src python benchmarks/live_versions.py --against REV [--events N] [--reps R]

Checks REV out into a temporary git worktree and replays, with each tree's own
``segdsl.tools.live`` (a fresh Python process per run, so each imports its own code),
the first N events of examples/retail (of REV: the project both know) in time order
through ``LiveEvaluator`` — the attributes, a first evaluation of every profile (not
timed), then ``advance`` + ``apply_event`` per event — for the segments that both trees
evaluate live. The runs alternate (REV, this tree, REV, …) so that a busy machine
slows both alike; it prints each run's events per CPU second, the medians, their ratio,
and checks that both report the same number of changes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# One run, in a child process: argv = tree, project, events, names file (or "-"), "save"?
CHILD = r"""
import datetime, json, sys, time
tree, project_dir, count, names_file, save = sys.argv[1:6]
sys.path[:0] = [tree + "/src", tree + "/tests/live"]
import duckdb
import segdsl
from segdsl.tools.live import LiveEvaluator
from replay import entity_updates, event_stream

project = segdsl.load_project(project_dir)
data = {}
for name in ("customers", "orders", "events"):
    cur = duckdb.sql(f"SELECT * FROM read_parquet('{project_dir}/data/{name}.parquet')")
    data[name] = [dict(zip(cur.columns, row)) for row in cur.fetchall()]
updates = entity_updates(data, project.catalog)
events = event_stream(data, project.catalog)[: int(count)]
names = None if save == "save" else json.load(open(names_file))
live = LiveEvaluator(project, names)
if save == "save":
    json.dump([p.name for p in live.plans if p.fn is not None], open(names_file, "w"))
for entity, key, attrs in updates:
    live.apply_attributes(key, attrs, entity)
live.advance(events[0][0] - datetime.timedelta(microseconds=1))
changes = 0
t0 = time.process_time()
for instant, kind, key, stamp, fields, eid in events:
    changes += len(live.advance(instant, inclusive=False))
    changes += len(live.apply_event(kind, key, stamp, fields, eid))
cpu = time.process_time() - t0
print(json.dumps({"segments": sum(1 for p in live.plans if p.fn is not None),
                  "changes": changes, "rate": len(events) / cpu}))
"""


def run(tree: Path, project: Path, events: int, names: Path, save: bool = False) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(tree),
            str(project),
            str(events),
            str(names),
            "save" if save else "use",
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.exit(f"a run in {tree} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", required=True, help="the commit to compare with")
    ap.add_argument("--events", type=int, default=40_000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old), args.against],
            check=True,
        )
        try:
            project = old / "examples" / "retail"
            names = Path(tmp) / "names.json"
            # the segments the old tree evaluates live; this tree evaluates them all
            run(old, project, 10, names, save=True)
            rates: dict[str, list[float]] = {"old": [], "new": []}
            changes: dict[str, set[int]] = {"old": set(), "new": set()}
            segments = 0
            for rep in range(args.reps):
                for label, tree in (("old", old), ("new", ROOT)):
                    r = run(tree, project, args.events, names)
                    rates[label].append(r["rate"])
                    changes[label].add(r["changes"])
                    segments = r["segments"]
                    print(f"run {rep + 1} {label:>3}: {r['rate']:>8,.0f} events per CPU second")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)])
    o, n = statistics.median(rates["old"]), statistics.median(rates["new"])
    print(f"\n{args.events:,} events of examples/retail ({args.against}), {segments} live segments")
    print(f"{'':<28}{args.against[:12]:>14}{'this tree':>14}{'ratio':>8}")
    print(f"{'events per CPU second':<28}{o:>14,.0f}{n:>14,.0f}{n / o:>8.2f}")
    same = changes["old"] == changes["new"] and len(changes["old"]) == 1
    print(
        f"{'changes reported':<28}{min(changes['old']):>14,}{min(changes['new']):>14,}"
        f"{'  same' if same else '  DIFFERENT'}"
    )
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
