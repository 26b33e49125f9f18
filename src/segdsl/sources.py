"""Connecting an engine to a project's data: each catalog source exposed under the
table name the compiled SQL uses.

The default engine is an embedded, in-memory DuckDB that attaches the catalog's
database file read-only and reads its Parquet/CSV sources. Other engines
(:mod:`segdsl.engines`) read the files themselves where they can, or find the tables
that ``segdsl load`` put there."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from segdsl.catalog import Catalog, SourceTable
from segdsl.compiler import table_ref
from segdsl.engines.base import Session
from segdsl.errors import Diagnostic, SegdslError
from segdsl.types import Type

if TYPE_CHECKING:
    import duckdb

# Engines that read Parquet and CSV files themselves; the others need `segdsl load`.
READS_FILES = frozenset({"duckdb", "clickhouse", "spark", "datafusion"})


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


def _session(con: Any) -> Session:
    """A session over ``con``: a session already, or a DuckDB connection."""
    if hasattr(con, "column_types") and hasattr(con, "query"):
        return con  # type: ignore[no-any-return]
    from segdsl.engines.duckdb import DuckDBSession

    return DuckDBSession(con)


def connect_engine(
    catalog: Catalog, root: Path, engine: str = "duckdb", settings: Any = None, spark: Any = None
) -> Session:
    """A session on ``engine`` where every catalog source can be queried by the name
    the compiled SQL uses. ``settings`` are the engine's validated settings (by
    default, those of ``[engine.NAME]`` in the catalog)."""
    from segdsl.engines import open_session, settings_for

    if settings is None:
        settings = settings_for(catalog, engine)
    if engine == "duckdb":
        from segdsl.engines.duckdb import DuckDBSession

        session: Session = DuckDBSession(connect(catalog, root))
    else:
        session = open_session(engine, settings, root, spark=spark)
    try:
        overrides: dict[str, str] = dict(settings.tables)
        done: set[str] = set()
        for keypath, src in _sources(catalog):
            if src.table in done:
                continue
            done.add(src.table)
            if src.table in overrides:
                where = overrides[src.table]
                target: Path | str = where if "://" in where else (root / where).resolve()
                session.register_file(src.table, target)  # type: ignore[arg-type]
            elif src.path is not None and engine != "duckdb" and engine in READS_FILES:
                file = (root / src.path).resolve()
                if not file.is_file():
                    raise _missing_source(
                        catalog,
                        keypath,
                        f"the file {src.path} does not exist",
                        "fix the path (relative to the project folder) or create the file",
                    )
                session.register_file(src.table, file)
    except BaseException:
        session.close()
        raise
    return session


def check_sources(catalog: Catalog, con: Any) -> None:
    """A clear error naming the catalog entry when a source table is not there."""
    session = _session(con)
    for keypath, src in _sources(catalog):
        query = exp.select(exp.Star()).from_(table_ref(src)).limit(0)
        try:
            session.query(query.sql(session.dialect))
        except Exception as exc:  # duckdb.CatalogException and friends
            if session.name == "duckdb":
                where = f"the database {catalog.database}" if catalog.database else "the project"
                hint = "check the name, or point `source` at a .parquet or .csv file"
            else:
                where = f"the {session.name} engine"
                hint = "check the name"
                if session.name not in READS_FILES:
                    hint += f", or load the project's data: segdsl load --engine {session.name}"
            raise _missing_source(
                catalog,
                keypath,
                f"no table `{src.table}` in {where}",
                f"{hint} ({type(exc).__name__})",
            ) from None


def _column_types(con: Any, src: SourceTable) -> dict[str, str]:
    """The logical type of each column of a source (``date``, ``timestamp`` …)."""
    return _session(con).column_types(src.table)


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
        if kind == "date":
            events[name] = dataclasses.replace(ev, timestamp_type=Type.DATE)
            changed = True
    if not changed:
        return catalog
    return dataclasses.replace(catalog, events=events)
