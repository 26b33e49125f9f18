"""`segdsl overlap`: pairwise intersections (counts and Jaccard) among segments.

All the chosen segments are evaluated in one call (one pass over the data per
entity); the intersections are then counted on bitsets of the members, so that a
hundred segments over a million entities stay fast. Segments of different entities
are grouped: one matrix per entity.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.support.atomic import write_text_atomically


@dataclass(frozen=True)
class Matrix:
    """Overlaps among segments of one entity."""

    entity: str
    entity_count: int
    names: tuple[str, ...]
    titles: tuple[str | None, ...]
    sizes: tuple[int, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[i][j] = |S_i ∩ S_j|; counts[i][i] = |S_i|

    def jaccard(self, i: int, j: int) -> float | None:
        """|S_i ∩ S_j| / |S_i ∪ S_j|; None when both are empty."""
        union = self.sizes[i] + self.sizes[j] - self.counts[i][j]
        return self.counts[i][j] / union if union else None

    def to_json(self) -> dict[str, Any]:
        n = len(self.names)
        return {
            "entity": self.entity,
            "entity_count": self.entity_count,
            "segments": [
                {"name": self.names[i], "members": self.sizes[i]} for i in range(len(self.names))
            ],
            "intersections": [list(row) for row in self.counts],
            "jaccard": [
                [_round(self.jaccard(i, j)) for j in range(len(self.names))]
                for i in range(len(self.names))
            ],
            "pairs": [
                {
                    "a": self.names[i],
                    "b": self.names[j],
                    "both": self.counts[i][j],
                    "jaccard": _round(self.jaccard(i, j)),
                }
                for i in range(n)
                for j in range(i + 1, n)
            ],
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


@dataclass(frozen=True)
class Overlap:
    as_of: dt.datetime
    matrices: tuple[Matrix, ...]

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "entities": [m.to_json() for m in self.matrices]}


def _bitset(members: Sequence[object], index: dict[object, int]) -> int:
    bits = bytearray((len(index) + 7) // 8)
    for k in members:
        i = index[k]
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


def overlap(
    project: Project,
    names: Sequence[str] | None = None,
    as_of: str | dt.datetime | dt.date | None = None,
) -> Overlap:
    """Pairwise overlaps of the segments ``names`` (every segment when empty)."""
    from segdsl.project import as_of_instant

    instant = as_of_instant(as_of, project.catalog.timezone)
    chosen = project.select(names)
    seen: set[str] = set()
    unique: list[ir.Segment] = []
    for s in chosen:
        if s.name not in seen:
            seen.add(s.name)
            unique.append(s)
    if not unique:
        raise SegdslError(
            Diagnostic("H020", "no segments to compare", hint="the project defines no segment")
        )
    project = project.adapted()
    segments = [project.segment(s.name) for s in unique]
    result = project.evaluate(segments, instant)
    by_entity: dict[str, list[ir.Segment]] = {}
    for s in segments:
        by_entity.setdefault(s.entity, []).append(s)
    matrices = []
    for entity, segs in by_entity.items():
        members = [result.members(s.name) for s in segs]
        index: dict[object, int] = {}
        for ms in members:
            for k in ms:
                index.setdefault(k, len(index))
        bits = [_bitset(ms, index) for ms in members]
        counts = tuple(
            tuple((bits[i] & bits[j]).bit_count() for j in range(len(segs)))
            for i in range(len(segs))
        )
        matrices.append(
            Matrix(
                entity,
                result.sizes[segs[0].name].entity_count,
                tuple(s.name for s in segs),
                tuple(s.title for s in segs),
                tuple(len(ms) for ms in members),
                counts,
            )
        )
    return Overlap(result.as_of, tuple(matrices))


# ---- text ----------------------------------------------------------------------------


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def _jac(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _grid(m: Matrix, cells: list[list[str]], title: str, width: int, label_width: int) -> list[str]:
    """A numbered matrix; columns split into blocks that fit ``width``."""
    n = len(m.names)
    col_w = max(len(str(n)), *(len(c) for row in cells for c in row)) + 2
    idx_w = len(str(n))
    row_head = idx_w + 2 + label_width
    per_block = max(1, (width - row_head) // col_w)
    lines = [title]
    for start in range(0, n, per_block):
        cols = range(start, min(n, start + per_block))
        lines.append(" " * row_head + "".join(f"{j + 1:>{col_w}}" for j in cols))
        for i in range(n):
            label = _cut(m.names[i], label_width)
            lines.append(
                f"{i + 1:>{idx_w}}  {label:<{label_width}}"
                + "".join(f"{cells[i][j]:>{col_w}}" for j in cols)
            )
        if start + per_block < n:
            lines.append("")
    return lines


def render_text(o: Overlap, width: int = 100, top: int = 10) -> str:
    out = [f"overlap as of {o.as_of.isoformat()} UTC"]
    for m in o.matrices:
        n = len(m.names)
        label_width = min(28, max(len(x) for x in m.names))
        out += ["", f"{m.entity}: {n} segments, {m.entity_count:,} entities"]
        out += _grid(
            m,
            [[f"{m.counts[i][j]:,}" for j in range(n)] for i in range(n)],
            "members in both (the diagonal: the segment's size)",
            width,
            label_width,
        )
        out.append("")
        out += _grid(
            m,
            [[_jac(m.jaccard(i, j)) for j in range(n)] for i in range(n)],
            "Jaccard (both / either)",
            width,
            label_width,
        )
        pairs = sorted(
            ((i, j) for i in range(n) for j in range(i + 1, n)),
            key=lambda p: (-(m.jaccard(*p) or 0.0), -m.counts[p[0]][p[1]], p),
        )[:top]
        if pairs:
            pw = min(36, max(len(m.names[i]) for p in pairs for i in p))
            out += ["", "most similar pairs"]
            for i, j in pairs:
                out.append(
                    f"  {_cut(m.names[i], pw):<{pw}}  {_cut(m.names[j], pw):<{pw}}  "
                    f"{m.counts[i][j]:>9,}  {_jac(m.jaccard(i, j)):>5}"
                )
    return "\n".join(out)


# ---- html ----------------------------------------------------------------------------

_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1b1b1b; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 2em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; }
th.name { text-align: left; font-weight: normal; white-space: nowrap; }
th.col { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: normal;
         text-align: left; white-space: nowrap; }
td.diag { background: #eee; font-weight: bold; }
td small { display: block; opacity: 0.8; }
.legend span { display: inline-block; width: 2.5em; text-align: center; }
"""


