"""The benchmark data set replayed live, against the batch statement (issue 15, item 7).

    python benchmarks/live_replay.py --scale small --limit 200000
    python benchmarks/live_replay.py --scale small               # every event (2M)
    python benchmarks/live_replay.py                             # 20M events: hours

It ensures the data set of ``benchmarks/run.py`` (datagen.py; cached in --data), writes
the workload project (workload.py) and takes its 50 segments. It reports how many are
live-exact, use batch cut-offs or are not live (and why), then:

1. **replay**: every customer's attributes (``apply_attributes``), then every event of
   every event kind of the catalog, in time order, through ``LiveEvaluator.apply_event``
   (after ``advance`` to the event's instant, as benchmarks/live.py does; after the
   attributes, ``collector.hold_state()`` as `segdsl stream` does). Rows stream
   from DuckDB in ordered chunks (``fetchmany``), one cursor per kind merged by time.
   With ``--limit N`` only the events up to the N-th one's instant T are replayed
   (every event stamped at T included); without it, every event up to the data set's
   as-of instant (2026-06-30; the 0.5% stamped later are not replayed).
2. **parity**: the replayed events are written to their own Parquet files (a prefix of
   the data set) and a project over them is evaluated in batch (``Project.evaluate``) at
   T and at instants after it (time alone expires windows), the live evaluator advanced
   to each: for every live-exact segment, the customers it has that the batch does not
   and the other way round. Any difference is a bug (exit status 1).
3. **the batch statement**: the fused evaluation of the 50 segments over the whole data
   set at the as-of instant, timed as benchmarks/run.py's "fused" figure is
   (worker.fused: one membership statement into a table, median of --reps), beside the
   replay's time (projected to every event when --limit cut it short).

Profiles that only events know (0.1% of the events belong to deleted accounts) are live
profiles with every attribute missing; batch evaluation does not know them, so they are
counted apart and not compared (docs/live.md, "Profiles").
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import itertools
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "src")]

import datagen  # noqa: E402
import worker  # noqa: E402
import workload  # noqa: E402
from stream_timing import plain, timed_stream  # noqa: E402

import segdsl  # noqa: E402
from segdsl.engines.sources import connect, connect_engine  # noqa: E402
from segdsl.tools.live import LiveEvaluator  # noqa: E402
from segdsl.tools.live.collector import hold_state  # noqa: E402
from segdsl.tools.live.cutoffs import refresh_cutoffs  # noqa: E402
from segdsl.tools.live.persist import profile_bytes  # noqa: E402

SCALES = {
    "tiny": (2_000, 40_000),
    "small": (100_000, 2_000_000),
    "default": (1_000_000, 20_000_000),
}
CHUNK = 10_000  # rows fetched from DuckDB at a time, per event kind
AFTER = (0, 1, 30, 91, 400)  # days after the replay's end at which parity is checked
Event = tuple[dt.datetime, str, int, Any, dict[str, Any], str]


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Kind:
    """The SQL that reads one event kind's rows (key, time, fields, row id) up to T."""

    def __init__(self, project: Any, kind: str) -> None:
        ev = project.catalog.events[kind]
        self.kind = kind
        self.table = ev.source.table
        # the file itself, for a stable row number (the event id)
        path = Path(project.root, ev.source.path) if ev.source.path else None
        self.source = (
            f"read_parquet({datagen.sql_string(str(path))}, file_row_number = true)"
            if path is not None
            else f"(SELECT *, row_number() OVER () - 1 AS file_row_number FROM {quoted(self.table)})"
        )
        self.fields = list(ev.fields)
        cols = [quoted(ev.key), quoted(ev.timestamp)] + [
            quoted(c.column) for c in ev.fields.values()
        ]
        self.select = ", ".join(cols)
        where = [f"{quoted(ev.key)} IS NOT NULL", f"{quoted(ev.timestamp)} IS NOT NULL"]
        if ev.kind is not None:
            where.append(f"{quoted(ev.kind[0])} = {datagen.sql_string(ev.kind[1])}")
        self.where = " AND ".join(where)
        self.stamp = quoted(ev.timestamp)

    def query(self, until: dt.datetime) -> str:
        return (
            f"SELECT {self.select}, file_row_number AS n FROM {self.source} "
            f"WHERE {self.where} AND {self.stamp} <= TIMESTAMP '{until:%Y-%m-%d %H:%M:%S.%f}'"
        )

    def times(self) -> str:
        return f"SELECT {self.stamp} AS t FROM {quoted(self.table)} WHERE {self.where}"


