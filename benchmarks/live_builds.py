"""The live evaluator's builds and collector settings, side by side on the same events.

    python benchmarks/live_builds.py                 # the first 300,000 events
    python benchmarks/live_builds.py --limit 100000 --reps 1

On the data set of benchmarks/live_replay.py (the workload's 50 segments over 100,000
customers; made and cached by datagen.py), the first ``--limit`` events are replayed
in-process (``advance`` + ``apply_event`` per event, as live_replay.py does) by three
variants:

- **pure, default GC**: the pure-Python package, CPython's collector as it comes;
- **pure, hold_state**: the same after ``segdsl.tools.live.collector.hold_state()``
  (what ``segdsl stream`` and ``serve`` do once their state is loaded);
- **compiled, hold_state**: the modules pyproject.toml lists for hatch_build.py, compiled with mypyc (what
  ``SEGDSL_COMPILE=1 pip install segdsl`` builds), here into a copy of ``src/``.

The machine's speed drifts by tens of percent from minute to minute, so variants are
compared two at a time, **running at once**, each process pinned to a core of its own:
(default GC vs hold_state) and (pure vs compiled), ``--reps`` times; a ratio is read
within one pair. Every variant must report the very same changes (a hash of all of
them): a build or a collector setting that changed an answer would be a bug (exit 1).
Events are read from DuckDB into memory before the clock starts; CPU time is counted.
Results: ``--json`` (default: DATA/live_builds-lN.json) and docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def compiled_modules() -> list[str]:
    """The modules the compiled build compiles (pyproject.toml, the build hook's table)."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        hook = tomllib.load(f)["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]
    return [f"segdsl/tools/live/{name}.py" for name in hook["compiled"]]


def build_compiled(where: Path) -> Path:
    """A copy of src/ with the listed modules compiled by mypyc; answers its src/."""
    src = where / "src"
    shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("web", "__pycache__"))
    shutil.copytree(ROOT / "grammar", where / "grammar")
    t0 = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypyc",
            "--ignore-missing-imports",
            f"--cache-dir={where / 'mypy-cache'}",
            *compiled_modules(),
        ],
        cwd=src,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit("mypyc failed (it needs mypy, a C compiler and Python's headers)")
    print(
        f"compiled {len(compiled_modules())} modules with mypyc in {time.perf_counter() - t0:.0f} s"
    )
    return src


def customers(project: Any, con: Any) -> list[tuple[Any, dict[str, Any]]]:
    """Every customer's key and attributes (missing ones as None), in key order."""
    import live_replay as lr

    ent = project.catalog.entities[project.catalog.default_entity]
    attrs = list(ent.attributes.items())
    rows = con.execute(
        f"SELECT {lr.quoted(ent.key)}, {', '.join(lr.quoted(c.column) for _, c in attrs)} "
        f"FROM {lr.quoted(ent.source.table)} ORDER BY 1"
    ).fetchall()
    return [(r[0], {a: v for (a, _), v in zip(attrs, r[1:], strict=True)}) for r in rows]


# ---- one variant, in a process of its own --------------------------------------------
def child(ns: argparse.Namespace) -> None:
    sys.path.insert(0, str(ns.src))
    import segdsl  # first: from the chosen src/, before live_replay's path

    sys.path.insert(1, str(HERE))
    import datetime as dt
    import gc

    import datagen
    import live_replay as lr
    import workload

    from segdsl.engines.sources import connect
    from segdsl.tools.live import LiveEvaluator
    from segdsl.tools.live.collector import hold_state

    ds = datagen.ensure(ns.data, 100_000, 2_000_000)
    project = segdsl.load_project(ds.root / "project")  # written by the parent
    con = connect(project.catalog, project.root)
    kinds = [lr.Kind(project, k) for k in project.catalog.events]
    until, _ = lr.cut_instant(con, kinds, ns.limit)
    events = list(lr.merged(project, kinds, until, [0.0]))
    live = LiveEvaluator(project, [s.name for s in workload.SEGMENTS])
    for key, values in customers(project, con):
        live.apply_attributes(key, values)
    digest = hashlib.sha256()
    for c in live.advance(events[0][0] - dt.timedelta(microseconds=1)):
        digest.update(f"{c.profile}|{c.segment}|{c.change}|{c.at}\n".encode())
    if ns.gc == "hold":
        hold_state()
    else:
        gc.collect()
    cpu0 = time.process_time()
    # the changes are checked by a running hash of each (with the hash seed fixed by
    # the parent, so that every variant's processes agree): a tenth of a microsecond a
    # change, where hashing their text took over one; nothing is kept alive, as in a
    # service that writes its changes out
    changes = 0
    check = 0
    for instant, kind, key, stamp, fields, eid in events:
        for out in (
            live.advance(instant, inclusive=False),
            live.apply_event(kind, key, stamp, fields, eid),
        ):
            changes += len(out)
            for c in out:
                check = (check * 1000003 ^ hash(c)) & 0xFFFFFFFFFFFFFFFF
    cpu = time.process_time() - cpu0
    digest.update(check.to_bytes(8, "little"))
    module = sys.modules["segdsl.tools.live.evaluator"].__file__ or ""
    print(
        json.dumps(
            {
                "events": len(events),
                "cpu_s": cpu,
                "events_per_cpu_s": len(events) / cpu,
                "changes": changes,
                "hash": digest.hexdigest()[:16],
                "compiled": not module.endswith(".py"),
            }
        )
    )


