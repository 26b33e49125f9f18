"""Go to definition, find references and rename."""

from __future__ import annotations

import re

from segdsl.catalog.model import IDENT
from segdsl.syntax.parser import KEYWORDS

from . import catalogtext
from .model import Location, Position, Range, RenameError, TextEdit
from .state import ProjectState, normalize_path
from .symbols import Occurrence, occurrence_at, occurrences, same_symbol

RENAMABLE = ("segment", "measure")


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
        raise RenameError("only segments and measures can be renamed")
    if not IDENT.match(new_name):
        raise RenameError(f"`{new_name}` is not a name: use letters, digits and _")
    if new_name.lower() in KEYWORDS:
        raise RenameError(f"`{new_name}` is a keyword")
    if new_name == occ.name:
        return {}
    if new_name in a.segment_defs or new_name in a.measure_defs:
        raise RenameError(f"`{new_name}` is already defined")
    if occ.kind == "measure" and a.catalog is not None:
        for entity in a.catalog.entities.values():
            if new_name in entity.attributes:
                raise RenameError(f"`{new_name}` is an attribute of `{entity.name}`")
    word = re.compile(rf"(?<![A-Za-z0-9_.]){re.escape(occ.name)}(?![A-Za-z0-9_])")
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
