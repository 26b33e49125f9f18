"""Hover: what a name is — type and column, definition, rule, size and SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from segdsl.catalog.types import describe
from segdsl.syntax import ast

from . import catalogtext
from .model import Hover, Position
from .paths import normalize_path
from .state import Analysis, ProjectState
from .symbols import Occurrence, occurrence_at

if TYPE_CHECKING:
    from segdsl.project import Project

SQL_LIMIT = 4000  # characters of compiled SQL shown in a hover


def _statement_text(a: Analysis, stmt: ast.Statement) -> str:
    lines = a.texts.get(normalize_path(stmt.span.path), stmt.span.source.text).split("\n")
    chunk = lines[stmt.span.line - 1 : stmt.span.end_line]
    if chunk:
        chunk[-1] = chunk[-1][: stmt.span.end_column - 1] if len(chunk) > 0 else chunk[-1]
    return "\n".join(chunk).rstrip()


def _code(text: str, lang: str = "segdsl") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text}\n{fence}"


def latest_snapshot(a: Analysis, name: str) -> Any | None:
    """The latest snapshot row of segment ``name`` in the project's history store, or
    None (no store, no snapshot, or the store is busy: never waits)."""
    if a.catalog is None:
        return None
    from segdsl.project import Project
    from segdsl.tools.history import history_config, open_store

    try:
        config = history_config(Project(a.root, a.catalog, [], {}, {}))
        if not config.path.exists():
            return None
        with open_store(config.path, read_only=True, timeout=0.0) as store:
            rows = store.snapshots(name)
    except Exception:  # a store that cannot be read only hides the size
        return None
    return rows[-1] if rows else None


def _segment_sql(a: Analysis, name: str, as_of: dt.datetime | None) -> str | None:
    seg = a.segments.get(name)
    if seg is None or a.catalog is None:
        return None
    from segdsl.sql.compiler import compile_segment

    try:
        return compile_segment(seg, a.catalog, a.catalog.dialect, as_of)
    except Exception:  # the compiler's own errors only hide the SQL from a hover
        return None


def _segment(a: Analysis, name: str, sql: bool, history: bool) -> str:
    sdef = a.segment_defs.get(name)
    if sdef is None:
        return f"**segment `{name}`** — not defined in this project"
    entity = sdef.entity or (a.catalog.default_entity if a.catalog else "?")
    parts = [f"**segment `{name}`** of `{entity}`"]
    title = sdef.meta_value("title")
    if title:
        parts[0] += f" — {title}"
    desc = sdef.meta_value("description")
    if desc:
        parts.append(desc)
    owner = sdef.meta_value("owner")
    if owner or sdef.tags:
        parts.append(
            " · ".join(
                x
                for x in (f"owner: {owner}" if owner else "", "tags: " + ", ".join(sdef.tags))
                if x and x != "tags: "
            )
        )
    parts.append(_code(_statement_text(a, sdef)))
    as_of: dt.datetime | None = None
    if history:
        row = latest_snapshot(a, name)
        if row is not None:
            share = row.size / row.entity_count if row.entity_count else 0.0
            as_of = row.as_of
            parts.append(
                f"**{row.size:,}** members ({share:.1%} of {row.entity_count:,}) "
                f"at {row.as_of:%Y-%m-%d %H:%M} (latest snapshot)"
            )
    if sql:
        text = _segment_sql(a, name, as_of)
        if text is not None:
            if len(text) > SQL_LIMIT:
                text = text[:SQL_LIMIT] + "\n-- …"
            parts.append(_code(text, "sql"))
    return "\n\n".join(parts)


def _size_line(a: Analysis, name: str) -> tuple[str, dt.datetime | None]:
    row = latest_snapshot(a, name)
    if row is None:
        return "", None
    share = row.size / row.entity_count if row.entity_count else 0.0
    return (
        f"**{row.size:,}** members ({share:.1%} of {row.entity_count:,}) "
        f"at {row.as_of:%Y-%m-%d %H:%M} (latest snapshot)",
        row.as_of,
    )


def _segmentation(a: Analysis, name: str, history: bool) -> str:
    sdef = a.segmentation_defs.get(name)
    if sdef is None:
        return ""
    entity = a.entity_of(sdef) or "?"
    title = sdef.meta_value("title") if hasattr(sdef, "meta_value") else None
    head = f"**segmentation `{name}`** of `{entity}`" + (f" — {title}" if title else "")
    parts = [
        head,
        "a text value: the name of the entity's class (the first class whose condition "
        "holds), e.g. `"
        + name
        + ' in ("'
        + (sdef.classes[0].name if sdef.classes else "…")
        + '")`',
        _code(_statement_text(a, sdef)),
    ]
    if history:
        rows = []
        for c in sdef.classes:
            line, _ = _size_line(a, f"{name}.{c.name}")
            if line:
                rows.append(f"- `{c.name}`: {line}")
        if rows:
            parts.append("\n".join(rows))
    return "\n\n".join(parts)


def _class(a: Analysis, full: str, sql: bool, history: bool) -> str:
    found = a.class_names().get(full)
    if found is None:
        return f"**segment `{full}`** — not defined in this project"
    group, cls = found
    sdef = a.segmentation_defs[group]
    lines = a.texts.get(normalize_path(cls.span.path), cls.span.source.text).split("\n")
    text = "\n".join(lines[cls.span.line - 1 : cls.span.end_line]).rstrip()
    parts = [
        f"**class `{cls.name}`** of segmentation `{group}` (the segment `{full}`) of "
        f"`{a.entity_of(sdef)}`",
        "its members: the entities whose first matching class is this one",
        _code(text),
    ]
    as_of: dt.datetime | None = None
    if history:
        line, as_of = _size_line(a, full)
        if line:
            parts.append(line)
    if sql:
        compiled = _segment_sql(a, full, as_of)
        if compiled is not None:
            if len(compiled) > SQL_LIMIT:
                compiled = compiled[:SQL_LIMIT] + "\n-- …"
            parts.append(_code(compiled, "sql"))
    return "\n\n".join(parts)


def _measure(a: Analysis, name: str) -> str:
    mdef = a.measure_defs.get(name)
    if mdef is None:
        return f"**measure `{name}`** — not defined in this project"
    m = a.measures.get(name)
    head = f"**measure `{name}`**"
    if m is not None:
        head += f": {describe(m.expr.type)}, per `{m.entity}`"
    return head + "\n\n" + _code(_statement_text(a, mdef))


def _catalog_entry(a: Analysis, occ: Occurrence) -> str:
    cat = a.catalog
    if cat is None:
        return ""
    note = ""
    if a.catalog_text is not None:
        owner = occ.event if occ.kind == "field" else occ.entity
        found = catalogtext.declaration(a.catalog_text, occ.kind, occ.name, owner)
        if found is not None and found[1]:
            note = "\n\n" + found[1]
    if occ.kind == "attribute" and occ.entity in cat.entities:
        col = cat.entities[occ.entity].attributes.get(occ.name)
        if col is not None:
            return (
                f"**attribute `{occ.name}`** of `{occ.entity}`: {col.type} · column "
                f"`{col.column}`" + note
            )
    if occ.kind == "field" and occ.event in cat.events:
        ev = cat.events[occ.event]
        if occ.name == "timestamp":
            return (
                f"**field `timestamp`** of event `{ev.name}`: {ev.timestamp_type} · column "
                f"`{ev.timestamp}`" + note
            )
        fcol = ev.fields.get(occ.name)
        if fcol is not None:
            return (
                f"**field `{occ.name}`** of event `{ev.name}`: {fcol.type} · column "
                f"`{fcol.column}`" + note
            )
        return f"`{occ.name}` is not a field of event `{ev.name}`"
    if occ.kind == "event" and occ.name in cat.events:
        ev = cat.events[occ.name]
        fields = ", ".join(f"`{f}` {c.type}" for f, c in ev.fields.items()) or "(none)"
        src = ev.source.path or ev.source.table
        kind = f" where `{ev.kind[0]}` = {ev.kind[1]!r}" if ev.kind else ""
        return (
            f"**event `{ev.name}`** of `{ev.entity}` · source `{src}`{kind} · time "
            f"`{ev.timestamp}` ({ev.timestamp_type})\n\nfields: {fields}" + note
        )
    if occ.kind == "entity" and occ.name in cat.entities:
        ent = cat.entities[occ.name]
        src = ent.source.path or ent.source.table
        return (
            f"**entity `{ent.name}`** · source `{src}` · key `{ent.key}` · "
            f"{len(ent.attributes)} attributes" + note
        )
    return ""


def hover(
    state: ProjectState,
    path: str,
    position: Position,
    *,
    sql: bool = True,
    history: bool = True,
) -> Hover | None:
    """What the name under the cursor is. A segment shows its rule, its size and share
    from the latest snapshot of the history store (``history``), and its SQL
    (``sql``); a measure its definition and type; an attribute or a field its type and
    column; an event its fields."""
    a = state.analysis()
    occ = occurrence_at(a, normalize_path(path), position)
    if occ is None:
        return None
    text = ""
    if occ.kind == "segment" and "." in occ.name:
        text = _class(a, occ.name, sql, history)
    elif occ.kind == "segment":
        text = _segment(a, occ.name, sql, history)
    elif occ.kind == "segmentation":
        text = _segmentation(a, occ.name, history)
    elif occ.kind == "measure":
        text = _measure(a, occ.name)
    elif occ.kind in ("attribute", "field", "event", "entity"):
        text = _catalog_entry(a, occ)
    if not text:
        return None
    return Hover(text, occ.range)


@dataclass(frozen=True)
class QuickSize:
    """A segment's size from a quick evaluation on the project's own data."""

    members: int
    entity_count: int
    as_of: dt.datetime

    @property
    def share(self) -> float:
        return self.members / self.entity_count if self.entity_count else 0.0

    def markdown(self) -> str:
        return (
            f"**{self.members:,}** members ({self.share:.1%} of {self.entity_count:,}) "
            f"at {self.as_of:%Y-%m-%d %H:%M} (evaluated now)"
        )


_QUICK: dict[tuple[Any, ...], QuickSize] = {}
_QUICK_LIMIT = 256


def quick_size(project: Project, name: str, as_of: dt.datetime | None = None) -> QuickSize | None:
    """Evaluate one segment of an error-free project on its data (embedded DuckDB), as
    `segdsl eval NAME` does; None when that fails (no data, a broken file). Results are
    cached per resolved rule, catalog and as-of. Reads only ``project``: safe to run in
    a worker thread while the editor goes on."""
    seg = project.segments.get(name)
    if seg is None:
        return None
    key = (seg, project.catalog.path, repr(project.catalog), as_of)
    got = _QUICK.get(key)
    if got is not None:
        return got
    try:
        result = project.evaluate([seg], as_of=as_of)
    except Exception:  # no data, a database that cannot be opened: no size, no error
        return None
    size = result.sizes[name]
    got = QuickSize(size.members, size.entity_count, result.as_of)
    if as_of is not None:  # "now" moves: cache only fixed instants
        if len(_QUICK) >= _QUICK_LIMIT:
            _QUICK.clear()
        _QUICK[key] = got
    return got