# ---- `segdsl stream`, pure and compiled ----------------------------------------------
def stream_inputs(ns: argparse.Namespace, where: Path) -> tuple[Path, Path, Path]:
    """The workload's 50 segments as a project, the attributes and a first tick (head),
    and the same followed by the first ``--stream`` events (full), as JSON lines."""
    sys.path.insert(0, str(HERE))
    import datetime as dt
    import itertools

    import datagen
    import live_replay as lr

    import segdsl
    from segdsl.engines.sources import connect

    ds = datagen.ensure(ns.data, 100_000, 2_000_000)
    project = segdsl.load_project(ds.root / "project")  # written by prepare()
    con = connect(project.catalog, project.root)
    kinds = [lr.Kind(project, k) for k in project.catalog.events]
    attributes = [
        (key, {a: v for a, v in values.items() if v is not None})
        for key, values in customers(project, con)
    ]
    until = dt.datetime.max.replace(microsecond=0)
    events = list(itertools.islice(lr.merged(project, kinds, until, [0.0]), ns.stream))
    return lr.stream_inputs(ds, attributes, events, where)


def stream_pair(project: Path, lines: Path, srcs: list[Path]) -> list[float]:
    """CPU seconds (user + system) of `segdsl stream -p project < lines` for each src/,
    all at once, each pinned to a core of its own."""
    cmd = [sys.executable, "-m", "segdsl", "stream", "-p", str(project)]
    out = []
    with contextlib.ExitStack() as stack:
        procs = []
        for core, src in enumerate(srcs):
            err = stack.enter_context(tempfile.TemporaryFile())
            with lines.open("rb") as stdin:
                proc = subprocess.Popen(
                    cmd,
                    stdin=stdin,
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    env={**os.environ, "PYTHONPATH": str(src)},
                    preexec_fn=_pinned(core),
                )
            procs.append((proc, err))
        for proc, err in procs:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                err.seek(0)
                tail = err.read()[-2000:].decode(errors="replace")
                raise SystemExit(f"segdsl stream failed (exit {proc.returncode}): {tail}")
            out.append(usage.ru_utime + usage.ru_stime)
    return out


def _pinned(core: int) -> Any:
    def pin() -> None:
        if hasattr(os, "sched_setaffinity") and core < (os.cpu_count() or 1):
            os.sched_setaffinity(0, {core})

    return pin


# ---- the parent: pairs at once -------------------------------------------------------
def prepare(ns: argparse.Namespace) -> None:
    """The data set and its project, once, before variants read them at the same time."""
    sys.path.insert(0, str(HERE))
    import datagen
    import workload

    ds = datagen.ensure(ns.data, 100_000, 2_000_000)
    workload.write_project(ds, ds.root / "project")


def start(ns: argparse.Namespace, src: Path, gc_mode: str, core: int) -> subprocess.Popen[str]:
    cmd = [sys.executable, __file__, "--child", "--src", str(src), "--gc", gc_mode]
    cmd += ["--limit", str(ns.limit), "--data", str(ns.data)]
    env = {**os.environ, "PYTHONPATH": "", "PYTHONHASHSEED": "0"}  # the same hash() everywhere
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, text=True, env=env, preexec_fn=_pinned(core)
    )


def pair(ns: argparse.Namespace, a: tuple[Path, str], b: tuple[Path, str]) -> list[dict[str, Any]]:
    procs = [start(ns, a[0], a[1], 0), start(ns, b[0], b[1], 1)]
    out = []
    for p in procs:
        text, _ = p.communicate()
        if p.returncode != 0:
            raise SystemExit(f"a variant failed (exit {p.returncode})")
        out.append(json.loads(text.strip().splitlines()[-1]))
    return out


