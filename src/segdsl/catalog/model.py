"""The catalog (``segdsl.toml``): entities, their attributes, events and project settings.

pydantic validates the file at the boundary; the rest of segdsl works on the plain,
frozen :class:`Catalog` that :func:`load_catalog` returns. Every mistake is reported
with the file, the TOML key path, the line, and what to write instead.

Why this module is long: the catalog's schema, its validation and the wording of each
catalog error (with the TOML key path it points at) belong together.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from segdsl.catalog.dialect_names import SQL_DIALECTS
from segdsl.catalog.locate import catalog_error, keys_at
from segdsl.catalog.types import TYPE_NAMES, Type
from segdsl.diagnostics import Diagnostic, SegdslError, Source, Span, codes
from segdsl.diagnostics.files import plain_text, read_text
from segdsl.diagnostics.suggest import did_you_mean

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
FILE_SUFFIXES = (".parquet", ".csv")


# ---- the file as written (pydantic) ------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TypedColumn(_Strict):
    type: str
    column: str | None = None


class TimestampColumn(_Strict):
    column: str
    type: Literal["timestamp", "date"] = "timestamp"


class KindFilter(_Strict):
    column: str
    value: str


class ProjectModel(_Strict):
    name: str = "segments"
    default_entity: str | None = None
    dialect: str = "duckdb"
    database: str | None = None
    timezone: str = "UTC"


class LocationModel(_Strict):
    lat: str
    lon: str


class EntityModel(_Strict):
    source: str
    key: str
    attributes: dict[str, str | TypedColumn] = {}
    location: LocationModel | None = None


class EventModel(_Strict):
    source: str
    entity: str
    key: str
    timestamp: str | TimestampColumn
    kind: KindFilter | None = None
    fields: dict[str, str | TypedColumn] = {}
    retention: str | None = None


class CatalogModel(_Strict):
    project: ProjectModel = ProjectModel()
    entity: dict[str, EntityModel]
    event: dict[str, EventModel] = {}
    # Sections owned by other commands; validated there.
    lint: dict[str, Any] | None = None
    engine: dict[str, Any] | None = None
    history: dict[str, Any] | None = None

    @field_validator("entity")
    @classmethod
    def _some_entity(cls, v: dict[str, EntityModel]) -> dict[str, EntityModel]:
        if not v:
            raise ValueError("at least one [entity.NAME] table is needed")
        return v


# ---- the catalog as the compiler sees it -------------------------------------------


@dataclass(frozen=True)
class SourceTable:
    """Where rows come from: a table of the database, or a Parquet/CSV file."""

    table: str  # the name SQL uses: the table name, or the file's stem for a file
    path: str | None = None  # the file, relative to the project, for file sources
    # When set, compiled SQL reads the file at this path itself (`read_parquet('…')`)
    # instead of a table named `table` (`segdsl compile --read-files`).
    read_from: str | None = None

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.table.split("."))


@dataclass(frozen=True)
class Column:
    name: str  # the logical name used in rules
    type: Type
    column: str  # the physical column


@dataclass(frozen=True)
class EntityDef:
    name: str
    source: SourceTable
    key: str
    attributes: dict[str, Column] = field(hash=False)
    # `location = { lat = "…", lon = "…" }`: the columns of `within D km of (…)`.
    location: tuple[str, str] | None = None


@dataclass(frozen=True)
class EventDef:
    name: str
    source: SourceTable
    entity: str
    key: str
    timestamp: str
    timestamp_type: Type  # DATE or TIMESTAMP
    kind: tuple[str, str] | None  # (column, value)
    fields: dict[str, Column] = field(hash=False)
    retention: str | None = None


@dataclass(frozen=True)
class Catalog:
    path: str
    project_name: str
    default_entity: str
    dialect: str
    database: str | None
    entities: dict[str, EntityDef] = field(hash=False)
    events: dict[str, EventDef] = field(hash=False)
    lint: dict[str, Any] | None = field(default=None, hash=False)
    engine: dict[str, Any] | None = field(default=None, hash=False)
    history: dict[str, Any] | None = field(default=None, hash=False)
    # The IANA zone that gives calendar periods, weekdays and hours their meaning, and in
    # which literals and --as-of values without an offset are read (language.md §11).
    timezone: str = "UTC"
    # The text of segdsl.toml as read (from disk or a git revision): messages about the
    # catalog found later (engines, sources) point at its lines without reading it again.
    source: Source | None = field(default=None, hash=False, compare=False, repr=False)


# The parts of an event's time usable in its condition; they cannot be field names.
TIME_PARTS = frozenset({"day_of_week", "hour_of_day"})


def valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this Python knows."""
    import zoneinfo

    if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _zone_names() -> set[str]:
    import zoneinfo

    return set(zoneinfo.available_timezones())


