"""A stable fingerprint of what a segment's rule means: a hash of its resolved IR.

The hash is taken over a canonical JSON form of the *resolved* rule (``segdsl.ir``),
not over its text (so a reformatted file or a moved comment changes nothing) and not
over the compiled SQL (which changes whenever the compiler improves). Measures and
referenced segments are already inlined in the IR; their names are left out, so
renaming a measure that a rule uses does not count as a change of the rule. Spans,
metadata (title, owner, …) and the text of an unnamed rule are left out too.

Fields left at their default value are omitted, so that a later version of the IR
that adds an optional field does not change the hash of rules that do not use it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from decimal import Decimal
from typing import Any

from segdsl.semantic import ir

HASH_VERSION = "segdsl-rule-v1"
_SKIPPED_FIELDS = frozenset({"span", "rule_text"})


def canonical(node: object) -> Any:
    """A JSON-able form of an IR node (or value) that is the same in every process."""
    if isinstance(node, ir.MeasureRef):
        return canonical(node.expr)
    if isinstance(node, ir.InSegment):
        return canonical(node.cond)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        out: dict[str, Any] = {"!": type(node).__name__}
        for f in dataclasses.fields(node):
            if f.name in _SKIPPED_FIELDS or not f.compare:
                continue
            value = getattr(node, f.name)
            if f.default is not dataclasses.MISSING and value == f.default:
                continue
            if f.default_factory is not dataclasses.MISSING and value == f.default_factory():
                continue
            out[f.name] = canonical(value)
        return out
    if node is None or isinstance(node, bool | str):
        return node
    if isinstance(node, enum.Enum):
        return {"enum": f"{type(node).__name__}.{node.value}"}
    if isinstance(node, int):
        return node
    if isinstance(node, float):
        return {"float": repr(node)}
    if isinstance(node, Decimal):
        return {"decimal": str(node.normalize())}
    if isinstance(node, dt.datetime):
        return {"timestamp": node.isoformat()}
    if isinstance(node, dt.date):
        return {"date": node.isoformat()}
    if isinstance(node, dt.time):
        return {"time": node.isoformat()}
    if isinstance(node, dt.timedelta):
        return {"timedelta": [node.days, node.seconds, node.microseconds]}
    if isinstance(node, tuple | list):
        return [canonical(x) for x in node]
    if isinstance(node, frozenset | set):
        items = [canonical(x) for x in node]
        return {"set": sorted(items, key=lambda x: json.dumps(x, sort_keys=True))}
    if isinstance(node, dict):
        return {str(k): canonical(v) for k, v in sorted(node.items(), key=lambda kv: str(kv[0]))}
    raise TypeError(f"rule hash: cannot serialise {type(node).__name__}")


def canonical_text(segment: ir.Segment) -> str:
    """The canonical serialisation that :func:`rule_hash` hashes."""
    doc = {"version": HASH_VERSION, "entity": segment.entity, "cond": canonical(segment.cond)}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def rule_hash(segment: ir.Segment) -> str:
    """SHA-256 (hex) of the segment's resolved rule: its entity and its condition."""
    return hashlib.sha256(canonical_text(segment).encode("ascii")).hexdigest()