def rows(project: Any, kind: Kind, until: dt.datetime, fetch: list[float]) -> Iterator[Event]:
    """The kind's events in time order, CHUNK rows at a time (fetch time added up), on
    a connection of its own (the sources are views of each connection)."""
    cur = connect(project.catalog, project.root)
    cur.execute(f"SELECT * FROM ({kind.query(until)}) ORDER BY 2, n")
    names = kind.fields
    tag = kind.table + ":"
    while True:
        t0 = time.perf_counter()
        chunk = cur.fetchmany(CHUNK)
        fetch[0] += time.perf_counter() - t0
        if not chunk:
            break
        for row in chunk:
            fields = {f: v for f, v in zip(names, row[2:-1], strict=True) if v is not None}
            yield (row[1], kind.kind, row[0], row[1], fields, tag + str(row[-1]))
    cur.close()


def merged(
    project: Any, kinds: list[Kind], until: dt.datetime, fetch: list[float]
) -> Iterator[Event]:
    """Every kind's events up to ``until`` in one time order (ties: by kind, then id)."""
    return heapq.merge(
        *(rows(project, k, until, fetch) for k in kinds), key=lambda e: (e[0], e[1], e[5])
    )


def cut_instant(con: Any, kinds: list[Kind], limit: int | None) -> tuple[dt.datetime, int]:
    """T (the N-th event's instant, or the as-of instant) and how many events are ≤ T."""
    union = " UNION ALL ".join(k.times() for k in kinds)
    asof = f"TIMESTAMP '{datagen.AS_OF:%Y-%m-%d %H:%M:%S}'"
    if limit is None:
        until = datagen.AS_OF
    else:
        found = con.execute(
            f"SELECT t FROM ({union}) WHERE t <= {asof} ORDER BY t LIMIT 1 OFFSET {limit - 1}"
        ).fetchone()
        until = datagen.AS_OF if found is None else found[0]
    lit = f"TIMESTAMP '{until:%Y-%m-%d %H:%M:%S.%f}'"
    (count,) = con.execute(f"SELECT count(*) FROM ({union}) WHERE t <= {lit}").fetchone()
    return until, int(count)


def prefix_dataset(ds: datagen.Dataset, until: dt.datetime, con: Any) -> datagen.Dataset:
    """The data set with only the events stamped at or before ``until`` (its own files)."""
    root = ds.root / f"replay-{until:%Y%m%dT%H%M%S%f}"
    out = datagen.Dataset(root, ds.customers, ds.events)
    if all(out.file(t).is_file() for t in ("customers", "orders", "events")):
        return out
    root.mkdir(parents=True, exist_ok=True)
    lit = f"TIMESTAMP '{until:%Y-%m-%d %H:%M:%S.%f}'"
    for table, stamp in (("orders", "ordered_at"), ("events", "ts")):
        src = datagen.sql_string(str(ds.file(table)))
        tmp = datagen.sql_string(str(root / f"{table}.tmp.parquet"))
        con.execute(
            f"COPY (SELECT * FROM read_parquet({src}) WHERE {stamp} <= {lit}) TO {tmp} (FORMAT parquet)"
        )
        os.replace(root / f"{table}.tmp.parquet", out.file(table))
    if not out.file("customers").exists():
        out.file("customers").symlink_to(ds.file("customers"))
    return out