def catalog_source(catalog: Catalog) -> Source:
    """The text the catalog was read from (empty when it was built in memory)."""
    return catalog.source if catalog.source is not None else Source(catalog.path, "")


_PYDANTIC_HINTS = {
    "missing": "add it",
    "extra_forbidden": "remove it, or check its spelling",
    "string_type": 'write it as text in quotes, e.g. "customers"',
}

_REQUIRED_HINT = {
    "source": 'add `source = "table_name"` (or a path to a .parquet or .csv file)',
    "key": 'add `key = "customer_id"`: the column that identifies each row',
    "entity": 'add `entity = "customer"`: the entity whose members do this event',
    "timestamp": 'add `timestamp = "ordered_at"`: the column with the event\'s time',
    "entity.": "add at least one `[entity.NAME]` table with `source` and `key`",
}


def _from_pydantic(source: Source, exc: ValidationError) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    seen: set[tuple[str, ...]] = set()
    for err in exc.errors():
        loc = tuple(
            str(x)
            for x in err["loc"]
            if not (isinstance(x, str) and x in ("str", "TypedColumn", "TimestampColumn"))
        )
        if loc in seen:
            continue
        seen.add(loc)
        kind = err["type"]
        last = loc[-1] if loc else ""
        if kind == "missing":
            msg = f"`{'.'.join(loc)}` is missing"
            hint = _REQUIRED_HINT.get(last, "add it")
        elif kind == "extra_forbidden":
            parent = loc[:-1]
            msg = f"unknown key `{last}`" + (f" in `[{'.'.join(parent)}]`" if parent else "")
            hint = (
                did_you_mean(last, keys_at(CatalogModel, parent))
                + "remove it, or check its spelling"
            )
        else:
            msg = f"`{'.'.join(loc)}`: {err['msg']}"
            hint = _PYDANTIC_HINTS.get(kind, "see docs/language.md for the catalog format")
        diags.append(catalog_error(source, loc, msg, hint))
    return diags


# ---- building the catalog ----------------------------------------------------------


def _source_table(raw: str) -> SourceTable:
    if raw.lower().endswith(FILE_SUFFIXES):
        stem = Path(raw).stem
        table = re.sub(r"\W", "_", stem) or "source"
        return SourceTable(table=table, path=raw)
    return SourceTable(table=raw)


# A physical name (table or column) may be anything the database allows — it is
# always quoted as needed — except empty or holding control characters (NUL, line
# breaks…), which no engine stores as a name and which would only fail later, far
# from the catalog.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _bad_physical_name(name: str) -> str | None:
    """Why ``name`` cannot be a table or column name, or None."""
    if not name.strip():
        return "is empty"
    if _CONTROL.search(name):
        return "holds a control character (such as NUL or a line break)"
    return None


def _check_physical(
    source: Source, loc: tuple[str, ...], name: str, diags: list[Diagnostic], table: bool = False
) -> None:
    parts = name.split(".") if table and not name.lower().endswith(FILE_SUFFIXES) else [name]
    for part in parts:
        why = _bad_physical_name(part)
        if why is not None:
            what = "a part of this table name" if len(parts) > 1 else "this name"
            diags.append(
                catalog_error(
                    source,
                    loc,
                    f"`{'.'.join(loc)}`: {what} {why}: {name!r}",
                    "write the table or column name as the database has it; names with "
                    "spaces, quotes, upper case or reserved words are fine (segdsl quotes them)"
                    + ("; a dotted name is schema.table" if table else ""),
                    code="C012",
                )
            )
            return


