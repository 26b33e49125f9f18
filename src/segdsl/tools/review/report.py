"""Printing a :class:`~segdsl.tools.review.diff.DiffReport`: text (a terminal), markdown (a
pull-request comment) and JSON (programs; stable keys, sorted)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from segdsl.tools.review.diff import DiffReport, MeasureChange, Membership, SegmentChange
from segdsl.tools.review.ruletree import RuleDiff

__all__ = ["FORMATS", "render", "to_json", "to_markdown", "to_text"]

FORMATS = ("text", "markdown", "json")
JSON_VERSION = 1


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _counts(items: list[SegmentChange] | list[MeasureChange]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item.status] = out.get(item.status, 0) + 1
    return out


def _summary(items: list[SegmentChange] | list[MeasureChange], word: str) -> str:
    counts = _counts(items)
    if not counts:
        return f"no {word} changed"
    parts = [f"{counts[s]} {s}" for s in ("changed", "added", "removed", "renamed") if s in counts]
    return f"{word}s: " + ", ".join(parts)


def _title(report: DiffReport) -> str:
    return f"{report.base.label} → {report.head.label}"


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _key(k: Any) -> Any:
    """A member key as JSON: numbers and text as they are, anything else as text."""
    if k is None or isinstance(k, bool | int | str):
        return k
    if isinstance(k, float):
        return k
    if isinstance(k, Decimal):
        return str(k)
    if isinstance(k, dt.date | dt.datetime):
        return k.isoformat()
    return str(k)


def _keys(keys: tuple[Any, ...]) -> str:
    return ", ".join(str(_key(k)) for k in keys)


def _via(s: SegmentChange | MeasureChange) -> str:
    return ", ".join("the catalog" if d.kind == "catalog" else f"{d.kind} {d.name}" for d in s.via)


def _change(s: SegmentChange) -> str:
    """What changed, in a few words."""
    if s.status == "renamed":
        return f"renamed from {s.old_name}"
    if s.status != "changed":
        return s.status
    what = []
    if s.rule is not None:
        what.append("rule")
    if s.via:
        what.append("via " + _via(s))
    if s.metadata:
        what.append(", ".join(m.field for m in s.metadata))
    return "; ".join(what)


# ---- JSON -----------------------------------------------------------------------------------


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def _rule_json(rule: RuleDiff | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    return {
        "joined_by": rule.joined_by,
        "parts": [{"op": p.op, "before": p.before, "after": p.after} for p in rule.parts],
    }


def _membership_json(m: Membership | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {
        "before": m.before,
        "after": m.after,
        "entered": m.entered,
        "left": m.left,
        "entered_sample": [_key(k) for k in m.entered_sample],
        "left_sample": [_key(k) for k in m.left_sample],
        "jaccard": _round(m.jaccard),
        "share": _round(m.share),
    }


def to_json(report: DiffReport) -> dict[str, Any]:
    """The report as plain data (see docs/review.md for every field)."""

    def version(v: Any) -> dict[str, Any]:
        return {"label": v.label, "rev": v.rev, "commit": v.commit}

    return {
        "version": JSON_VERSION,
        "project": report.project,
        "base": version(report.base),
        "head": version(report.head),
        "as_of": report.as_of.isoformat() if report.as_of is not None else None,
        "evaluated": report.evaluated,
        "note": report.eval_note or None,
        "fail_above": report.fail_above,
        "failed": [s.name for s in report.failing],
        "summary": {"segments": _counts(report.segments), "measures": _counts(report.measures)},
        "segments": [
            {
                "name": s.name,
                "status": s.status,
                "old_name": s.old_name,
                "entity": s.entity,
                "file": s.file,
                "base_file": s.base_file,
                "rule": _rule_json(s.rule),
                "via": [{"kind": d.kind, "name": d.name} for d in s.via],
                "metadata": [
                    {"field": m.field, "before": m.before, "after": m.after} for m in s.metadata
                ],
                "membership": _membership_json(s.membership),
            }
            for s in report.segments
        ],
        "measures": [
            {
                "name": m.name,
                "status": m.status,
                "old_name": m.old_name,
                "entity": m.entity,
                "file": m.file,
                "before": m.before,
                "after": m.after,
                "via": [{"kind": d.kind, "name": d.name} for d in m.via],
            }
            for m in report.measures
        ],
    }


# ---- text -----------------------------------------------------------------------------------


def _membership_lines(m: Membership, indent: str) -> list[str]:
    if m.before is None:
        return [f"{indent}members after: {m.after:,}"]
    if m.after is None:
        return [f"{indent}members before: {m.before:,}"]
    if m.entered is None or m.left is None or m.jaccard is None or m.share is None:
        return [f"{indent}members {m.before:,} → {m.after:,} (another entity: keys not compared)"]
    out = [
        f"{indent}members {m.before:,} → {m.after:,}: {m.entered:,} entered, {m.left:,} left, "
        f"Jaccard {m.jaccard:.3f}, changed {_pct(m.share)}"
    ]
    if m.entered_sample:
        out.append(f"{indent}  entered, e.g. {_keys(m.entered_sample)}")
    if m.left_sample:
        out.append(f"{indent}  left, e.g. {_keys(m.left_sample)}")
    return out


def _file_text(s: SegmentChange | MeasureChange) -> str:
    base_file = getattr(s, "base_file", None)
    return f"{base_file} → {s.file}" if base_file else s.file


def to_text(report: DiffReport) -> str:
    out = [f"segdsl diff {_title(report)} · project {report.project}"]
    out.append(
        f"as of {report.as_of.isoformat()} UTC" if report.as_of is not None else report.eval_note
    )
    out.append("")
    out.append(_summary(report.segments, "segment"))
    out.append(_summary(report.measures, "measure"))
    for s in report.segments:
        out.append("")
        name = f"{s.name} (was {s.old_name})" if s.old_name else s.name
        out.append(f"{s.status:<8} {name}  {_file_text(s)}")
        if s.rule is not None:
            for p in s.rule.parts:
                if p.op == "changed":
                    out.append(f"  ~ {p.before} → {p.after}")
                elif p.op == "added":
                    out.append(f"  + {p.after}")
                elif p.op == "removed":
                    out.append(f"  - {p.before}")
        if s.via:
            out.append(
                f"  via {_via(s)} (the rule's text is {'also changed' if s.rule else 'the same'})"
            )
        for meta in s.metadata:
            out.append(f"  {meta.field}: {meta.before or '(none)'} → {meta.after or '(none)'}")
        if s.membership is not None:
            out.extend(_membership_lines(s.membership, "  "))
    if report.measures:
        out.append("")
        out.append("measures")
    for m in report.measures:
        name = f"{m.name} (was {m.old_name})" if m.old_name else m.name
        out.append(f"{m.status:<8} {name}  {m.file}")
        if m.status == "changed" and not m.via:
            out.append(f"  {m.before} → {m.after}")
        elif m.via:
            out.append(f"  via {_via(m)}")
        elif m.status == "added":
            out.append(f"  + {m.after}")
        elif m.status == "removed":
            out.append(f"  - {m.before}")
    if report.fail_above is not None:
        out.append("")
        failing = report.failing
        limit = _pct(report.fail_above)
        if failing:
            names = ", ".join(
                f"{s.name} ({_pct(s.membership.share)})"
                for s in failing
                if s.membership is not None and s.membership.share is not None
            )
            out.append(f"FAIL: membership changed by more than {limit}: {names}")
        else:
            out.append(f"ok: no segment's membership changed by more than {limit}")
    return "\n".join(out)


# ---- markdown -------------------------------------------------------------------------------


def _code(text: str, table: bool = False) -> str:
    """``text`` as inline code, whatever backticks it holds."""
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    out = f"{fence}{pad}{text}{pad}{fence}"
    return out.replace("|", "\\|") if table else out


def _block(lines: list[str], lang: str) -> list[str]:
    runs = [len(r) for line in lines for r in re.findall(r"`{3,}", line)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return [f"{fence}{lang}", *lines, fence]


def _num(x: int | None, sign: str = "") -> str:
    return "–" if x is None else f"{sign}{x:,}"


def _md_rule(rule: RuleDiff) -> list[str]:
    lines = []
    for k, p in enumerate(rule.parts):
        joint = f"{rule.joined_by} " if k and rule.joined_by else ""
        if p.op == "same":
            lines.append(f"  {joint}{p.after}")
        if p.op in ("changed", "removed"):
            lines.append(f"- {joint}{p.before}")
        if p.op in ("changed", "added"):
            lines.append(f"+ {joint}{p.after}")
    return _block(lines, "diff")


def _md_keys(keys: tuple[Any, ...], total: int) -> str:
    if not total:
        return "none"
    shown = ", ".join(_code(str(_key(k))) for k in keys)
    return shown + (", …" if total > len(keys) else "")


def to_markdown(report: DiffReport) -> str:
    out = [f"### segdsl diff: {_code(report.base.label)} → {_code(report.head.label)}", ""]
    head = f"Project {_code(report.project)}"
    head += (
        f", evaluated as of {report.as_of.isoformat()} UTC."
        if report.as_of is not None
        else f": {report.eval_note}."
    )
    out.append(
        head
        + " "
        + _summary(report.segments, "segment").capitalize()
        + "; "
        + _summary(report.measures, "measure")
        + "."
    )
    failing = report.failing
    if report.fail_above is not None:
        out.append("")
        limit = _pct(report.fail_above)
        if failing:
            names = ", ".join(_code(s.name) for s in failing)
            out.append(f"> **Over the limit:** membership changed by more than {limit} in {names}.")
        else:
            out.append(f"No segment's membership changed by more than {limit}.")
    if report.segments:
        out += [
            "",
            "| segment | change | before | after | entered | left | Jaccard | changed |",
            "|:--|:--|--:|--:|--:|--:|--:|--:|",
        ]
        for s in report.segments:
            m = s.membership
            cells = [_code(s.name, table=True), _change(s).replace("|", "\\|")]
            if m is None:
                cells += [""] * 6
            else:
                cells += [
                    _num(m.before),
                    _num(m.after),
                    _num(m.entered, "+"),
                    _num(m.left, "−"),
                    "–" if m.jaccard is None else f"{m.jaccard:.3f}",
                    "–" if m.share is None else _pct(m.share),
                ]
            out.append("| " + " | ".join(cells) + " |")
    if report.measures:
        out += ["", "| measure | change | before | after |", "|:--|:--|:--|:--|"]
        for mc in report.measures:
            change = mc.status if mc.status != "renamed" else f"renamed from {mc.old_name}"
            if mc.via:
                change += " via " + _via(mc)
            cells = [
                _code(mc.name, table=True),
                change,
                _code(mc.before, table=True) if mc.before else "–",
                _code(mc.after, table=True) if mc.after else "–",
            ]
            out.append("| " + " | ".join(cells) + " |")
    for s in report.segments:
        if s.status == "renamed" and not s.metadata:
            continue
        out += ["", f"#### {_code(s.name)} ({_change(s)})", ""]
        facts = [f"in {_code(_file_text(s))}"]
        if s.via:
            facts.append(
                "uses "
                + ", ".join(
                    "the catalog" if d.kind == "catalog" else f"{d.kind} {_code(d.name)}"
                    for d in s.via
                )
                + ", which changed"
            )
        out.append("; ".join(facts) + ".")
        if s.rule is not None:
            out += ["", *_md_rule(s.rule)]
        for meta in s.metadata:
            out.append(f"- {meta.field}: {meta.before or '(none)'} → {meta.after or '(none)'}")
        m = s.membership
        if m is not None and m.entered is not None and m.left is not None:
            out += [
                "",
                f"- entered ({m.entered:,}): {_md_keys(m.entered_sample, m.entered)}",
                f"- left ({m.left:,}): {_md_keys(m.left_sample, m.left)}",
            ]
    return "\n".join(out)


def render(report: DiffReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(report), indent=2, sort_keys=True, ensure_ascii=False)
    if fmt == "markdown":
        return to_markdown(report)
    return to_text(report)