LABELS = {
    "default": "pure, default GC",
    "hold": "pure, hold_state",
    "pure": "pure, hold_state",
    "compiled": "compiled, hold_state",
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=300_000, help="replay the first N events")
    ap.add_argument("--reps", type=int, default=2, help="runs of each pair")
    ap.add_argument("--data", type=Path, default=None, help="the data set's folder")
    ap.add_argument(
        "--stream", type=int, default=100_000, help="events through `segdsl stream` (0: none)"
    )
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--gc", choices=("default", "hold"), help=argparse.SUPPRESS)
    ns = ap.parse_args()
    if ns.data is None:
        sys.path.insert(0, str(HERE))
        import datagen

        ns.data = datagen.DEFAULT_DATA
    if ns.child:
        child(ns)
        return 0
    pure = ROOT / "src"
    prepare(ns)
    runs: dict[str, list[dict[str, Any]]] = {"gc": [], "build": []}
    with tempfile.TemporaryDirectory(prefix="segdsl-builds-") as tmp:
        compiled = build_compiled(Path(tmp))
        variants = {
            "gc": {"default": (pure, "default"), "hold": (pure, "hold")},
            "build": {"pure": (pure, "hold"), "compiled": (compiled, "hold")},
        }
        for rep in range(ns.reps):
            for group, (name_a, name_b) in (
                ("gc", ("default", "hold")),
                ("build", ("pure", "compiled")),
            ):
                a, b = pair(ns, variants[group][name_a], variants[group][name_b])
                runs[group].append({name_a: a, name_b: b})
                ra, rb = a["events_per_cpu_s"], b["events_per_cpu_s"]
                print(
                    f"run {rep + 1}: {LABELS[name_a]} {ra:8,.0f}/CPU s | "
                    f"{LABELS[name_b]} {rb:8,.0f}/CPU s | ratio {rb / ra:.2f}",
                    flush=True,
                )
        streams: list[dict[str, float]] = []
        if ns.stream:
            fifty, head, full = stream_inputs(ns, Path(tmp))
            for rep in range(ns.reps):
                h = stream_pair(fifty, head, [pure, compiled])
                f = stream_pair(fifty, full, [pure, compiled])
                rates = {
                    "pure": ns.stream / max(f[0] - h[0], 1e-9),
                    "compiled": ns.stream / max(f[1] - h[1], 1e-9),
                    "startup_pure_cpu_s": h[0],
                    "startup_compiled_cpu_s": h[1],
                }
                streams.append(rates)
                print(
                    f"run {rep + 1}: segdsl stream, pure {rates['pure']:8,.0f}/CPU s | "
                    f"compiled {rates['compiled']:8,.0f}/CPU s | "
                    f"ratio {rates['compiled'] / rates['pure']:.2f} "
                    f"(start-up {h[0]:.1f} / {h[1]:.1f} CPU s subtracted)",
                    flush=True,
                )
    every = [r for pairs in runs.values() for p in pairs for r in p.values()]
    hashes = {r["hash"] for r in every}
    if not all(r["compiled"] for p in runs["build"] for r in [p["compiled"]]):
        raise SystemExit("the compiled variant imported pure Python")

    def median(group: str, key: str) -> float:
        return statistics.median(p[key]["events_per_cpu_s"] for p in runs[group])

    def ratio(group: str, a: str, b: str) -> float:
        return statistics.median(
            p[b]["events_per_cpu_s"] / p[a]["events_per_cpu_s"] for p in runs[group]
        )

    summary = {
        "events": every[0]["events"],
        "changes": every[0]["changes"],
        "same_changes": len(hashes) == 1,
        "pure_default_gc": median("gc", "default"),
        "pure_hold_state": median("gc", "hold"),
        "hold_state_ratio": ratio("gc", "default", "hold"),
        "compiled_hold_state": median("build", "compiled"),
        "compiled_ratio": ratio("build", "pure", "compiled"),
    }
    summary["compiled_vs_default"] = summary["hold_state_ratio"] * summary["compiled_ratio"]
    if streams:
        summary["stream_events"] = ns.stream
        summary["stream_pure"] = statistics.median(r["pure"] for r in streams)
        summary["stream_compiled"] = statistics.median(r["compiled"] for r in streams)
    print(
        f"\n{summary['events']:,} events, {summary['changes']:,} changes "
        f"({'the same in every variant' if summary['same_changes'] else 'DIFFERENT between variants'})\n"
        f"  hold_state vs default GC (pure):  {summary['hold_state_ratio']:.2f}x\n"
        f"  compiled vs pure (both hold):     {summary['compiled_ratio']:.2f}x\n"
        f"  compiled + hold vs pure default:  {summary['compiled_vs_default']:.2f}x"
    )
    if streams:
        print(
            f"  segdsl stream, first {ns.stream:,} events: pure {summary['stream_pure']:,.0f}, "
            f"compiled {summary['stream_compiled']:,.0f} per CPU s (medians)"
        )
    out = ns.json or ns.data / f"live_builds-l{ns.limit}.json"
    record = {"summary": summary, "runs": runs, "streams": streams}
    out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"written: {out}")
    return 0 if summary["same_changes"] else 1


if __name__ == "__main__":
    sys.exit(main())