class Progress:
    """A progress line on a terminal (rich), nothing otherwise."""

    def __init__(self, total: int) -> None:
        self.bar: Any = None
        if sys.stdout.isatty():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as Bar,
            )

            self.bar = Bar(
                TextColumn("replay"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]} events/s"),
                TimeRemainingColumn(),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("replay", total=total, rate="-")

    def update(self, done: int, seconds: float) -> None:
        if self.bar is not None:
            rate = f"{done / seconds:,.0f}" if seconds > 0 else "-"
            self.bar.update(self.task, completed=done, rate=rate)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def replay(
    live: LiveEvaluator, project: Any, kinds: list[Kind], until: dt.datetime, total: int
) -> dict[str, Any]:
    fetch = [0.0]
    stream = merged(project, kinds, until, fetch)
    # time starts a microsecond before the first event: every profile is evaluated once
    # (timed apart, as benchmarks/live.py does: a service does it once, at its start)
    first = next(stream, None)
    start_cpu, start_t = time.process_time(), time.perf_counter()
    start_changes = 0
    if first is not None:
        start_changes = len(live.advance(first[0] - dt.timedelta(microseconds=1)))
        stream = itertools.chain([first], stream)
    start_wall, start_cpu = time.perf_counter() - start_t, time.process_time() - start_cpu
    bar = Progress(total)
    done = changes = 0
    cpu0, t0 = time.process_time(), time.perf_counter()
    try:
        for instant, kind, key, stamp, fields, eid in stream:
            changes += len(live.advance(instant, inclusive=False))
            changes += len(live.apply_event(kind, key, stamp, fields, eid))
            done += 1
            if not done % 2000:
                bar.update(done, time.perf_counter() - t0)
    finally:
        bar.close()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "first_evaluation_wall_s": start_wall,
        "first_evaluation_cpu_s": start_cpu,
        "first_evaluation_changes": start_changes,
        "events": done,
        "changes": changes,
        "wall_s": wall,
        "cpu_s": cpu,
        "fetch_s": fetch[0],
        "events_per_s": done / wall,
        "events_per_cpu_s": done / cpu,
    }


def compare(
    live: LiveEvaluator,
    project: Any,
    session: Any,
    names: dict[str, list[str]],
    at: dt.datetime,
    customers: set[int],
) -> dict[str, Any]:
    """Live members against ``Project.evaluate`` at ``at``: the live-exact segments, and
    the rankings right after their cut-offs are refreshed from the batch at ``at``."""
    live.advance(at)
    refresh_cutoffs(live, at, session=session)
    every = [n for group in names.values() for n in group]
    t0 = time.perf_counter()
    result = project.evaluate(every, as_of=at, session=session)
    batch_s = time.perf_counter() - t0
    inside: dict[str, set[Any]] = {n: set() for n in every}
    for entity, key in live.profiles:
        if key in customers:
            for n in live.members(key, entity):
                if n in inside:
                    inside[n].add(key)
    out: dict[str, Any] = {"at": at.isoformat(), "batch_evaluate_s": batch_s}
    for group, group_names in names.items():
        diffs: dict[str, Any] = {}
        members = 0
        for n in group_names:
            batch = set(result.members(n))
            members += len(batch)
            only_live, only_batch = inside[n] - batch, batch - inside[n]
            if only_live or only_batch:
                diffs[n] = {
                    "live_only": len(only_live),
                    "batch_only": len(only_batch),
                    "examples": sorted(only_live)[:3] + sorted(only_batch)[:3],
                }
        out[group] = {
            "memberships": len(group_names) * len(customers),
            "members": members,
            "differences": sum(d["live_only"] + d["batch_only"] for d in diffs.values()),
            "segments_differing": diffs,
        }
    return out


def stream_inputs(
    ds: datagen.Dataset,
    attributes: list[tuple[Any, dict[str, Any]]],
    events: list[Event],
    where: Path,
) -> tuple[Path, Path, Path]:
    """For `segdsl stream` runs: a project of the workload's 50 segments alone, and two
    inputs — every profile's attributes then a first tick a microsecond before the first
    event (head), and the same followed by ``events`` (full)."""
    head, full = where / "head.jsonl", where / "full.jsonl"
    lines = [
        json.dumps({"profile": k, "attributes": {a: plain(v) for a, v in attrs.items()}})
        for k, attrs in attributes
    ]
    lines.append(json.dumps({"tick": plain(events[0][0] - dt.timedelta(microseconds=1))}))
    head.write_text("\n".join(lines) + "\n")
    for _, kind, key, stamp, fields, eid in events:
        item = {"event": kind, "profile": key, "timestamp": plain(stamp), "id": eid}
        item["fields"] = {f: plain(v) for f, v in fields.items()}
        lines.append(json.dumps(item))
    full.write_text("\n".join(lines) + "\n")
    fifty = workload.write_project(ds, where / "project", list(workload.SEGMENTS))
    return fifty, head, full


