"""Where each name of the project is defined and used."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from segdsl.diagnostics import Span
from segdsl.syntax import ast

from .context import clean, event_context, statement_before
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
    elif isinstance(e, ast.Node) and hasattr(e, "by") and hasattr(e, "per_span"):
        # `top P% by X per G`, `score 1..N by X per G`: G is an attribute
        _walk(e.by, event, out)
        per, per_span = getattr(e, "per", None), e.per_span
        if per is not None and per_span is not None:
            out.append(("name", per, per_span, None))
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
            classes = getattr(stmt, "classes", None)
            if classes is not None:
                kind = "segmentation"
            elif isinstance(stmt, ast.SegmentDef):
                kind = "segment"
            else:
                kind = "measure"
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
            if kind != "measure":
                ent, ent_span = getattr(stmt, "entity", None), getattr(stmt, "entity_span", None)
                if ent is not None and ent_span is not None:
                    raw.append(("entity", ent, ent_span, None))
            if isinstance(stmt, ast.SegmentDef):
                _walk(stmt.where, None, raw)
            elif classes is not None:
                for c in classes:
                    full = f"{stmt.name}.{c.name}"
                    out.append(
                        Occurrence(
                            "segment",
                            full,
                            path,
                            Range.from_span(c.name_span),
                            True,
                            None,
                            entity,
                            stmt.name,
                        )
                    )
                    if c.where is not None:
                        _walk(c.where, None, raw)
            else:
                _walk(getattr(stmt, "expr", None), None, raw)
            for k, name, span, event in raw:
                assert isinstance(span, Span)
                rng = Range.from_span(span)
                if k == "segment" and "." in name:
                    # `in segment rfm.champions`: the segmentation, then its class
                    group, _, cls = name.partition(".")
                    s0, e0 = rng.start, rng.end
                    out.append(
                        Occurrence(
                            "segmentation",
                            group,
                            path,
                            Range.of(s0.line, s0.character, s0.line, s0.character + len(group)),
                            False,
                            None,
                            entity,
                            stmt.name,
                        )
                    )
                    rng = Range.of(e0.line, e0.character - len(cls), e0.line, e0.character)
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
                    elif name in analysis.segmentation_defs:
                        k = "segmentation"
                    elif name in analysis.segment_defs:
                        k = "segment"
                    elif catalog is not None and name in catalog.events:
                        k = "event"
                    else:
                        k = "unknown"
                out.append(Occurrence(k, name, path, rng, False, event, entity, stmt.name))
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
    if best is None and path in analysis.broken:
        return _word_at(analysis, path, pos)
    return best


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _word_at(analysis: Analysis, path: str, pos: Position) -> Occurrence | None:
    """In a file that does not parse (being typed): the known name under the cursor,
    told apart by the words around it."""
    lines = analysis.texts.get(path, "").split("\n")
    if pos.line >= len(lines):
        return None
    line = lines[pos.line]
    for m in _WORD.finditer(line):
        if m.start() <= pos.character <= m.end():
            break
    else:
        return None
    name, before = m.group(0), line[: m.start()]
    rng = Range.of(pos.line, m.start(), pos.line, m.end())
    catalog = analysis.catalog
    entity = catalog.default_entity if catalog else None
    for back in range(pos.line, -1, -1):
        head = re.match(
            r"\s*(?:segment|segmentation)\s+\w+\s+of\s+(\w+)", lines[back], re.IGNORECASE
        )
        if head or re.match(r"\s*(segment|segmentation|measure)\b", lines[back], re.IGNORECASE):
            if head and catalog and head.group(1) in catalog.entities:
                entity = head.group(1)
            break
    stmt, _ = statement_before(lines, Position(pos.line, m.start()))
    mode, event = event_context(clean(stmt))
    if mode == "event-where" and catalog and event in catalog.events:
        return Occurrence("field", name, path, rng, event=event, entity=entity)
    dotted = re.search(r"(\w+)\.$", before)
    if dotted and catalog and dotted.group(1) in catalog.events:
        return Occurrence("field", name, path, rng, event=dotted.group(1), entity=entity)
    if re.search(r"\bsegment\s+$", before, re.IGNORECASE) and before.strip().lower() != "segment":
        return Occurrence("segment", name, path, rng, entity=entity)
    if name in analysis.measure_defs:
        return Occurrence("measure", name, path, rng, entity=entity)
    if name in analysis.segmentation_defs:
        return Occurrence("segmentation", name, path, rng, entity=entity)
    if name in analysis.segment_defs:
        return Occurrence("segment", name, path, rng, entity=entity)
    if catalog is not None:
        if name in catalog.events:
            return Occurrence("event", name, path, rng, entity=entity)
        if entity in catalog.entities and name in catalog.entities[entity].attributes:
            return Occurrence("attribute", name, path, rng, entity=entity)
    return None


def same_symbol(a: Occurrence, b: Occurrence) -> bool:
    """True when two occurrences name the same thing."""
    if a.kind != b.kind or a.name != b.name:
        return False
    if a.kind == "field":
        return a.event == b.event
    if a.kind == "attribute":
        return a.entity == b.entity
    return True
