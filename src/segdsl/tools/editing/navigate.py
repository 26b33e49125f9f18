"""Go to definition, find references and rename."""

from __future__ import annotations

import re

from segdsl.catalog.model import IDENT
from segdsl.catalog.types import describe
from segdsl.syntax import ast
from segdsl.syntax.parser import KEYWORDS

from . import catalogtext
from .model import Location, Position, Range, RenameError, Symbol, TextEdit
from .paths import normalize_path
from .state import ProjectState
from .symbols import Occurrence, occurrence_at, occurrences, same_symbol

RENAMABLE = ("segment", "measure", "segmentation")


def _catalog_location(state: ProjectState, occ: Occurrence) -> Location | None:
    a = state.analysis()
    if a.catalog_text is None:
        return None
    owner = occ.event if occ.kind == "field" else occ.entity
    found = catalogtext.declaration(a.catalog_text, occ.kind, occ.name, owner)
    if found is None:
        return None
    return Location(a.catalog_path, found[0])


def definition(state: ProjectState, path: str, position: Position) -> list[Location]:
    """Where the name under the cursor is defined: a segment's or measure's statement,
    or the declaration of an attribute, event, field or entity in segdsl.toml."""
    a = state.analysis()
    occ = occurrence_at(a, normalize_path(path), position)
    if occ is None:
        return []
    if occ.kind in RENAMABLE:
        return [
            Location(o.path, o.range)
            for o in occurrences(a)
            if o.definition and same_symbol(o, occ)
        ]
    if occ.kind in ("attribute", "field", "event", "entity"):
        loc = _catalog_location(state, occ)
        return [loc] if loc else []
    return []


def references(
    state: ProjectState, path: str, position: Position, include_declaration: bool = True
) -> list[Location]:
    """Every place the name under the cursor is written, across the project's files
    (in file order, then position)."""
    a = state.analysis()
    occ = occurrence_at(a, normalize_path(path), position)
    if occ is None or occ.kind == "unknown":
        return []
    found = [
        Location(o.path, o.range)
        for o in occurrences(a)
        if same_symbol(o, occ) and (include_declaration or not o.definition)
    ]
    if include_declaration and occ.kind in ("attribute", "field", "event", "entity"):
        loc = _catalog_location(state, occ)
        if loc is not None:
            found.insert(0, loc)
    order = {p: i for i, p in enumerate(a.texts)}
    return sorted(found, key=lambda loc: (order.get(loc.path, -1), loc.range.start, loc.range.end))


def prepare_rename(state: ProjectState, path: str, position: Position) -> Range | None:
    """The range of the renamable name under the cursor (a segment or a measure)."""
    occ = occurrence_at(state.analysis(), normalize_path(path), position)
    if occ is None or occ.kind not in RENAMABLE:
        return None
    return occ.range


def rename(
    state: ProjectState, path: str, position: Position, new_name: str
) -> dict[str, list[TextEdit]]:
    """The edits, per file, that rename the segment or measure under the cursor
    everywhere. Raises :class:`RenameError` when that cannot be done safely."""
    a = state.analysis()
    occ = occurrence_at(a, normalize_path(path), position)
    if occ is None or occ.kind not in RENAMABLE:
        raise RenameError("only segments, measures and segmentations can be renamed")
    group = ""
    if occ.kind == "segment" and "." in occ.name:  # a class of a segmentation
        group = occ.name.partition(".")[0]
        new_name = new_name.removeprefix(group + ".")
    if not IDENT.match(new_name):
        raise RenameError(f"`{new_name}` is not a name: use letters, digits and _")
    if new_name.lower() in KEYWORDS:
        raise RenameError(f"`{new_name}` is a keyword")
    full = f"{group}.{new_name}" if group else new_name
    if full == occ.name:
        return {}
    taken = (
        set(a.class_names()) if group else {*a.segment_defs, *a.measure_defs, *a.segmentation_defs}
    )
    if full in taken:
        raise RenameError(f"`{full}` is already defined")
    if occ.kind == "measure" and a.catalog is not None:
        for entity in a.catalog.entities.values():
            if new_name in entity.attributes:
                raise RenameError(f"`{new_name}` is an attribute of `{entity.name}`")
    last = occ.name.rpartition(".")[2]
    word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(last)}(?![A-Za-z0-9_])")
    for broken in sorted(a.broken):
        if word.search(a.texts[broken]):
            raise RenameError(f"{broken} does not parse and may use `{occ.name}`: fix it first")
    edits: dict[str, list[TextEdit]] = {}
    for o in occurrences(a):
        if same_symbol(o, occ):
            edits.setdefault(o.path, []).append(TextEdit(o.range, new_name))
    for file_edits in edits.values():
        file_edits.sort(key=lambda e: e.range)
    return edits


def document_symbols(state: ProjectState, path: str) -> list[Symbol]:
    """The segments, measures, segmentations and their classes of ``path``, in file
    order (an editor's outline)."""
    a = state.analysis()
    module = a.modules.get(normalize_path(path))
    if module is None:
        return []
    out: list[Symbol] = []
    for stmt in module.statements:
        classes = getattr(stmt, "classes", None)
        if classes is not None:
            title = stmt.meta_value("title") if hasattr(stmt, "meta_value") else None
            out.append(
                Symbol(
                    stmt.name,
                    "segmentation",
                    Range.from_span(stmt.span),
                    Range.from_span(stmt.name_span),
                    title or f"segmentation of {a.entity_of(stmt)}",
                )
            )
            for c in classes:
                out.append(
                    Symbol(
                        f"{stmt.name}.{c.name}",
                        "segment",
                        Range.from_span(c.span),
                        Range.from_span(c.name_span),
                        f"class of {stmt.name}",
                    )
                )
            continue
        if isinstance(stmt, ast.SegmentDef):
            detail = stmt.meta_value("title") or f"segment of {a.entity_of(stmt)}"
            kind = "segment"
        else:
            m = a.measures.get(stmt.name)
            detail = f"measure · {describe(m.expr.type)}" if m is not None else "measure"
            kind = "measure"
        out.append(
            Symbol(
                stmt.name,
                kind,
                Range.from_span(stmt.span),
                Range.from_span(stmt.name_span),
                detail,
            )
        )
    return out