def stream_rate(
    ds: datagen.Dataset,
    project: Any,
    kinds: list[Kind],
    attributes: list[tuple[Any, dict[str, Any]]],
    n: int,
) -> dict[str, Any]:
    """The first ``n`` events through `segdsl stream` (a real process; JSON lines in and
    out) on a project of the workload's 50 segments alone (the stream evaluates every
    segment of its project; the data set's project also holds 150 holdout variants): the
    run with the attributes and a first tick alone (every profile evaluated once) is
    subtracted from the run with the events too; wall clock and CPU time."""
    until = dt.datetime.max.replace(microsecond=0)
    fetch = [0.0]
    events = list(itertools.islice(merged(project, kinds, until, fetch), n))
    with tempfile.TemporaryDirectory() as tmp:
        fifty, head, full = stream_inputs(ds, attributes, events, Path(tmp))
        base_wall, base_cpu = timed_stream(fifty, head)
        wall, cpu = timed_stream(fifty, full)
    return {
        "events": len(events),
        "startup_wall_s": base_wall,
        "events_per_s": len(events) / max(wall - base_wall, 1e-9),
        "events_per_cpu_s": len(events) / max(cpu - base_cpu, 1e-9),
    }


def fused_seconds(ds: datagen.Dataset, names: list[str], reps: int) -> float:
    """benchmarks/run.py's "fused" figure: the membership statement of the 50 segments
    over the whole data set at the as-of instant, median of ``reps``."""
    project_dir = workload.write_project(ds, ds.root / "project")
    task = {"project": str(project_dir), "segments": names, "reps": reps}
    return float(statistics.median(worker.fused(task)["seconds"]))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", choices=list(SCALES), default="default")
    ap.add_argument("--customers", type=int)
    ap.add_argument("--events", type=int)
    ap.add_argument("--limit", type=int, help="replay only the events up to the N-th one's instant")
    ap.add_argument("--data", type=Path, default=datagen.DEFAULT_DATA)
    ap.add_argument("--reps", type=int, default=3, help="repetitions of the fused statement")
    ap.add_argument("--sample", type=int, default=2000, help="profiles sized for the state figure")
    ap.add_argument("--json", type=Path, help="default: DATA/live_replay-cC-eE[-lN].json")
    ap.add_argument("--publish", action="store_true", help="also write benchmarks/live_replay.json")
    ap.add_argument(
        "--stream",
        type=int,
        default=0,
        help="also time the first N events through a real `segdsl stream` process",
    )
    ns = ap.parse_args(argv)
    customers, events = SCALES[ns.scale]
    ns.customers = ns.customers or customers
    ns.events = ns.events or events
    if ns.limit is not None and ns.limit < 1:
        ap.error("--limit is at least 1")
    return ns


