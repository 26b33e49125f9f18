"""Markdown tables of a results file, for docs/benchmarks.md.

python benchmarks/report.py [benchmarks/results.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def mib(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MiB"


def report(res: dict[str, Any]) -> str:
    out: list[str] = []
    m, p = res["machine"], res["params"]
    out.append(
        f"{p['customers']:,} customers, {p['events']:,} events; {m.get('cpu', '?')}, "
        f"{m.get('cores')} cores, {m.get('ram_gib')} GiB; Python {m['python']}, "
        f"DuckDB {m.get('duckdb')}, sqlglot {m.get('sqlglot')}, pandas {m.get('pandas', '–')}; "
        f"{m['date']}; load average at start {m['load_avg_at_start']}; suite {res['total_s']:.0f} s."
    )
    out.append("")
    fused = res["fused"]["median_s"]
    out.append("| 50 segments | wall time | CPU time | × fused | peak memory |")
    out.append("|---|---:|---:|---:|---:|")
    rows = [("segdsl fused (one membership statement)", res["fused"])]
    if "floor" in res:
        rows.append(("hand-written floor (one pass)", res["floor"]))
    if "evaluate" in res:
        rows.append(("`Project.evaluate` (end to end, member lists)", res["evaluate"]))
    if "one_by_one" in res:
        rows.append(("one segdsl statement per segment", res["one_by_one"]))
    if "pandas" in res:
        rows.append(("pandas, data already in memory", res["pandas"]))
    for label, r in rows:
        out.append(
            f"| {label} | {s(r['median_s'])} | {s(r.get('cpu_s'))} | "
            f"{r['median_s'] / fused:.2f} | {mib(r.get('peak_rss_mib'))} |"
        )
    if "pandas" in res:
        total = res["pandas"]["median_s"] + res["pandas"]["load_s"]
        out.append(
            f"| pandas, reading the Parquet files first (+{s(res['pandas']['load_s'])}) | "
            f"{s(total)} | – | {total / fused:.2f} | – |"
        )
    if "one_by_one" in res:
        o = res["one_by_one"]
        out.append(
            f"| one single-segment statement (median of the 50) | {s(o['median_single_s'])} | – | "
            f"{o['median_single_s'] / fused:.3f} | – |"
        )
        out.append(
            f"| the slowest single segment (`{o['slowest_single']}`) | {s(o['slowest_single_s'])}"
            f" | – | {o['slowest_single_s'] / fused:.3f} | – |"
        )
    if "single" in res:
        out.append("")
        out.append("| one segment | rule | members | segdsl | hand-written | ratio |")
        out.append("|---|---|---:|---:|---:|---:|")
        for name, r in res["single"]["segments"].items():
            out.append(
                f"| `{name}` | `{r['rule']}` | {r['members']:,} | {s(r['segdsl_s'])} | "
                f"{s(r['handwritten_s'])} | {r['ratio']:.2f} |"
            )
        out.append(f"| geometric mean | | | | | **{res['single']['geomean_ratio']:.2f}** |")
    if "compile" in res:
        c = res["compile"]
        out.append("")
        out.append(f"| compile ({c['segments']:,} generated segments) | time | segments/s |")
        out.append("|---|---:|---:|")
        out.append(
            f"| parse + resolve (`load_project`) | {s(c['load_s'])} | {c['segments'] / c['load_s']:,.0f} |"
        )
        out.append(
            f"| compile one at a time (tree + SQL text) | {s(c['one_by_one_s'])} | "
            f"{c['segments'] / c['one_by_one_s']:,.0f} |"
        )
        if c.get("one_by_one_cpu_s"):
            out.append(
                f"| … in CPU time | {s(c['one_by_one_cpu_s'])} | "
                f"{c['segments'] / c['one_by_one_cpu_s']:,.0f} |"
            )
        out.append(f"| … of which IR → sqlglot tree | {s(c['tree_s'])} | |")
        out.append(f"| … of which sqlglot tree → SQL text | {s(c['text_s'])} | |")
        out.append(f"| all in one `--membership` statement | {s(c['membership_s'])} | |")
    if "cold_start" in res:
        out.append("")
        out.append("| cold start (`examples/retail`) | median | best |")
        out.append("|---|---:|---:|")
        for name, r in res["cold_start"].items():
            out.append(f"| `segdsl {name}` | {s(r['median_s'])} | {s(r['best_s'])} |")
    if "scaling_events" in res:
        out.append("")
        out.append("| events (50 segments) | segdsl fused | peak | floor | peak |")
        out.append("|---:|---:|---:|---:|---:|")
        for r in res["scaling_events"]:
            out.append(
                f"| {r['events']:,} | {s(r['fused_s'])} | {mib(r['fused_peak_mib'])} | "
                f"{s(r['floor_s'])} | {mib(r['floor_peak_mib'])} |"
            )
        out.append("")
        out.append(f"| segments ({p['events']:,} events) | segdsl fused | peak | floor | peak |")
        out.append("|---:|---:|---:|---:|---:|")
        for r in res.get("scaling_segments", []):
            out.append(
                f"| {r['segments']} | {s(r['fused_s'])} | {mib(r['fused_peak_mib'])} | "
                f"{s(r['floor_s'])} | {mib(r['floor_peak_mib'])} |"
            )
    if res.get("targets"):
        out.append("")
        out.append("| # | target | measured | met |")
        out.append("|---|---|---:|---|")
        for t in res["targets"]:
            unit = {"x": "×", "s": " s", "/s": "/s", "GiB": " GiB"}.get(t["unit"], t["unit"])
            out.append(
                f"| {t['id']} | {t['what']}: {t['target']} | {t['value']:,.2f}{unit} | "
                f"{'yes' if t['met'] else '**no**'} |"
            )
    return "\n".join(out)


def main() -> None:
    """`report.py [RESULTS] [--chart PNG]`: print the tables; redraw the chart."""
    args = sys.argv[1:]
    chart_to = None
    if "--chart" in args:
        i = args.index("--chart")
        chart_to = Path(args[i + 1])
        del args[i : i + 2]
    path = Path(args[0]) if args else HERE / "results.json"
    res = json.loads(path.read_text())
    print(report(res))
    if chart_to is not None:
        sys.path.insert(0, str(HERE))
        import run

        run.chart(res, chart_to)


if __name__ == "__main__":
    main()
