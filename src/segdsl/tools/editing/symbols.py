"""Where each name of the project is defined and used."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from segdsl.diagnostics import Span
from segdsl.syntax import ast

from .model import Position, Range
from .state import Analysis


@dataclass(frozen=True)
class Occurrence:
    """One written name. ``kind``: segment, measure, attribute, field, event, entity or
    unknown (a name that is none of these)."""

    kind: str
    name: str
    path: str
    range: Range
    definition: bool = False
    event: str | None = None  # the event of a field
    entity: str | None = None  # the entity of an attribute, or of the enclosing statement
    statement: str = ""  # the name of the enclosing segment or measure


def iter_nodes(node: object) -> Iterator[ast.Node]:
    """``node`` and every syntax node below it, depth first."""
    stack: list[object] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Node):
            yield n
            kids = [getattr(n, f.name) for f in dataclasses.fields(n)]
            stack.extend(reversed(kids))
        elif isinstance(n, tuple):
            stack.extend(reversed(n))


def _walk(e: object, event: str | None, out: list[tuple[str, str, object, str | None]]) -> None:
    """Collect (kind, name, span, event) of the names below ``e``; ``event`` is the
    event whose condition ``e`` is part of."""
    if isinstance(e, ast.Name):
        out.append(("field" if event else "name", e.name, e.span, event))
    elif isinstance(e, ast.FieldRef):
        out.append(("event", e.event, e.event_span, None))
        out.append(("field", e.field_name, e.field_span, e.event))
    elif isinstance(e, ast.Aggregate):
        out.append(("event", e.event, e.event_span, None))
        if e.field_name is not None and e.field_span is not None:
            out.append(("field", e.field_name, e.field_span, e.event))
        if e.where is not None:
            _walk(e.where, e.event, out)
    elif isinstance(e, ast.Did):
        out.append(("event", e.event, e.event_span, None))
        if e.where is not None:
            _walk(e.where, e.event, out)
        if e.then is not None:
            out.append(("event", e.then.event, e.then.event_span, None))
            if e.then.where is not None:
                _walk(e.then.where, e.then.event, out)
    elif isinstance(e, ast.InSegment):
        out.append(("segment", e.name, e.name_span, None))
    elif isinstance(e, ast.Rank):
        _walk(e.by, event, out)
        if e.per is not None and e.per_span is not None:
            out.append(("name", e.per, e.per_span, None))
    elif isinstance(e, ast.Node):
        for f in dataclasses.fields(e):
            _walk(getattr(e, f.name), event, out)
    elif isinstance(e, tuple):
        for item in e:
            _walk(item, event, out)


def occurrences(analysis: Analysis) -> list[Occurrence]:
    """Every name written in the files that parse, classified (cached per analysis)."""
    cached = analysis.cache.get("occurrences")
    if cached is not None:
        found: list[Occurrence] = cached
        return found
    catalog = analysis.catalog
    out: list[Occurrence] = []
    for path, module in analysis.modules.items():
        for stmt in module.statements:
            entity = analysis.entity_of(stmt)
            kind = (
                "segment"
                if isinstance(stmt, ast.SegmentDef)
                else "segmentation"
                if isinstance(stmt, ast.SegmentationDef)
                else "measure"
            )
            out.append(
                Occurrence(
                    kind,
                    stmt.name,
                    path,
                    Range.from_span(stmt.name_span),
                    True,
                    None,
                    entity,
                    stmt.name,
                )
            )
            raw: list[tuple[str, str, object, str | None]] = []
            if isinstance(stmt, ast.SegmentDef):
                if stmt.entity is not None and stmt.entity_span is not None:
                    raw.append(("entity", stmt.entity, stmt.entity_span, None))
                _walk(stmt.where, None, raw)
            elif isinstance(stmt, ast.SegmentationDef):
                if stmt.entity is not None and stmt.entity_span is not None:
                    raw.append(("entity", stmt.entity, stmt.entity_span, None))
                for cls in stmt.classes:
                    if cls.where is not None:
                        _walk(cls.where, None, raw)
            else:
                _walk(stmt.expr, None, raw)
            for k, name, span, event in raw:
                assert isinstance(span, Span)
                if k == "name":
                    attrs = (
                        catalog.entities[entity].attributes
                        if catalog is not None and entity in catalog.entities
                        else {}
                    )
                    if name in attrs:
                        k = "attribute"
                    elif name in analysis.measure_defs:
                        k = "measure"
                    elif name in analysis.segment_defs:
                        k = "segment"
                    elif catalog is not None and name in catalog.events:
                        k = "event"
                    else:
                        k = "unknown"
                out.append(
                    Occurrence(
                        k, name, path, Range.from_span(span), False, event, entity, stmt.name
                    )
                )
    analysis.cache["occurrences"] = out
    return out


def occurrence_at(analysis: Analysis, path: str, pos: Position) -> Occurrence | None:
    """The name under the cursor (the innermost, when ranges touch: the one starting
    last)."""
    best: Occurrence | None = None
    for occ in occurrences(analysis):
        if (
            occ.path == path
            and occ.range.contains(pos)
            and (best is None or occ.range.start > best.range.start)
        ):
            best = occ
    return best


def same_symbol(a: Occurrence, b: Occurrence) -> bool:
    """True when two occurrences name the same thing."""
    if a.kind != b.kind or a.name != b.name:
        return False
    if a.kind == "field":
        return a.event == b.event
    if a.kind == "attribute":
        return a.entity == b.entity
    return True
