"""`segdsl check --live`: for every segment, whether it is evaluated live exactly, with
batch cut-offs, or not at all — and why."""

from __future__ import annotations

import json
from typing import Any

from segdsl.tools.live.evaluator import LiveEvaluator


def live_report(live: LiveEvaluator) -> list[dict[str, Any]]:
    return [
        {"segment": p.name, "entity": p.entity, "live": p.mode, "why": p.reason} for p in live.plans
    ]


def render_report(live: LiveEvaluator, as_json: bool = False) -> str:
    rows = live_report(live)
    if as_json:
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    width = max((len(r["segment"]) for r in rows), default=0)
    mode_width = max((len(r["live"]) for r in rows), default=0)
    lines = [f"{r['segment']:<{width}}  {r['live']:<{mode_width}}  {r['why']}" for r in rows]
    counts = {
        m: sum(1 for r in rows if r["live"] == m) for m in ("exact", "batch cut-offs", "not live")
    }
    lines.append(
        f"live: {counts['exact']} exact, {counts['batch cut-offs']} with batch cut-offs, "
        f"{counts['not live']} not live, of {len(rows)} segments"
    )
    return "\n".join(lines) + "\n"
