"""Connecting an embedded DuckDB to a project's data: the catalog's database file and
Parquet/CSV sources, each exposed under the table name the compiled SQL uses."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from segdsl.catalog import Catalog, SourceTable
from segdsl.compiler import table_ref
from segdsl.errors import Diagnostic, SegdslError
from segdsl.types import Type

if TYPE_CHECKING:
    import duckdb


def _sources(catalog: Catalog) -> list[tuple[str, SourceTable]]:
    out: list[tuple[str, SourceTable]] = []
    for name, ent in catalog.entities.items():
        out.append((f"entity.{name}.source", ent.source))
    for name, ev in catalog.events.items():
        out.append((f"event.{name}.source", ev.source))
    return out


def _missing_source(catalog: Catalog, keypath: str, what: str, hint: str) -> SegdslError:
    return SegdslError(Diagnostic("D001", f"`{keypath}`: {what}", path=catalog.path, hint=hint))


def connect(catalog: Catalog, root: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection where every catalog source can be queried by the
    name the compiled SQL uses. The database file is attached read-only."""
    import duckdb

    con = duckdb.connect(":memory:")
    # Timestamps are UTC: a TIMESTAMPTZ column meets literals in UTC, not local time.
    con.execute("SET TimeZone = 'UTC'")
    if catalog.database:
        db = (root / catalog.database).resolve()
        if not db.is_file():
            raise _missing_source(
                catalog,
                "project.database",
                f"the database file {catalog.database} does not exist",
                "create it (the example's README says how) or fix the path, which is "
                "relative to the project folder",
            )
        lit = exp.Literal.string(str(db)).sql("duckdb")
        con.execute(f"ATTACH {lit} AS segdsl_src (READ_ONLY)")
        con.execute("USE segdsl_src")
    registered: set[str] = set()
    for keypath, src in _sources(catalog):
        if src.path is None or src.table in registered:
            continue
        file = (root / src.path).resolve()
        if not file.is_file():
            raise _missing_source(
                catalog,
                keypath,
                f"the file {src.path} does not exist",
                "fix the path (relative to the project folder) or create the file",
            )
        reader = "read_parquet" if src.path.lower().endswith(".parquet") else "read_csv"
        view = exp.select(exp.Star()).from_(
            exp.Anonymous(this=reader, expressions=[exp.Literal.string(str(file))])
        )
        name = table_ref(src).sql("duckdb")
        con.execute(f"CREATE TEMP VIEW {name} AS {view.sql('duckdb')}")
        registered.add(src.table)
    return con


def check_sources(catalog: Catalog, con: Any) -> None:
    """A clear error naming the catalog entry when a source table is not there."""
    for keypath, src in _sources(catalog):
        query = exp.select(exp.Star()).from_(table_ref(src)).limit(0)
        try:
            con.execute(query.sql("duckdb"))
        except Exception as exc:  # duckdb.CatalogException and friends
            where = f"the database {catalog.database}" if catalog.database else "the project"
            raise _missing_source(
                catalog,
                keypath,
                f"no table `{src.table}` in {where}",
                "check the name, or point `source` at a .parquet or .csv file "
                f"({type(exc).__name__})",
            ) from None


def _column_types(con: Any, src: SourceTable) -> dict[str, str]:
    query = exp.select(exp.Star()).from_(table_ref(src))
    rows = con.execute("DESCRIBE " + query.sql("duckdb")).fetchall()
    return {str(r[0]): str(r[1]).upper() for r in rows}


def adapt_to_data(catalog: Catalog, con: Any) -> Catalog:
    """The catalog with each event's time typed as the data has it.

    The catalog does not say whether an event's `timestamp` column holds dates or
    timestamps (unless written as `{ column = …, type = "date" }`); section 7 gives
    each its own window rule, so the data decides."""
    events = dict(catalog.events)
    changed = False
    for name, ev in catalog.events.items():
        if ev.timestamp_type is Type.DATE:
            continue
        kind = _column_types(con, ev.source).get(ev.timestamp, "")
        if kind == "DATE":
            events[name] = dataclasses.replace(ev, timestamp_type=Type.DATE)
            changed = True
    if not changed:
        return catalog
    return dataclasses.replace(catalog, events=events)