def main(argv: list[str] | None = None) -> int:
    ns = parse_args(argv)
    res: dict[str, Any] = {"machine": {**_machine()}, "params": {}}
    ds = datagen.ensure(ns.data, ns.customers, ns.events)
    names = [s.name for s in workload.SEGMENTS]
    full_project = segdsl.load_project(workload.write_project(ds, ds.root / "project"))
    con = connect(full_project.catalog, full_project.root)
    kinds = [Kind(full_project, k) for k in full_project.catalog.events]
    until, total = cut_instant(con, kinds, ns.limit)
    _, everything = cut_instant(con, kinds, None)
    print(
        f"live replay: {ns.customers:,} customers, {ns.events:,} rows "
        f"({everything:,} events of the catalog's kinds up to {datagen.AS_OF:%Y-%m-%d}); "
        f"replaying {total:,} up to {until:%Y-%m-%d %H:%M:%S}",
        flush=True,
    )
    res["params"] = {
        "customers": ns.customers,
        "rows": ns.events,
        "limit": ns.limit,
        "events_replayed": total,
        "events_up_to_as_of": everything,
        "until": until.isoformat(),
        "as_of": datagen.AS_OF.isoformat(),
    }
    live = LiveEvaluator(full_project, names)
    modes = {
        m: [p.name for p in live.plans if p.mode == m]
        for m in ("exact", "batch cut-offs", "not live")
    }
    exact = modes["exact"]
    print(
        f"50 segments: {len(exact)} live-exact, {len(modes['batch cut-offs'])} batch cut-offs, {len(modes['not live'])} not live"
    )
    for p in live.plans:
        if p.mode != "exact":
            print(f"  {p.name:<24} {p.mode:<15} {p.reason}")
    res["segments"] = {
        "exact": exact,
        "other": [
            {"name": p.name, "mode": p.mode, "reason": p.reason}
            for p in live.plans
            if p.mode != "exact"
        ],
    }

    # 1. attributes, then the replay
    ent = full_project.catalog.entities[full_project.catalog.default_entity]
    attrs = list(ent.attributes.items())
    cur = con
    cur.execute(
        f"SELECT {quoted(ent.key)}, {', '.join(quoted(c.column) for _, c in attrs)} "
        f"FROM {quoted(ent.source.table)} ORDER BY 1"
    )
    t0 = time.perf_counter()
    customers: set[int] = set()
    kept: list[tuple[Any, dict[str, Any]]] = []  # for --stream
    while chunk := cur.fetchmany(CHUNK):
        for row in chunk:
            customers.add(row[0])
            values = {a: v for (a, _), v in zip(attrs, row[1:], strict=True)}
            live.apply_attributes(row[0], values)
            if ns.stream:
                kept.append((row[0], {a: v for a, v in values.items() if v is not None}))
    attributes_s = time.perf_counter() - t0
    hold_state()  # as `segdsl stream` and `serve` do once their state is loaded
    r = replay(live, full_project, kinds, until, total)
    r["attributes_s"] = attributes_s
    r["peak_rss_mib"] = rss_mib()
    r["profiles"] = len(live.profiles)
    r["profiles_not_customers"] = sum(1 for (_, k) in live.profiles if k not in customers)
    rng = random.Random(7)
    sample = rng.sample(sorted(live.profiles, key=repr), min(ns.sample, len(live.profiles)))
    sizes = sorted(profile_bytes(live, live.profiles[k]) for k in sample)
    r["state_bytes"] = {
        "sample": len(sizes),
        "median": statistics.median(sizes),
        "p90": sizes[int(0.9 * (len(sizes) - 1))],
        "max": sizes[-1],
    }
    res["replay"] = r
    print(
        f"replayed {r['events']:,} events in {r['wall_s']:.1f} s ({r['events_per_s']:,.0f}/s, "
        f"{r['events_per_cpu_s']:,.0f} per CPU s), {r['changes']:,} changes",
        flush=True,
    )

    # 2. parity at T and after it, on a project over exactly the replayed events
    sub = prefix_dataset(ds, until, con)
    sub_project = segdsl.load_project(workload.write_project(sub, sub.root / "project"))
    session = connect_engine(sub_project.catalog, sub_project.root)
    groups = {"exact": exact, "cutoffs": modes["batch cut-offs"]}
    checks = []
    for days in AFTER:
        at = until + dt.timedelta(days=days)
        c = compare(live, sub_project, session, groups, at, customers)
        checks.append(c)
        e, k = c["exact"], c["cutoffs"]
        print(
            f"parity at {at:%Y-%m-%d %H:%M:%S}: {e['differences']} differences in "
            f"{e['memberships']:,} memberships of live-exact segments ({e['members']:,} members); "
            f"rankings after a cut-off refresh: {k['differences']} in {k['memberships']:,}",
            flush=True,
        )
        for group in ("exact", "cutoffs"):
            for n, d in c[group]["segments_differing"].items():
                print(
                    f"  {n}: live only {d['live_only']}, batch only {d['batch_only']}, "
                    f"e.g. {d['examples']}"
                )
    session.close()
    res["parity"] = checks

    # 3. the batch statement over the whole data set
    fused = fused_seconds(ds, names, ns.reps)
    projected = everything / r["events_per_s"]
    res["batch"] = {"fused_s": fused, "replay_projected_s": projected, "ratio": projected / fused}

    if ns.stream:
        s = res["stream"] = stream_rate(ds, full_project, kinds, kept, ns.stream)
        print(
            f"segdsl stream: {s['events']:,} events, {s['events_per_s']:,.0f}/s "
            f"({s['events_per_cpu_s']:,.0f} per CPU s; start-up {s['startup_wall_s']:.1f} s)",
            flush=True,
        )

    res["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    differences = sum(c["exact"]["differences"] for c in checks)
    ranked = sum(c["cutoffs"]["differences"] for c in checks)
    rows_out = [
        ("events replayed", f"{r['events']:,}"),
        ("replay wall / CPU time", f"{r['wall_s']:,.1f} s / {r['cpu_s']:,.1f} s"),
        ("… of which reading rows from DuckDB", f"{r['fetch_s']:,.1f} s"),
        ("events/s, wall clock", f"{r['events_per_s']:,.0f}"),
        ("events/s, CPU time", f"{r['events_per_cpu_s']:,.0f}"),
        ("attributes of every customer", f"{attributes_s:,.1f} s"),
        (
            "first evaluation of every profile, wall / CPU",
            f"{r['first_evaluation_wall_s']:,.1f} s / {r['first_evaluation_cpu_s']:,.1f} s",
        ),
        ("changes reported (first evaluation)", f"{r['first_evaluation_changes']:,}"),
        ("changes reported (events)", f"{r['changes']:,}"),
        (
            "profiles (of them not customers)",
            f"{r['profiles']:,} ({r['profiles_not_customers']:,})",
        ),
        ("peak RSS of the process", f"{r['peak_rss_mib']:,.0f} MiB"),
        (
            "state per profile median / p90 / max",
            f"{r['state_bytes']['median']:,.0f} / {r['state_bytes']['p90']:,} / {r['state_bytes']['max']:,} B",
        ),
        (
            "parity: instants / memberships compared",
            f"{len(checks)} / {sum(c['exact']['memberships'] for c in checks):,}",
        ),
        ("parity: differences", f"{differences}"),
        (
            "rankings after a cut-off refresh: differences",
            f"{ranked} in {sum(c['cutoffs']['memberships'] for c in checks):,}",
        ),
        ("batch fused statement (50 segments, all data)", f"{fused:,.2f} s"),
        (
            f"replay of all {everything:,} events (projected)"
            if ns.limit
            else f"replay of all {everything:,} events",
            f"{projected:,.0f} s",
        ),
        ("replay / batch statement", f"{projected / fused:,.0f}×"),
    ]
    if ns.stream:
        s = res["stream"]
        rows_out.append(
            (
                f"segdsl stream, first {s['events']:,} events: events/s wall / CPU",
                f"{s['events_per_s']:,.0f} / {s['events_per_cpu_s']:,.0f}",
            )
        )
    width = max(len(a) for a, _ in rows_out)
    print()
    for a, b in rows_out:
        print(f"{a:<{width}}  {b:>24}")
    out = ns.json or ns.data / (
        f"live_replay-c{ns.customers}-e{ns.events}"
        + (f"-l{ns.limit}" if ns.limit else "")
        + ".json"
    )
    text = json.dumps(res, indent=2, default=str) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(f"results: {out}")
    if ns.publish:
        (HERE / "live_replay.json").write_text(text)
    return 1 if differences or ranked else 0


def _machine() -> dict[str, Any]:
    import platform

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        # the build of the live evaluator: mypyc-compiled (SEGDSL_COMPILE=1) or Python
        "compiled": not (sys.modules["segdsl.tools.live.evaluator"].__file__ or "").endswith(".py"),
    }


if __name__ == "__main__":
    sys.exit(main())
