"""Fixtures of `segdsl test`: hand-made profiles turned into a small data set shaped
like the catalog, and a project that reads it.

Every source table of the catalog (the entity tables and the event tables, several
event kinds sharing one table as in the catalog) becomes a Parquet file in a
temporary folder, with every column the catalog names (key, attributes, timestamp,
kind, fields) typed as the catalog types it; what a fixture does not give is missing.
The project is then the same rules resolved against a catalog whose sources are those
files, so segments are evaluated — and explained — by the ordinary code, on embedded
DuckDB, without the warehouse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlglot import exp

from segdsl.catalog import Catalog, SourceTable
from segdsl.catalog.types import Type
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.semantic.ir import Duration
from segdsl.semantic.ir import unit as ir_unit
from segdsl.semantic.timecalc import local_date, local_to_utc, minus_in_zone

_AGO = re.compile(
    r"\s*(\d+)\s*(second|minute|hour|day|week|month|year)s?\s+ago\s*\Z", re.IGNORECASE
)
_FIXED = {"second": 1, "minute": 60, "hour": 3600}


@dataclass(frozen=True)
class Fixture:
    """One hand-made profile: an entity with attributes and events."""

    name: str
    entity: str
    key: int | str
    as_of: dt.datetime
    attributes: Mapping[str, Any]
    events: tuple[Mapping[str, Any], ...]
    member_of: tuple[str, ...] = ()
    not_member_of: tuple[str, ...] = ()
    where: str = ""  # the file, for messages
    zone: str = "UTC"  # the project's time zone: times without an offset are read in it


def _bad(fx: Fixture, message: str, hint: str) -> SegdslError:
    return SegdslError(
        Diagnostic("M021", f"fixture `{fx.name}`: {message}", path=fx.where, hint=hint)
    )


def instant(fx: Fixture, value: Any, what: str) -> dt.datetime:
    """A time of a fixture: a TOML date/datetime, ISO text, or `N unit(s) ago`
    (relative to the fixture's as-of; months and years step on the project's clock).
    Without an offset, a time is a wall-clock time in the project's time zone."""
    if isinstance(value, dt.datetime):
        if value.tzinfo:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return local_to_utc(value, fx.zone)
    if isinstance(value, dt.date):
        return local_to_utc(dt.datetime.combine(value, dt.time()), fx.zone)
    if isinstance(value, str):
        m = _AGO.fullmatch(value)
        if m:
            n, unit = int(m.group(1)), m.group(2).lower()
            try:
                if unit in _FIXED:
                    return fx.as_of - dt.timedelta(seconds=n * _FIXED[unit])
                return minus_in_zone(fx.as_of, Duration(n, ir_unit(unit)), fx.zone)
            except (SegdslError, OverflowError):
                raise _bad(
                    fx, f"{what} = {value!r} is before the year 1", "give a nearer time"
                ) from None
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if parsed.tzinfo:
                return parsed.astimezone(dt.UTC).replace(tzinfo=None)
            return local_to_utc(parsed, fx.zone)
    raise _bad(
        fx,
        f"{what} = {value!r} is not a time",
        'write a date ("2026-06-01"), a timestamp ("2026-06-01T10:00:00") or '
        '"N days ago" (also hours, weeks, months, years), relative to the as-of',
    )


def _cell(fx: Fixture, t: Type, value: Any, what: str) -> Any:
    if value is None:
        return None
    if t is Type.TIMESTAMP:
        return instant(fx, value, what)
    if t is Type.DATE:
        # a date is a day of the project's calendar
        return local_date(instant(fx, value, what), fx.zone)
    ok = {
        Type.INTEGER: isinstance(value, int) and not isinstance(value, bool),
        Type.NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
        Type.STRING: isinstance(value, str),
        Type.BOOLEAN: isinstance(value, bool),
        Type.LIST_STRING: isinstance(value, list) and all(isinstance(v, str) for v in value),
        Type.LIST_INTEGER: isinstance(value, list)
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value),
    }[t]
    if not ok:
        raise _bad(fx, f"{what} = {value!r} is not {t.value}", f"give {what} a {t.value} value")
    return float(value) if t is Type.NUMBER else value


@dataclass
class _Table:
    columns: dict[str, str] = field(default_factory=dict)  # column → logical type
    rows: list[dict[str, Any]] = field(default_factory=list)