def _heat(x: float | None) -> str:
    if x is None:
        return "background:#fff"
    light = 97 - round(62 * x)  # 97% (white-ish) to 35% (dark blue)
    color = "#fff" if light < 60 else "#1b1b1b"
    return f"background:hsl(212,70%,{light}%);color:{color}"


def render_html(o: Overlap) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>segdsl overlap as of {e(o.as_of.isoformat())} UTC</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Segment overlap, as of {e(o.as_of.isoformat())} UTC</h1>",
        "<p>Each cell: members in both segments, and the Jaccard similarity "
        "(both / either), which sets the colour. The diagonal is each segment's size.</p>",
        '<p class="legend">Jaccard: '
        + "".join(f'<span style="{_heat(v / 4)}">{v / 4:.2f}</span>' for v in range(5))
        + "</p>",
    ]
    for m in o.matrices:
        n = len(m.names)
        parts.append(
            f"<h2>{e(m.entity)}: {n} segments, {m.entity_count:,} entities</h2><table><tr><th></th>"
        )
        parts += [f'<th class="col" scope="col">{e(name)}</th>' for name in m.names]
        parts.append("</tr>")
        for i in range(n):
            title = m.titles[i]
            tip = f' title="{e(title)}"' if title else ""
            parts.append(
                f'<tr><th class="name" scope="row"{tip}>{e(m.names[i])} '
                f"<small>({m.sizes[i]:,})</small></th>"
            )
            for j in range(n):
                if i == j:
                    parts.append(f'<td class="diag">{m.sizes[i]:,}</td>')
                    continue
                jac = m.jaccard(i, j)
                tip = e(f"{m.names[i]} ∩ {m.names[j]}: {m.counts[i][j]:,}, Jaccard {_jac(jac)}")
                parts.append(
                    f'<td style="{_heat(jac)}" title="{tip}">{m.counts[i][j]:,}'
                    f"<small>{_jac(jac)}</small></td>"
                )
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def check_html_path(path: Path) -> Path:
    """The folder the page goes to; an error before any work when it does not exist."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise SegdslError(
            Diagnostic("U006", f"the folder {directory} does not exist", hint="create it first")
        )
    if path.is_dir():
        raise SegdslError(
            Diagnostic("U006", f"{path} is a folder", hint="give the name of an .html file")
        )
    return directory


def write_html(o: Overlap, path: Path) -> None:
    """Write the page atomically: a temporary file next to ``path``, then a rename."""
    directory = check_html_path(path)
    text = render_html(o)
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise SegdslError(
            Diagnostic("U006", f"cannot write in {directory}: {exc.strerror}")
        ) from None
