"""One measurement, run in its own process so that its peak memory can be read alone.

    python benchmarks/worker.py '{"kind": "fused", ...}'

The parent (run.py) starts this script, reads the JSON it prints on its last line, and
reads the process's peak resident memory from ``os.wait4``. ``run_task`` is also called
in-process by ``run.py --inline`` (the CI smoke test), where no memory is reported.

Every kind returns ``sizes``: for each segment the number of members and the sum of
their keys, the fingerprint that the methods must agree on, and ``seconds``, the wall
time of each repetition of the measured part.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload
from datagen import AS_OF, Dataset

Sizes = dict[str, list[int]]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU: list[float] = []  # CPU seconds (all threads) of each timed repetition, in order


def _timed(reps: int, fn: Callable[[], Any]) -> tuple[list[float], Any]:
    seconds: list[float] = []
    out: Any = None
    for _ in range(reps):
        cpu = time.process_time()
        start = time.perf_counter()
        out = fn()
        seconds.append(time.perf_counter() - start)
        CPU.append(time.process_time() - cpu)
    return seconds, out


def _connect(project: Any) -> Any:
    from segdsl.engines.sources import connect

    return connect(project.catalog, project.root)


def _count_columns(con: Any, table: str, key: str, columns: list[str]) -> Sizes:
    """Members and key sum of each boolean column of a table (NULL counts as false)."""
    from sqlglot import exp

    parts: list[exp.Expr] = []
    for c in columns:
        cond = exp.column(c, quoted=True)
        parts.append(
            exp.Sum(this=exp.If(this=cond, true=exp.Literal.number(1), false=exp.Literal.number(0)))
        )
        parts.append(exp.Sum(this=exp.If(this=cond.copy(), true=exp.column(key, quoted=True))))
    row = con.execute(exp.select(*parts).from_(table).sql("duckdb")).fetchone()
    return {c: [int(row[2 * i] or 0), int(row[2 * i + 1] or 0)] for i, c in enumerate(columns)}


def _count_keys(con: Any, table: str, key: str) -> list[int]:
    from sqlglot import exp

    k = exp.column(key, quoted=True)
    query = exp.select(exp.Count(this=exp.Star()), exp.Sum(this=k)).from_(table)
    count, total = con.execute(query.sql("duckdb")).fetchone()
    return [int(count), int(total or 0)]


def _materialize(con: Any, table: str, sql: str) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {sql}")


def _segments(names: list[str]) -> list[workload.Seg]:
    every = {s.name: s for s in workload.workload(len(workload.SEGMENTS) * workload.HOLDOUTS)}
    every.update(workload.BY_NAME)
    return [every[n] for n in names]


# ---- the kinds of measurement ------------------------------------------------------------------


def fused(task: dict[str, Any]) -> dict[str, Any]:
    """segdsl's membership query: every segment in one statement, into a table."""
    import segdsl

    project = segdsl.load_project(task["project"])
    names: list[str] = task["segments"]
    start = time.perf_counter()
    sql = project.compile_membership(names, as_of=AS_OF)
    compile_s = time.perf_counter() - start
    con = _connect(project)
    setup = _rss_mib()

    def run() -> Sizes:
        _materialize(con, "membership", sql)
        return _count_columns(con, "membership", "customer_id", names)

    seconds, sizes = _timed(task["reps"], run)
    return {"seconds": seconds, "sizes": sizes, "compile_s": compile_s, "setup_rss_mib": setup}


def evaluate_api(task: dict[str, Any]) -> dict[str, Any]:
    """`Project.evaluate` end to end: connect, compile, one membership pass, sizes and
    the sorted member keys of every segment as Python lists."""
    import segdsl

    project = segdsl.load_project(task["project"])
    names: list[str] = task["segments"]
    setup = _rss_mib()

    def run() -> Sizes:
        result = project.evaluate(names, as_of=AS_OF)
        return {n: [result.sizes[n].members, int(sum(result.members(n)))] for n in names}

    seconds, sizes = _timed(task["reps"], run)
    return {"seconds": seconds, "sizes": sizes, "setup_rss_mib": setup}


def one_by_one(task: dict[str, Any]) -> dict[str, Any]:
    """One segdsl statement per segment, each into a table, one after the other."""
    import segdsl

    project = segdsl.load_project(task["project"])
    names: list[str] = task["segments"]
    sqls = {n: project.compile(n, as_of=AS_OF) for n in names}
    con = _connect(project)
    setup = _rss_mib()
    per_segment: dict[str, list[float]] = {n: [] for n in names}

    def run() -> Sizes:
        sizes: Sizes = {}
        for n in names:
            start = time.perf_counter()
            _materialize(con, "members", sqls[n].rstrip().rstrip(";"))
            sizes[n] = _count_keys(con, "members", "customer_id")
            per_segment[n].append(time.perf_counter() - start)
        return sizes

    seconds, sizes = _timed(task["reps"], run)
    per = {n: statistics.median(v) for n, v in per_segment.items()}
    return {"seconds": seconds, "sizes": sizes, "per_segment_s": per, "setup_rss_mib": setup}


