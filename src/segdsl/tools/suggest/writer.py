"""The text of a suggested `.seg` file.

A leaf's path becomes a conjunction in the features' own units: per feature the
tightest bound from each side, ``spend_365d > 120 and spend_365d <= 480 and age <= 34``
(features in the order given). The leaves of a threshold tree never overlap and, for
entities with every feature set, cover everything; so the class conditions read on
their own, whatever their order. The text goes through the project's formatter.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from segdsl.tools.suggest.rounding import plain


@dataclass(frozen=True)
class ClassRule:
    name: str
    condition: str  # empty: the catch-all class
    comment: str = ""  # one line shown above the segmentation


@dataclass(frozen=True)
class Measure:
    name: str
    text: str


def condition(path: list[tuple[int, bool, Decimal]], names: list[str]) -> str:
    """``path`` is (feature, went_left, threshold) from the root: left is ``<=``."""
    upper: dict[int, Decimal] = {}
    lower: dict[int, Decimal] = {}
    for feature, left, t in path:
        if left:
            upper[feature] = min(upper.get(feature, t), t)
        else:
            lower[feature] = max(lower.get(feature, t), t)
    parts: list[str] = []
    for i, name in enumerate(names):
        if i in lower:
            parts.append(f"{name} > {plain(lower[i])}")
        if i in upper:
            parts.append(f"{name} <= {plain(upper[i])}")
    return " and ".join(parts) if parts else "true"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def segmentation_text(
    name: str,
    entity: str,
    title: str,
    description: str,
    classes: list[ClassRule],
    measures: list[Measure],
    header: list[str],
) -> str:
    """A `.seg` file holding ``measures`` and one ``segmentation``, formatted."""
    lines = [f"# {h}" if h else "#" for h in header]
    if lines:
        lines.append("")
    width = max((len(m.name) for m in measures), default=0)
    for m in measures:  # one block, aligned on `=` as `segdsl fmt` does
        lines.append(f"measure {m.name:<{width}} = {m.text}")
    if measures:
        lines.append("")
    for c in classes:
        if c.comment:
            lines.append(f"# {c.name}: {c.comment}")
    lines.append(f"segmentation {name} of {entity}")
    lines.append(f"  title {_quote(title)}")
    lines.append(f"  description {_quote(description)}")
    width = max(len(c.name) for c in classes)
    for c in classes:
        if c.condition:
            lines.append(f"  {c.name:<{width}} where {c.condition}")
        else:
            lines.append(f"  {c.name}")
    return format_seg("\n".join(lines) + "\n")


def segments_text(
    prefix: str, entity: str, classes: list[ClassRule], measures: list[Measure]
) -> str:
    """The same classes as plain segments ``PREFIX_CLASS`` (the catch-all left out):
    a file today's language reads, for checking the rules without segmentations."""
    lines = [f"measure {m.name} = {m.text}" for m in measures]
    for c in classes:
        if c.condition:
            lines += ["", f"segment {prefix}_{c.name} of {entity}", f"  where {c.condition}"]
    return format_seg("\n".join(lines).lstrip("\n") + "\n")


@functools.cache
def language_has_segmentations() -> bool:
    """Whether this segdsl reads `segmentation` and `score` (language.md §14–15)."""
    from segdsl.diagnostics import SegdslError, Source
    from segdsl.syntax.parser import parse_source

    probe = "measure m = score 1..5 by x\n\nsegmentation s of e\n  a where m >= 1\n  b\n"
    try:
        parse_source(Source("<probe>", probe))
    except SegdslError:
        return False
    return True


def format_seg(text: str) -> str:
    """``text`` in the canonical layout of `segdsl fmt` (left as written by a segdsl
    that does not read segmentations yet)."""
    from segdsl.syntax.formatter import format_text

    if "segmentation " in text and not language_has_segmentations():
        return text
    return format_text(text, "<suggested>")