def _physical_names(model: CatalogModel, source: Source, diags: list[Diagnostic]) -> None:
    """Every table and column name the catalog gives, checked (C012)."""

    def columns(base: tuple[str, ...], raw: dict[str, str | TypedColumn]) -> None:
        for name, spec in raw.items():
            if isinstance(spec, TypedColumn) and spec.column is not None:
                _check_physical(source, (*base, name), spec.column, diags)

    for name, ent in model.entity.items():
        _check_physical(source, ("entity", name, "source"), ent.source, diags, table=True)
        _check_physical(source, ("entity", name, "key"), ent.key, diags)
        columns(("entity", name, "attributes"), ent.attributes)
        if ent.location is not None:
            _check_physical(source, ("entity", name, "location", "lat"), ent.location.lat, diags)
            _check_physical(source, ("entity", name, "location", "lon"), ent.location.lon, diags)
    for name, ev in model.event.items():
        _check_physical(source, ("event", name, "source"), ev.source, diags, table=True)
        _check_physical(source, ("event", name, "key"), ev.key, diags)
        ts = ev.timestamp if isinstance(ev.timestamp, str) else ev.timestamp.column
        _check_physical(source, ("event", name, "timestamp"), ts, diags)
        if ev.kind is not None:
            _check_physical(source, ("event", name, "kind", "column"), ev.kind.column, diags)
        columns(("event", name, "fields"), ev.fields)


def _columns(
    source: Source,
    base: tuple[str, ...],
    raw: dict[str, str | TypedColumn],
    diags: list[Diagnostic],
) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for name, spec in raw.items():
        loc = (*base, name)
        type_text, column = (
            (spec, name) if isinstance(spec, str) else (spec.type, spec.column or name)
        )
        if not IDENT.match(name):
            diags.append(
                catalog_error(
                    source,
                    loc,
                    f"`{name}` is not a valid name",
                    "names use letters, digits and _, and do not start with a digit; "
                    'map it with `{ type = …, column = "…" }`',
                )
            )
            continue
        norm = type_text.replace(" ", "").lower()
        if norm not in TYPE_NAMES:
            diags.append(
                catalog_error(
                    source,
                    loc,
                    f"unknown type `{type_text}` for `{name}`",
                    did_you_mean(norm, TYPE_NAMES) + "the types are " + ", ".join(TYPE_NAMES),
                    code="C002",
                )
            )
            continue
        out[name] = Column(name, Type(norm), column)
    return out


