"""Text, Markdown and HTML reports of `segdsl lift` and `segdsl profile`."""

from __future__ import annotations

import html
import math

from segdsl.tools.measure.lift import Lift
from segdsl.tools.measure.profile import Categorical, Numeric, Profile

SRM_ALPHA = 0.001  # below this p-value the split is reported as a mismatch


def _g(x: float | None, digits: int = 4) -> str:
    """A number for people: 4 significant digits, whole numbers with separators from
    1,000 on."""
    if x is None or math.isnan(x) or math.isinf(x):
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def _pct(x: float | None, sign: bool = False) -> str:
    if x is None or math.isnan(x) or math.isinf(x):
        return "-"
    return f"{x * 100:+.1f}%" if sign else f"{x * 100:.1f}%"


def _p(p: float) -> str:
    if math.isnan(p):
        return "-"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}"


def _lift_lines(r: Lift) -> list[tuple[str, str]]:
    """(label, text) pairs shared by the text and Markdown reports."""
    w = r.welch
    rows = [
        (
            "difference",
            f"{_g(w.difference)}  95% CI [{_g(w.ci95[0])}, {_g(w.ci95[1])}]  p = {_p(w.p_value)}",
        )
    ]
    if r.relative is not None:
        rel, (lo, hi) = r.relative
        rows.append(
            (
                "relative lift",
                f"{_pct(rel, True)}  95% CI [{_pct(lo, True)}, {_pct(hi, True)}] (delta method)",
            )
        )
    else:
        rows.append(("relative lift", "- (the control's mean is 0)"))
    if r.cuped is not None:
        c = r.cuped
        cw = c.welch
        rows.append(
            (
                f"CUPED ({r.pre_days} days before)",
                f"{_g(cw.difference)}  95% CI [{_g(cw.ci95[0])}, {_g(cw.ci95[1])}]  "
                f"p = {_p(cw.p_value)}  (θ = {_g(c.theta)}, variance {_pct(-c.variance_reduction, True)})",
            )
        )
    if r.srm is not None:
        s = r.srm
        verdict = "MISMATCH: do not trust the comparison" if s.p_value < SRM_ALPHA else "ok"
        where = "from the control's rule" if s.source == "rule" else "given"
        rows.append(
            (
                "sample ratio",
                f"control {_pct(s.observed_share)} of {r.treatment.members + r.control.members:,}, "
                f"expected {_pct(s.expected_share)} ({where}): p = {_p(s.p_value)}  {verdict}",
            )
        )
    else:
        rows.append(("sample ratio", "- (give --expected-control-share)"))
    mde_rel = (
        f" ({_pct(r.mde / r.control.moments.mean)} of the control's mean)"
        if r.control.moments.mean
        else ""
    )
    rows.append(("detectable", f"{_g(r.mde)}{mde_rel} with 80% power at 5% (two-sided)"))
    return rows


def _header(r: Lift) -> str:
    what = "conversion rate" if r.is_rate else "mean"
    return (
        f"lift of {r.metric} ({what} per entity) over [{r.start.isoformat()}, "
        f"{r.end.isoformat()}) UTC; membership at the start"
    )


def lift_text(r: Lift) -> str:
    out = [_header(r), ""]
    width = max(len(r.treatment.segment), len(r.control.segment), 7)
    out.append(f"{'':<9}  {'segment':<{width}}  {'members':>9}  {'n':>9}  {'mean':>10}  {'sd':>10}")
    for label, g in (("treatment", r.treatment), ("control", r.control)):
        out.append(
            f"{label:<9}  {g.segment:<{width}}  {g.members:>9,}  {g.moments.n:>9,}  "
            f"{_g(g.moments.mean):>10}  {_g(g.moments.sd):>10}"
        )
    out.append("")
    lines = _lift_lines(r)
    lw = max(len(label) for label, _ in lines)
    out += [f"{label:<{lw}}  {text}" for label, text in lines]
    return "\n".join(out)


def lift_markdown(r: Lift) -> str:
    out = [f"**{_header(r)}**", "", "| group | segment | members | n | mean | sd |"]
    out.append("|---|---|--:|--:|--:|--:|")
    for label, g in (("treatment", r.treatment), ("control", r.control)):
        out.append(
            f"| {label} | `{g.segment}` | {g.members:,} | {g.moments.n:,} | "
            f"{_g(g.moments.mean)} | {_g(g.moments.sd)} |"
        )
    out += ["", "| | |", "|---|---|"]
    out += [f"| {label} | {text} |" for label, text in _lift_lines(r)]
    return "\n".join(out)


# ---- profile ---------------------------------------------------------------------------


def _index(x: float | None) -> str:
    return "-" if x is None else f"{x:.0f}"


def _value(v: str | None) -> str:
    return "(missing)" if v is None else v


def _prof_header(p: Profile) -> str:
    base = f"`{p.base}`" if p.base else f"every {p.entity}"
    return (
        f"profile of `{p.segment}` ({p.segment_size:,}) against {base} "
        f"({p.base_size:,}) as of {p.as_of.isoformat()} UTC"
    )


