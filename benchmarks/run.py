"""The segdsl benchmark suite: one command, every figure of docs/benchmarks.md.

    python benchmarks/run.py                      # default scale: 1M customers, 20M events
    python benchmarks/run.py --scale small        # 100k customers, 2M events (a minute or two)
    python benchmarks/run.py --scale tiny --inline --no-chart   # what CI runs (seconds)
    python benchmarks/run.py --customers 500000 --events 5000000 --only single,fused
    python benchmarks/run.py --publish            # also write benchmarks/results.json and docs/benchmarks.png

It generates synthetic retail data in DuckDB (cached in --data, default
~/.cache/segdsl-bench, reused while the parameters match), writes a segdsl project
with 50 segments over it, and measures side by side, in one run:

  single    one segment: segdsl's SQL vs the best hand-written SQL for the same rule
  fused     50 segments: fused (one statement) vs one statement per segment, vs one
            single-segment query, and Project.evaluate end to end
  pandas    the same 50 segments in pandas, as an analyst would write them
  floor     one hand-written aggregate pass computing everything the 50 segments need
  compile   compile throughput over 1,000 generated segments; CLI cold start
  scaling   time and peak memory at 1/20, 1/4 and all of the events, and at 1, 10, 50
            and 200 segments

Every method's member counts (and the sum of the member keys) are checked against
segdsl's fused result before its time is printed; a disagreement exits with status 1.
Times are the median of --reps repetitions (--slow-reps for one-by-one, pandas and
Project.evaluate, --scaling-reps for the extra scaling points); peak memory is the peak resident set of the process that ran the
method, each in its own process (os.wait4), unless --inline.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import datagen  # noqa: E402
import workload  # noqa: E402

SCALES = {
    "tiny": (2_000, 40_000),
    "small": (100_000, 2_000_000),
    "default": (1_000_000, 20_000_000),
}
SCENARIOS = ("single", "fused", "pandas", "floor", "compile", "scaling")
SEGMENT_COUNTS = (1, 10, 50, 200)
HEADLINE = "young_frequent_buyers"


class Disagreement(Exception):
    pass


# ---- running one measurement -------------------------------------------------------------------


class Runner:
    def __init__(self, inline: bool) -> None:
        self.inline = inline

    def __call__(self, task: dict[str, Any]) -> dict[str, Any]:
        if self.inline:
            import worker

            return worker.run_task(task)
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "worker.py"), json.dumps(task)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        try:
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C: do not leave the worker running
            proc.kill()
            raise
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"worker failed ({task['kind']}), exit {proc.returncode}")
        result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        result["peak_rss_mib"] = usage.ru_maxrss / 1024  # KiB on Linux
        return result


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def agree(label: str, reference: dict[str, list[int]], other: dict[str, list[int]]) -> None:
    """Same members (count and key sum) for every segment, or stop."""
    bad = {n: (reference[n], other.get(n)) for n in reference if other.get(n) != reference[n]}
    if bad:
        lines = [f"  {n}: fused {a} vs {label} {b}" for n, (a, b) in list(bad.items())[:10]]
        raise Disagreement(
            f"{label} disagrees with segdsl's fused result on {len(bad)} segment(s):\n"
            + "\n".join(lines)
        )


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mib(mib: float | None) -> str:
    return "-" if mib is None else f"{mib:,.0f} MiB"


# ---- the machine ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    info: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    for package in ("segdsl", "duckdb", "sqlglot", "pandas", "pyarrow"):
        with contextlib.suppress(PackageNotFoundError):
            info[package] = version(package)
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return info


# ---- the scenarios -------------------------------------------------------------------------------


class Suite:
    def __init__(self, ns: argparse.Namespace) -> None:
        self.ns = ns
        self.run = Runner(ns.inline)
        self.results: dict[str, Any] = {}
        self.reference: dict[str, list[int]] = {}
        self.names50 = [s.name for s in workload.SEGMENTS]

    def log(self, text: str) -> None:
        print(text, flush=True)

    def project_for(self, ds: datagen.Dataset) -> str:
        return str(workload.write_project(ds, ds.root / "project"))

    def task(self, kind: str, ds: datagen.Dataset, names: list[str], reps: int) -> dict[str, Any]:
        return {
            "kind": kind,
            "project": self.project_for(ds),
            "dataset": str(ds.root),
            "customers": ds.customers,
            "events": ds.events,
            "segments": names,
            "reps": reps,
        }

    # -- 2 (fused) and 4 (floor), which the others compare with
    def fused(self, ds: datagen.Dataset) -> None:
        ns = self.ns
        self.log(f"\n== 50 segments: fused vs one by one (median of {ns.reps} / {ns.slow_reps}) ==")
        fused = self.run(self.task("fused", ds, self.names50, ns.reps))
        self.reference = fused["sizes"]
        fused_s = median(fused["seconds"])
        self.results["fused"] = self._summary(fused)
        self.log(
            f"segdsl fused (membership query)   {fmt_s(fused_s):>10}   peak {fmt_mib(fused.get('peak_rss_mib'))}"
        )
        if "fused" in ns.only:
            ev = self.run(self.task("evaluate", ds, self.names50, ns.slow_reps))
            agree("Project.evaluate", self.reference, ev["sizes"])
            self.results["evaluate"] = self._summary(ev)
            self.log(
                f"Project.evaluate (end to end)     {fmt_s(median(ev['seconds'])):>10}   peak {fmt_mib(ev.get('peak_rss_mib'))}"
            )
            obo = self.run(self.task("one_by_one", ds, self.names50, ns.slow_reps))
            agree("one statement per segment", self.reference, obo["sizes"])
            per = obo["per_segment_s"]
            single = median(list(per.values()))
            self.results["one_by_one"] = {
                **self._summary(obo),
                "per_segment_s": per,
                "median_single_s": single,
                "slowest_single": max(per, key=per.get),
                "slowest_single_s": max(per.values()),
            }
            total = median(obo["seconds"])
            self.log(
                f"one statement per segment (50)    {fmt_s(total):>10}   = {total / fused_s:.1f}x fused   (target >= 10x)"
            )
            self.log(
                f"one single-segment query (median) {fmt_s(single):>10}   fused = {fused_s / single:.2f}x it   (target <= 2x)"
            )

    def floor(self, ds: datagen.Dataset) -> None:
        self.log("\n== the floor: one hand-written aggregate pass ==")
        fl = self.run(self.task("floor", ds, self.names50, self.ns.reps))
        agree("the hand-written floor", self.reference, fl["sizes"])
        self.results["floor"] = self._summary(fl)
        self.results["floor"]["sql"] = fl["sql"]
        f_s, fused_s = median(fl["seconds"]), self.results["fused"]["median_s"]
        self.log(
            f"hand-written single pass          {fmt_s(f_s):>10}   peak {fmt_mib(fl.get('peak_rss_mib'))}"
        )
        self.log(f"fused / floor                     {fused_s / f_s:>9.2f}x   (target <= 1.5x)")

    def single(self, ds: datagen.Dataset) -> None:
        self.log(f"\n== one segment: segdsl vs hand-written SQL (median of {self.ns.reps}) ==")
        names = list(workload.HANDWRITTEN)
        hw = self.run(self.task("handwritten", ds, names, self.ns.reps))
        out: dict[str, Any] = {}
        for name, r in hw["segments"].items():
            if self.reference:
                agree(
                    f"segdsl's single query for {name}",
                    {name: self.reference[name]},
                    {name: r["sizes"]["segdsl"]},
                )
            agree(
                f"the hand-written query for {name}",
                {name: r["sizes"]["segdsl"]},
                {name: r["sizes"]["handwritten"]},
            )
            ours, theirs = median(r["seconds"]["segdsl"]), median(r["seconds"]["handwritten"])
            out[name] = {
                "segdsl_s": ours,
                "handwritten_s": theirs,
                "ratio": ours / theirs,
                "members": r["sizes"]["segdsl"][0],
                "rule": workload.BY_NAME[name].rule,
            }
            self.log(
                f"{name:<24} segdsl {fmt_s(ours):>10}  hand {fmt_s(theirs):>10}  ratio {ours / theirs:5.2f}x"
            )
        ratios = [v["ratio"] for v in out.values()]
        geo = float(statistics.geometric_mean(ratios))
        self.results["single"] = {"segments": out, "geomean_ratio": geo, "worst_ratio": max(ratios)}
        self.log(f"geometric mean ratio {geo:.2f}x, worst {max(ratios):.2f}x   (target <= 1.1x)")

    def pandas(self, ds: datagen.Dataset) -> None:
        self.log(f"\n== pandas, as an analyst would (median of {self.ns.slow_reps}) ==")
        pd_ = self.run(self.task("pandas", ds, self.names50, self.ns.slow_reps))
        agree("pandas", self.reference, pd_["sizes"])
        compute = median(pd_["seconds"])
        fused_s = self.results["fused"]["median_s"]
        self.results["pandas"] = {**self._summary(pd_), "load_s": pd_["load_s"]}
        self.log(f"read Parquet into pandas          {fmt_s(pd_['load_s']):>10}")
        self.log(
            f"features + 50 masks               {fmt_s(compute):>10}   = {compute / fused_s:.1f}x fused   (target >= 20x)"
        )
        self.log(
            f"load + compute                    {fmt_s(compute + pd_['load_s']):>10}   = {(compute + pd_['load_s']) / fused_s:.1f}x fused   peak {fmt_mib(pd_.get('peak_rss_mib'))}"
        )

    def compile(self, ds: datagen.Dataset) -> None:
        n = self.ns.compile_n
        self.log(f"\n== compile throughput: {n} generated segments ==")
        folder = workload.write_generated_project(ds, ds.root / f"generated-{n}", n)
        c = self.run({"kind": "compile", "project": str(folder)})
        per_s = c["segments"] / c["one_by_one_s"]
        c["segments_per_s"] = per_s
        c["load_segments_per_s"] = c["segments"] / c["load_s"]
        self.results["compile"] = c
        self.log(
            f"parse + resolve                   {fmt_s(c['load_s']):>10}   {c['load_segments_per_s']:,.0f} segments/s"
        )
        self.log(
            f"compile one at a time            {fmt_s(c['one_by_one_s']):>10}   {per_s:,.0f} segments/s   (target >= 2,000/s)"
        )
        if c.get("one_by_one_cpu_s"):
            c["segments_per_cpu_s"] = c["segments"] / c["one_by_one_cpu_s"]
            self.log(
                f"  per CPU second (less noisy)     {c['segments_per_cpu_s']:>10,.0f} segments/s"
            )
        self.log(f"  of which IR -> sqlglot tree     {fmt_s(c['tree_s']):>10}")
        self.log(f"  of which tree -> SQL text       {fmt_s(c['text_s']):>10}")
        self.log(f"all in one membership statement   {fmt_s(c['membership_s']):>10}")
        if self.ns.cold_runs > 0:
            import cold_start

            self.log(f"\n== CLI cold start on examples/retail (median of {self.ns.cold_runs}) ==")
            cs = cold_start.measure(self.ns.cold_runs, ["check", "lint", "compile (snowflake)"])
            self.results["cold_start"] = cs
            for name, r in cs.items():
                target = "   (target <= 0.5 s)" if name in ("check", "lint") else ""
                self.log(f"{name:<24} {fmt_s(float(r['median_s'])):>10}{target}")

    def scaling(self, ds: datagen.Dataset) -> None:
        ns = self.ns
        self.log("\n== scaling: events (50 segments) ==")
        rows: list[dict[str, Any]] = []
        for events in (ds.events // 20, ds.events // 4, ds.events):
            if events == ds.events and "fused" in self.results and "floor" in self.results:
                f, fl = self.results["fused"], self.results["floor"]
                row = {
                    "events": events,
                    "fused_s": f["median_s"],
                    "fused_peak_mib": f.get("peak_rss_mib"),
                    "floor_s": fl["median_s"],
                    "floor_peak_mib": fl.get("peak_rss_mib"),
                }
            else:
                sub = datagen.ensure(ns.data, ds.customers, events)
                f = self.run(self.task("fused", sub, self.names50, ns.scaling_reps))
                fl = self.run(self.task("floor", sub, self.names50, ns.scaling_reps))
                agree(f"the floor at {events:,} events", f["sizes"], fl["sizes"])
                row = {
                    "events": events,
                    "fused_s": median(f["seconds"]),
                    "fused_peak_mib": f.get("peak_rss_mib"),
                    "floor_s": median(fl["seconds"]),
                    "floor_peak_mib": fl.get("peak_rss_mib"),
                }
            rows.append(row)
            self.log(
                f"{events:>12,} events   fused {fmt_s(row['fused_s']):>10} peak {fmt_mib(row['fused_peak_mib']):>10}"
                f"   floor {fmt_s(row['floor_s']):>10} peak {fmt_mib(row['floor_peak_mib']):>10}"
            )
        self.results["scaling_events"] = rows
        self.log(f"\n== scaling: segments ({ds.events:,} events) ==")
        seg_rows: list[dict[str, Any]] = []
        for n in SEGMENT_COUNTS:
            names = [s.name for s in workload.workload(n)]
            if n == len(self.names50) and "fused" in self.results and "floor" in self.results:
                f, fl = self.results["fused"], self.results["floor"]
                row = {
                    "segments": n,
                    "fused_s": f["median_s"],
                    "fused_peak_mib": f.get("peak_rss_mib"),
                    "floor_s": fl["median_s"],
                    "floor_peak_mib": fl.get("peak_rss_mib"),
                }
            else:
                f = self.run(self.task("fused", ds, names, ns.scaling_reps))
                fl = self.run(self.task("floor", ds, names, ns.scaling_reps))
                agree(f"the floor with {n} segments", f["sizes"], fl["sizes"])
                if self.reference:
                    agree(
                        f"fused with {n} segments",
                        {k: v for k, v in self.reference.items() if k in f["sizes"]},
                        {k: v for k, v in f["sizes"].items() if k in self.reference},
                    )
                row = {
                    "segments": n,
                    "fused_s": median(f["seconds"]),
                    "fused_peak_mib": f.get("peak_rss_mib"),
                    "floor_s": median(fl["seconds"]),
                    "floor_peak_mib": fl.get("peak_rss_mib"),
                }
            seg_rows.append(row)
            self.log(
                f"{n:>5} segments   fused {fmt_s(row['fused_s']):>10} peak {fmt_mib(row['fused_peak_mib']):>10}"
                f"   floor {fmt_s(row['floor_s']):>10} peak {fmt_mib(row['floor_peak_mib']):>10}"
            )
        self.results["scaling_segments"] = seg_rows

    @staticmethod
    def _summary(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "seconds": r["seconds"],
            "median_s": median(r["seconds"]),
            "cpu_s": median(r["cpu_seconds"]) if r.get("cpu_seconds") else None,
            "peak_rss_mib": r.get("peak_rss_mib"),
            "setup_rss_mib": r.get("setup_rss_mib"),
            **({"compile_s": r["compile_s"]} if "compile_s" in r else {}),
            "members": {k: v[0] for k, v in r["sizes"].items()},
        }


# ---- targets -------------------------------------------------------------------------------------


def targets(res: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(key: str, what: str, value: float, target: str, met: bool, unit: str = "x") -> None:
        out.append(
            {
                "id": key,
                "what": what,
                "value": round(value, 3),
                "unit": unit,
                "target": target,
                "met": met,
            }
        )

    if "single" in res:
        g = res["single"]["geomean_ratio"]
        add("1", "one segment: segdsl / hand-written SQL (geometric mean)", g, "<= 1.1x", g <= 1.1)
    if "one_by_one" in res:
        fused = res["fused"]["median_s"]
        r = res["one_by_one"]["median_s"] / fused
        add("2a", "50 segments: one-by-one / fused", r, ">= 10x", r >= 10)
        r = fused / res["one_by_one"]["median_single_s"]
        add("2b", "50 segments fused / one single-segment query (median)", r, "<= 2x", r <= 2)
    if "pandas" in res:
        r = res["pandas"]["median_s"] / res["fused"]["median_s"]
        add("3", "pandas (features + masks, data in memory) / fused", r, ">= 20x", r >= 20)
    if "floor" in res:
        r = res["fused"]["median_s"] / res["floor"]["median_s"]
        add("4", "fused / hand-written floor", r, "<= 1.5x", r <= 1.5)
    if "compile" in res:
        r = res["compile"]["segments_per_s"]
        add("5a", "segments compiled per second, one at a time", r, ">= 2000/s", r >= 2000, "/s")
    if "cold_start" in res:
        for name in ("check", "lint"):
            r = float(res["cold_start"][name]["median_s"])
            add(f"5-{name}", f"`segdsl {name}` cold start", r, "<= 0.5 s", r <= 0.5, "s")
    if "scaling_events" in res:
        rows = res["scaling_events"]
        # linear: a straight line t = a + b · events through the points, off by at
        # most 15% of the largest time anywhere
        xs = [float(r["events"]) for r in rows]
        ys = [float(r["fused_s"]) for r in rows]
        slope, intercept = statistics.linear_regression(xs, ys)
        worst = max(abs(y - (intercept + slope * x)) for x, y in zip(xs, ys, strict=True))
        worst /= max(ys)
        res["scaling_fit"] = {"seconds_at_0": intercept, "seconds_per_million": slope * 1e6}
        add(
            "6a",
            "largest distance from a line (time vs events)",
            worst,
            "<= 0.15",
            worst <= 0.15,
            "",
        )
        peak = max((r["fused_peak_mib"] or 0) for r in rows) / 1024
        if peak:
            add("6b", "peak memory, largest scale (GiB)", peak, "< 24 GiB", peak < 24, "GiB")
    return out


# ---- output --------------------------------------------------------------------------------------


def chart(res: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    p = res["params"]
    fig.suptitle(
        f"segdsl benchmarks: {p['customers']:,} customers, {p['events']:,} events "
        f"({res['machine'].get('cores')} cores, {res['machine']['date'][:10]})"
    )
    ax = axes[0][0]
    bars: list[tuple[str, float]] = []
    if "floor" in res:
        bars.append(("hand-written floor", res["floor"]["median_s"]))
    bars.append(("segdsl fused", res["fused"]["median_s"]))
    if "evaluate" in res:
        bars.append(("Project.evaluate\n(incl. member lists)", res["evaluate"]["median_s"]))
    if "one_by_one" in res:
        bars.append(("one statement\nper segment", res["one_by_one"]["median_s"]))
    if "pandas" in res:
        bars.append(("pandas\n(data in memory)", res["pandas"]["median_s"]))
        bars.append(
            ("pandas\n(incl. reading Parquet)", res["pandas"]["median_s"] + res["pandas"]["load_s"])
        )
    labels, values = zip(*bars, strict=True)
    colors = [
        "#999999"
        if "floor" in lab
        else "#1f77b4"
        if "segdsl" in lab or "Project" in lab
        else "#d62728"
        for lab in labels
    ]
    ax.barh(range(len(values)), values, color=colors)
    ax.set_yticks(range(len(values)), labels)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("seconds (log scale)")
    ax.set_title("50 segments")
    for i, v in enumerate(values):
        ax.text(v, i, f" {v:.2f} s", va="center", fontsize=8)
    ax = axes[0][1]
    if "single" in res:
        segs = res["single"]["segments"]
        names = list(segs)
        x = range(len(names))
        ax.bar(
            [i - 0.2 for i in x], [segs[n]["segdsl_s"] for n in names], width=0.4, label="segdsl"
        )
        ax.bar(
            [i + 0.2 for i in x],
            [segs[n]["handwritten_s"] for n in names],
            width=0.4,
            label="hand-written",
            color="#999999",
        )
        ax.set_xticks(list(x), [n.replace("_", "\n", 1) for n in names], fontsize=7)
        ax.set_ylabel("seconds")
        ax.set_title(
            f"one segment (segdsl / hand-written: {res['single']['geomean_ratio']:.2f}x geo. mean)"
        )
        ax.legend()
    ax = axes[1][0]
    if "scaling_events" in res:
        rows = res["scaling_events"]
        ev = [r["events"] / 1e6 for r in rows]
        ax.plot(ev, [r["fused_s"] for r in rows], "o-", label="segdsl fused: time")
        ax.plot(ev, [r["floor_s"] for r in rows], "s--", color="#999999", label="floor: time")
        ax.set_xlabel("millions of events")
        ax.set_ylabel("seconds")
        ax.set_title("scaling with events (50 segments)")
        peaks = [r["fused_peak_mib"] for r in rows]
        if all(p_ is not None for p_ in peaks):
            ax2 = ax.twinx()
            ax2.plot(
                ev,
                [p_ / 1024 for p_ in peaks],
                "^:",
                color="#2ca02c",
                label="segdsl fused: peak memory",
            )
            floor_peaks = [r["floor_peak_mib"] or 0 for r in rows]
            ax2.plot(
                ev,
                [p_ / 1024 for p_ in floor_peaks],
                "v:",
                color="#98df8a",
                label="floor: peak memory",
            )
            ax2.set_ylim(bottom=0)
            ax2.set_ylabel("peak memory, GiB")
            ax2.legend(loc="lower right")
        ax.legend(loc="upper left")
    ax = axes[1][1]
    if "scaling_segments" in res:
        rows = res["scaling_segments"]
        n = [r["segments"] for r in rows]
        ax.plot(n, [r["fused_s"] for r in rows], "o-", label="segdsl fused")
        ax.plot(n, [r["floor_s"] for r in rows], "s--", color="#999999", label="floor")
        if "one_by_one" in res:
            single = res["one_by_one"]["median_single_s"]
            ax.plot(
                n,
                [single * k for k in n],
                ":",
                color="#d62728",
                label="one by one (median single x n)",
            )
            ax.set_yscale("log")
        ax.set_xscale("log")
        ax.set_xlabel("segments")
        ax.set_ylabel("seconds")
        ax.set_title("scaling with segments")
        ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default="default",
        help="preset sizes (default: %(default)s)",
    )
    parser.add_argument("--customers", type=int, help="number of customers (overrides --scale)")
    parser.add_argument(
        "--events", type=int, help="number of events, orders included (overrides --scale)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=datagen.DEFAULT_DATA,
        help="cache folder for generated data (default: %(default)s)",
    )
    parser.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help="comma-separated scenarios: " + ", ".join(SCENARIOS),
    )
    parser.add_argument(
        "--reps", type=int, default=3, help="repetitions of fast measurements (median; default 3)"
    )
    parser.add_argument(
        "--slow-reps",
        type=int,
        default=1,
        help="repetitions of one-by-one, pandas and Project.evaluate (default 1)",
    )
    parser.add_argument(
        "--scaling-reps",
        type=int,
        default=1,
        help="repetitions of each scaling point other than the main one (default 1)",
    )
    parser.add_argument(
        "--compile-n", type=int, default=1000, help="generated segments for the compile benchmark"
    )
    parser.add_argument(
        "--cold-runs", type=int, default=5, help="runs per command for the cold start (0: skip)"
    )
    parser.add_argument(
        "--inline", action="store_true", help="measure in this process (no peak memory); for CI"
    )
    parser.add_argument(
        "--json", type=Path, help="where to write the results (default: DATA/results-C-E.json)"
    )
    parser.add_argument(
        "--chart", type=Path, help="where to write the chart (default: next to the JSON)"
    )
    parser.add_argument(
        "--no-chart", action="store_true", help="do not draw the chart (no matplotlib needed)"
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help="also write benchmarks/results.json and docs/benchmarks.png",
    )
    ns = parser.parse_args(argv)
    customers, events = SCALES[ns.scale]
    ns.customers = ns.customers or customers
    ns.events = ns.events or events
    ns.only = {s.strip() for s in ns.only.split(",") if s.strip()}
    unknown = ns.only - set(SCENARIOS)
    if unknown:
        parser.error(
            f"unknown scenario(s) {', '.join(sorted(unknown))}; choose from {', '.join(SCENARIOS)}"
        )
    if ns.customers < 100 or ns.events < 1000:
        parser.error("use at least 100 customers and 1,000 events")
    return ns


def main(argv: list[str] | None = None) -> int:
    ns = parse_args(argv)
    started = time.perf_counter()
    suite = Suite(ns)
    res = suite.results
    res["machine"] = machine()
    res["params"] = {
        "customers": ns.customers,
        "events": ns.events,
        "reps": ns.reps,
        "slow_reps": ns.slow_reps,
        "inline": ns.inline,
        "as_of": datagen.AS_OF.isoformat(),
        "scenarios": sorted(ns.only),
    }
    print(
        f"segdsl benchmarks: {ns.customers:,} customers, {ns.events:,} events, data in {ns.data}",
        flush=True,
    )
    t0 = time.perf_counter()
    ds = datagen.ensure(ns.data, ns.customers, ns.events)
    res["dataset"] = {
        **ds.meta,
        "root": str(ds.root),
        "ensure_s": round(time.perf_counter() - t0, 2),
    }
    status = 0
    try:
        if ns.only & {"single", "fused", "pandas", "floor", "scaling"}:
            suite.fused(ds)
        if "floor" in ns.only or "scaling" in ns.only:
            suite.floor(ds)
        if "single" in ns.only:
            suite.single(ds)
        if "pandas" in ns.only:
            suite.pandas(ds)
        if "compile" in ns.only:
            suite.compile(ds)
        if "scaling" in ns.only:
            suite.scaling(ds)
        res["agreement"] = (
            "every method gave the same members (count and key sum) for every segment"
        )
    except Disagreement as exc:
        print(f"\nDISAGREEMENT: {exc}", file=sys.stderr)
        res["agreement"] = f"FAILED: {exc}"
        status = 1
    res["targets"] = targets(res)
    res["total_s"] = round(time.perf_counter() - started, 1)
    if res["targets"]:
        print("\n== targets ==")
        for t in res["targets"]:
            value = f"{t['value']:,.2f}{t['unit'] if t['unit'] != 's' else ' s'}"
            print(
                f"{'met ' if t['met'] else 'MISSED'} {t['id']:<8} {t['what']:<58} {value:>12}  target {t['target']}"
            )
    print(f"\ntotal {res['total_s']:.0f} s")
    out_json = ns.json or ns.data / f"results-c{ns.customers}-e{ns.events}.json"
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(res, indent=2) + "\n")
    print(f"results: {out_json}")
    targets_json = [out_json]
    if ns.publish:
        published = HERE / "results.json"
        published.write_text(json.dumps(res, indent=2) + "\n")
        targets_json.append(published)
    if not ns.no_chart and "fused" in res:
        out_png = ns.chart or out_json.with_suffix(".png")
        chart(res, out_png)
        print(f"chart:   {out_png}")
        if ns.publish:
            chart(res, ROOT / "docs" / "benchmarks.png")
    return status


if __name__ == "__main__":
    sys.exit(main())