def build_catalog(model: CatalogModel, source: Source) -> Catalog:
    from segdsl.syntax.parser import KEYWORDS

    diags: list[Diagnostic] = []
    _physical_names(model, source, diags)
    entities: dict[str, EntityDef] = {}
    for name, ent in model.entity.items():
        if not IDENT.match(name) or name.lower() in KEYWORDS:
            diags.append(
                catalog_error(
                    source,
                    ("entity", name),
                    f"`{name}` cannot be an entity name",
                    "use a plain name such as `customer` (letters, digits, _; not a keyword)",
                )
            )
        attrs = _columns(source, ("entity", name, "attributes"), ent.attributes, diags)
        location = (ent.location.lat, ent.location.lon) if ent.location is not None else None
        entities[name] = EntityDef(name, _source_table(ent.source), ent.key, attrs, location)

    default_entity = model.project.default_entity
    if default_entity is None:
        default_entity = next(iter(model.entity))
    elif default_entity not in entities:
        diags.append(
            catalog_error(
                source,
                ("project", "default_entity"),
                f"default entity `{default_entity}` is not defined",
                did_you_mean(default_entity, list(entities))
                + f"define `[entity.{default_entity}]` or name one of: {', '.join(entities)}",
                code="C003",
            )
        )

    events: dict[str, EventDef] = {}
    for name, ev in model.event.items():
        if not IDENT.match(name) or name.lower() in KEYWORDS:
            diags.append(
                catalog_error(
                    source,
                    ("event", name),
                    f"`{name}` cannot be an event name",
                    "use a plain name such as `purchase` (letters, digits, _; not a keyword)",
                )
            )
        if ev.entity not in entities:
            diags.append(
                catalog_error(
                    source,
                    ("event", name, "entity"),
                    f"event `{name}` belongs to entity `{ev.entity}`, which is not defined",
                    did_you_mean(ev.entity, list(entities))
                    + f"the entities are: {', '.join(entities)}",
                    code="C003",
                )
            )
        fields = _columns(source, ("event", name, "fields"), ev.fields, diags)
        if isinstance(ev.timestamp, str):
            ts_col, ts_type = ev.timestamp, Type.TIMESTAMP
        else:
            ts_col, ts_type = ev.timestamp.column, Type(ev.timestamp.type)
        for reserved in sorted(TIME_PARTS & set(fields)):
            diags.append(
                catalog_error(
                    source,
                    ("event", name, "fields", reserved),
                    f"`{reserved}` is reserved for a part of the event's time",
                    f"name the field differently (e.g. `{reserved}_field`); in an event "
                    f"condition `{reserved}` is always computed from the event's time",
                    code="E315",
                )
            )
        if "timestamp" in fields:
            diags.append(
                catalog_error(
                    source,
                    ("event", name, "fields", "timestamp"),
                    "`timestamp` is reserved for the event's time",
                    "name the field differently; the event time is always `timestamp`",
                )
            )
        kind = (ev.kind.column, ev.kind.value) if ev.kind else None
        events[name] = EventDef(
            name,
            _source_table(ev.source),
            ev.entity,
            ev.key,
            ts_col,
            ts_type,
            kind,
            fields,
            ev.retention,
        )

    dialect = model.project.dialect
    if dialect.lower() not in SQL_DIALECTS:
        diags.append(
            catalog_error(
                source,
                ("project", "dialect"),
                f"unknown SQL dialect `{dialect}`",
                did_you_mean(dialect.lower(), SQL_DIALECTS)
                + "use e.g. duckdb, postgres, sqlite, snowflake, bigquery, spark, trino",
                code="C004",
            )
        )
    zone = model.project.timezone
    if not valid_zone(zone):
        diags.append(
            catalog_error(
                source,
                ("project", "timezone"),
                f"unknown time zone `{zone}`",
                did_you_mean(zone, sorted(_zone_names()))
                + 'write an IANA zone name such as "Europe/Berlin", "America/New_York" or "UTC"',
                code="E314",
            )
        )
    if diags:
        raise SegdslError(diags)
    return Catalog(
        path=source.path,
        project_name=model.project.name,
        default_entity=default_entity,
        dialect=dialect,
        database=model.project.database,
        entities=entities,
        events=events,
        lint=model.lint,
        engine=model.engine,
        history=model.history,
        timezone=zone,
        source=source,
    )


def parse_catalog(text: str, path: str = "segdsl.toml") -> Catalog:
    source = Source(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line, col = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        reason = re.sub(r"\s*\(at line.*\)", "", msg)
        raise SegdslError(
            Diagnostic(
                "C000",
                f"this is not valid TOML: {reason[:1].lower()}{reason[1:]}",
                Span(source, line, col, line, col + 1),
                hint='check the quotes and brackets; a value looks like `key = "text"`',
            )
        ) from None
    from segdsl.catalog.sections import check_sections

    try:
        model = CatalogModel.model_validate(data)
    except ValidationError as exc:
        raise SegdslError(_from_pydantic(source, exc) + check_sections(data, source)) from None
    sections = check_sections(data, source)
    if sections:
        raise SegdslError(sections)
    return build_catalog(model, source)


def load_catalog(path: Path) -> Catalog:
    if not path.is_file() and not path.is_dir():
        raise SegdslError(
            Diagnostic(
                codes.C010,
                f"no catalog at {path}",
                path=str(path),
                hint="a project is a folder with a segdsl.toml; pass it with -p DIR "
                "(see examples/retail/segdsl.toml)",
            )
        )
    return parse_catalog(plain_text(read_text(path)), str(path))


def reading_files(catalog: Catalog, root: Path, how: Literal["relative", "absolute"]) -> Catalog:
    """The catalog with every Parquet/CSV source read by its path in the SQL itself:
    relative to the current folder (where the SQL will run) or absolute."""
    import os

    def where(src: SourceTable) -> SourceTable:
        if src.path is None:
            return src
        file = (root / src.path).resolve()
        shown = str(file) if how == "absolute" else os.path.relpath(file)
        return dataclasses.replace(src, read_from=Path(shown).as_posix())

    entities = {
        n: dataclasses.replace(e, source=where(e.source)) for n, e in catalog.entities.items()
    }
    events = {n: dataclasses.replace(e, source=where(e.source)) for n, e in catalog.events.items()}
    return dataclasses.replace(catalog, entities=entities, events=events)
