"""Replaying warehouse rows through the live evaluator, for the parity tests."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from segdsl.catalog import Catalog
from segdsl.semantic.timecalc import local_to_utc


def entity_updates(tables: dict[str, list[dict[str, Any]]], catalog: Catalog):
    """(entity, key, attributes) for every entity row (logical attribute names)."""
    out = []
    for name, ent in catalog.entities.items():
        for row in tables[ent.source.table]:
            attrs = {a: row[c.column] for a, c in ent.attributes.items()}
            for column in ent.location or ():
                attrs[column] = row[column]
            out.append((name, row[ent.key], attrs))
    return out


def event_stream(tables: dict[str, list[dict[str, Any]]], catalog: Catalog):
    """(instant, kind, key, stamp, fields, id) for every event row with a time and a
    key, sorted by time (ties in a fixed order)."""
    out = []
    for kind, ev in catalog.events.items():
        for n, row in enumerate(tables[ev.source.table]):
            if ev.kind is not None and row.get(ev.kind[0]) != ev.kind[1]:
                continue
            stamp, key = row[ev.timestamp], row[ev.key]
            if stamp is None or key is None:
                continue
            # a date-stamped event counts once its day has begun in the project's zone
            instant = (
                stamp
                if isinstance(stamp, dt.datetime)
                else local_to_utc(dt.datetime.combine(stamp, dt.time()), catalog.timezone)
            )
            fields = {f: row[c.column] for f, c in ev.fields.items()}
            out.append((instant, kind, key, stamp, fields, f"{ev.source.table}:{n}"))
    out.sort(key=lambda e: (e[0], e[1], repr(e[2]), e[5]))
    return out


RETAIL = Path(__file__).parents[2] / "examples" / "retail"


def retail_utc(dest: Path) -> Path:
    """A copy of examples/retail with the project time zone left at UTC (the UTC
    variant of the parity tests; the main ones run examples/retail itself, in its zone)."""
    root = dest / "retail_utc"
    shutil.copytree(RETAIL, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    toml = root / "segdsl.toml"
    lines = toml.read_text(encoding="utf-8").splitlines(keepends=True)
    toml.write_text("".join(x for x in lines if not x.startswith("timezone")), encoding="utf-8")
    return root