def handwritten(task: dict[str, Any]) -> dict[str, Any]:
    """Single segments: segdsl's SQL and the best hand-written SQL, run alternately."""
    import segdsl

    project = segdsl.load_project(task["project"])
    con = _connect(project)
    setup = _rss_mib()
    out: dict[str, Any] = {}
    for name in task["segments"]:
        ours = project.compile(name, as_of=AS_OF).rstrip().rstrip(";")
        theirs = workload.HANDWRITTEN[name]
        times: dict[str, list[float]] = {"segdsl": [], "handwritten": []}
        sizes: dict[str, list[int]] = {}
        pair = [("segdsl", ours), ("handwritten", theirs)]
        for _label, sql in pair:  # warm-up: file metadata and page cache
            _materialize(con, "members", sql)
        for rep in range(task["reps"]):
            # alternate which one goes first, so neither profits from the other's caches
            for label, sql in pair if rep % 2 == 0 else pair[::-1]:
                start = time.perf_counter()
                _materialize(con, "members", sql)
                sizes[label] = _count_keys(con, "members", "customer_id")
                times[label].append(time.perf_counter() - start)
        out[name] = {"seconds": times, "sizes": sizes}
    return {"segments": out, "setup_rss_mib": setup}


def floor(task: dict[str, Any]) -> dict[str, Any]:
    """The hand-written single pass: every feature once, one boolean column per segment."""
    import segdsl

    project = segdsl.load_project(task["project"])
    segs = _segments(task["segments"])
    sql = workload.floor_sql(segs)
    con = _connect(project)
    setup = _rss_mib()

    def run() -> Sizes:
        _materialize(con, "membership", sql)
        return _count_columns(con, "membership", "customer_id", [s.name for s in segs])

    seconds, sizes = _timed(task["reps"], run)
    return {"seconds": seconds, "sizes": sizes, "setup_rss_mib": setup, "sql": sql}


def pandas_(task: dict[str, Any]) -> dict[str, Any]:
    """The notebook way: read the Parquet files, build features, one mask per segment."""
    ds = Dataset(Path(task["dataset"]), task["customers"], task["events"])
    segs = _segments(task["segments"])
    load_s, frames = _timed(1, lambda: workload.pandas_load(ds))
    customers, orders, events = frames
    setup = _rss_mib()

    def run() -> Sizes:
        feats = workload.pandas_features(customers, orders, events)
        masks = workload.pandas_segments(feats, segs)
        return {n: [int(m.sum()), int(feats.index.to_series()[m].sum())] for n, m in masks.items()}

    seconds, sizes = _timed(task["reps"], run)
    return {"seconds": seconds, "sizes": sizes, "load_s": load_s[0], "setup_rss_mib": setup}


def compile_throughput(task: dict[str, Any]) -> dict[str, Any]:
    """Parse + resolve, then compile n generated segments one at a time (tree, then
    text), and all of them as one membership statement."""
    import segdsl
    from segdsl.sql.compiler import segment_query, to_sql

    start = time.perf_counter()
    project = segdsl.load_project(task["project"])
    load_s = time.perf_counter() - start
    segs = list(project.segments.values())
    cat = project.catalog
    as_of = dt.datetime.combine(AS_OF.date(), AS_OF.time())
    # warm-up: sqlglot builds its generator tables on first use
    to_sql(segment_query(segs[0], cat, "duckdb", as_of), "duckdb")
    tree_s = text_s = 0.0
    sizes = 0
    cpu = time.process_time()
    for seg in segs:
        t0 = time.perf_counter()
        tree = segment_query(seg, cat, "duckdb", as_of)
        t1 = time.perf_counter()
        sizes += len(to_sql(tree, "duckdb", copy=False))
        t2 = time.perf_counter()
        tree_s += t1 - t0
        text_s += t2 - t1
    cpu = time.process_time() - cpu
    start = time.perf_counter()
    sizes += len(project.compile_membership(None, as_of=AS_OF))
    membership_s = time.perf_counter() - start
    start = time.perf_counter()
    for seg in segs[:200]:
        project.compile(seg, as_of=AS_OF)
    api_s = (time.perf_counter() - start) / min(200, len(segs)) * len(segs)
    return {
        "segments": len(segs),
        "load_s": load_s,
        "tree_s": tree_s,
        "text_s": text_s,
        "one_by_one_s": tree_s + text_s,
        "one_by_one_cpu_s": cpu,
        "api_one_by_one_s": api_s,
        "membership_s": membership_s,
        "sql_chars": sizes,
    }


KINDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "fused": fused,
    "evaluate": evaluate_api,
    "one_by_one": one_by_one,
    "handwritten": handwritten,
    "floor": floor,
    "pandas": pandas_,
    "compile": compile_throughput,
}


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    return KINDS[task["kind"]](task)


def main() -> None:
    task = json.loads(sys.argv[1])
    result = run_task(task)
    if CPU:
        result["cpu_seconds"] = CPU
    print(json.dumps(result))


if __name__ == "__main__":
    main()