def profile_text(p: Profile) -> str:
    out = [_prof_header(p)]
    titles = {"attribute": "attribute", "segmentation": "segmentation", "list": "list, by element"}
    for section in (p.categorical, p.lists):
        for c in section:
            title = titles.get(c.kind, c.kind)
            out += ["", f"{c.name}  ({title}; distinctiveness {c.distinctiveness:.3f})"]
            vw = min(30, max([9] + [len(_value(v.value)) for v in c.values]))
            out.append(f"  {'value':<{vw}}  {'segment':>8}  {'base':>8}  {'index':>6}")
            for v in c.values:
                out.append(
                    f"  {_value(v.value)[:vw]:<{vw}}  {_pct(v.segment_share):>8}  "
                    f"{_pct(v.base_share):>8}  {_index(v.index):>6}"
                )
    if p.numeric:
        out += ["", "numbers (segment | base): mean, quartiles Q1 / median / Q3, missing"]
        nw = max(len(n.name) for n in p.numeric)
        for n in p.numeric:
            out.append(f"  {n.name:<{nw}}  {_num_cell(n, 'segment')}  |  {_num_cell(n, 'base')}")
    if p.skipped:
        out += ["", "not shown (more than 100 distinct values): " + ", ".join(p.skipped)]
    return "\n".join(out)


def _num_cell(n: Numeric, which: str) -> str:
    s = n.segment if which == "segment" else n.base
    missing = n.missing_segment if which == "segment" else n.missing_base
    return f"{_g(s.mean):>9}  {_g(s.q1):>8} / {_g(s.median):>8} / {_g(s.q3):>8}  {_pct(missing):>6}"


def profile_markdown(p: Profile) -> str:
    out = [f"**{_prof_header(p)}**"]
    for c in [*p.categorical, *p.lists]:
        out += [
            "",
            f"**{c.name}** (distinctiveness {c.distinctiveness:.3f})",
            "",
            "| value | segment | base | index |",
            "|---|--:|--:|--:|",
        ]
        out += [
            f"| {_value(v.value)} | {_pct(v.segment_share)} | {_pct(v.base_share)} | "
            f"{_index(v.index)} |"
            for v in c.values
        ]
    if p.numeric:
        out += [
            "",
            "| number | kind | mean (segment) | Q1 / median / Q3 (segment) | mean (base) | "
            "Q1 / median / Q3 (base) |",
            "|---|---|--:|--:|--:|--:|",
        ]
        for n in p.numeric:
            s, b = n.segment, n.base
            out.append(
                f"| {n.name} | {n.kind} | {_g(s.mean)} | {_g(s.q1)} / {_g(s.median)} / "
                f"{_g(s.q3)} | {_g(b.mean)} | {_g(b.q1)} / {_g(b.median)} / {_g(b.q3)} |"
            )
    return "\n".join(out)


_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1b1b1b; max-width: 70em; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { padding: 3px 8px; text-align: right; border-bottom: 1px solid #eee; }
th.l, td.l { text-align: left; }
.bar { height: 0.8em; display: inline-block; vertical-align: middle; }
.s { background: #2b6cb0; } .b { background: #a0aec0; }
td.bars { width: 22em; text-align: left; }
small { color: #555; }
"""


def _bars(seg: float, base: float, scale: float) -> str:
    ws = 0 if scale <= 0 else round(20 * seg / scale, 2)
    wb = 0 if scale <= 0 else round(20 * base / scale, 2)
    return (
        f'<span class="bar s" style="width:{ws}em"></span><br>'
        f'<span class="bar b" style="width:{wb}em"></span>'
    )


def _cat_html(c: Categorical) -> list[str]:
    e = html.escape
    scale = max([v.segment_share for v in c.values] + [v.base_share for v in c.values] + [0.0])
    rows = [
        f"<h2>{e(c.name)} <small>distinctiveness {c.distinctiveness:.3f}</small></h2>",
        '<table><tr><th class="l">value</th><th>segment</th><th>base</th><th>index</th>'
        '<th class="l">share</th></tr>',
    ]
    for v in c.values:
        rows.append(
            f'<tr><td class="l">{e(_value(v.value))}</td><td>{_pct(v.segment_share)}</td>'
            f"<td>{_pct(v.base_share)}</td><td>{_index(v.index)}</td>"
            f'<td class="bars">{_bars(v.segment_share, v.base_share, scale)}</td></tr>'
        )
    rows.append("</table>")
    return rows


def _num_html(n: Numeric) -> list[str]:
    e = html.escape
    s, b = n.segment, n.base
    scale = max(abs(x) for x in [s.mean or 0.0, b.mean or 0.0, 0.0]) or 1.0
    return [
        f'<tr><td class="l">{e(n.name)} <small>{n.kind}</small></td>'
        f"<td>{_g(s.mean)}</td><td>{_g(s.q1)} / {_g(s.median)} / {_g(s.q3)}</td>"
        f"<td>{_g(b.mean)}</td><td>{_g(b.q1)} / {_g(b.median)} / {_g(b.q3)}</td>"
        f'<td class="bars">{_bars(abs(s.mean or 0.0), abs(b.mean or 0.0), scale)}</td></tr>'
    ]


def profile_html(p: Profile) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>segdsl profile of {e(p.segment)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(_prof_header(p))}</h1>",
        '<p>Bars: <span class="bar s" style="width:2em"></span> the segment, '
        '<span class="bar b" style="width:2em"></span> the base. Index: 100 × the '
        "segment's share / the base's share. Sections are sorted by distinctiveness.</p>",
    ]
    for c in [*p.categorical, *p.lists]:
        parts += _cat_html(c)
    if p.numeric:
        parts.append(
            '<h2>numbers</h2><table><tr><th class="l">name</th><th>mean (segment)</th>'
            "<th>Q1 / median / Q3</th><th>mean (base)</th><th>Q1 / median / Q3</th>"
            '<th class="l">means</th></tr>'
        )
        for n in p.numeric:
            parts += _num_html(n)
        parts.append("</table>")
    if p.skipped:
        parts.append(
            "<p><small>Not shown (more than 100 distinct values): "
            + e(", ".join(p.skipped))
            + "</small></p>"
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