def build_dataset(catalog: Catalog, fixtures: list[Fixture]) -> dict[str, _Table]:
    """The rows of every source table (by the catalog's table name)."""
    keys_are_int = all(isinstance(f.key, int) for f in fixtures)
    key_type = "integer" if keys_are_int else "string"
    tables: dict[str, _Table] = {}
    for ent in catalog.entities.values():
        t = tables.setdefault(ent.source.table, _Table())
        t.columns[ent.key] = key_type
        for a in ent.attributes.values():
            t.columns[a.column] = a.type.value
        for loc in ent.location or ():
            t.columns.setdefault(loc, "number")
    for ev in catalog.events.values():
        t = tables.setdefault(ev.source.table, _Table())
        t.columns[ev.key] = key_type
        t.columns[ev.timestamp] = ev.timestamp_type.value
        if ev.kind:
            t.columns[ev.kind[0]] = "string"
        for f in ev.fields.values():
            t.columns[f.column] = f.type.value
    for fx in fixtures:
        entity = catalog.entities.get(fx.entity)
        if entity is None:
            raise _bad(
                fx,
                f"unknown entity `{fx.entity}`",
                "the entities are: " + ", ".join(catalog.entities),
            )
        ent = entity
        row: dict[str, Any] = {ent.key: fx.key if keys_are_int else str(fx.key)}
        for name, value in fx.attributes.items():
            col = ent.attributes.get(name)
            if col is None:
                raise _bad(
                    fx,
                    f"`{name}` is not an attribute of {ent.name}",
                    "the attributes are: " + ", ".join(ent.attributes),
                )
            row[col.column] = _cell(fx, col.type, value, name)
        tables[ent.source.table].rows.append(row)
        for i, event in enumerate(fx.events, start=1):
            ev_name = str(event.get("event"))
            event_def = catalog.events.get(ev_name)
            if event_def is None or event_def.entity != ent.name:
                raise _bad(
                    fx,
                    f"event {i}: unknown event `{ev_name}`",
                    'each event needs `event = "…"`, one of: '
                    + ", ".join(e.name for e in catalog.events.values() if e.entity == ent.name),
                )
            ev = event_def
            if "at" not in event:
                raise _bad(fx, f"event {i} ({ev_name}) has no time", 'add at = "3 days ago"')
            erow: dict[str, Any] = {
                ev.key: row[ent.key],
                ev.timestamp: _cell(fx, ev.timestamp_type, event["at"], f"event {i}: at"),
            }
            if ev.kind:
                erow[ev.kind[0]] = ev.kind[1]
            for fname, value in event.items():
                if fname in ("event", "at"):
                    continue
                fcol = ev.fields.get(fname)
                if fcol is None:
                    raise _bad(
                        fx,
                        f"event {i}: `{fname}` is not a field of {ev.name}",
                        "the fields are: " + (", ".join(ev.fields) or "(none)"),
                    )
                erow[fcol.column] = _cell(fx, fcol.type, value, f"event {i}: {fname}")
            tables[ev.source.table].rows.append(erow)
    return tables


def fixture_project(project: Project, fixtures: list[Fixture], folder: Path) -> Project:
    """``project``'s rules over the fixtures alone: Parquet files in ``folder``."""
    import duckdb

    from segdsl.engines.duckdb import DuckDBSession

    tables = build_dataset(project.catalog, fixtures)
    files: dict[str, SourceTable] = {}
    con = duckdb.connect(":memory:")
    session = DuckDBSession(con)
    try:
        for i, (table, t) in enumerate(sorted(tables.items()), start=1):
            stem = f"fixture_{i}"
            cols = list(t.columns.items())
            session.create_table(stem, cols, [[r.get(c) for c, _ in cols] for r in t.rows])
            target = exp.Literal.string(str(folder / f"{stem}.parquet")).sql("duckdb")
            con.execute(f"COPY {stem} TO {target} (FORMAT parquet)")
            files[table] = SourceTable(table=stem, path=f"{stem}.parquet")
    finally:
        con.close()
    cat = project.catalog
    catalog = dataclasses.replace(
        cat,
        database=None,
        engine=None,
        entities={
            n: dataclasses.replace(e, source=files[e.source.table]) for n, e in cat.entities.items()
        },
        events={
            n: dataclasses.replace(e, source=files[e.source.table]) for n, e in cat.events.items()
        },
    )
    return dataclasses.replace(project.with_catalog(catalog), root=folder)
