"""Connecting an engine to a project's data: each catalog source exposed under the
table name the compiled SQL uses.

The default engine is an embedded, in-memory DuckDB that attaches the catalog's
database file read-only and reads its Parquet/CSV sources. Other engines
(:mod:`segdsl.engines`) read the files themselves where they can, or find the tables
that ``segdsl load`` put there.

Why this module is long: every data check (D001, D006–D009) and the adaptation of the catalog to the data read the same source descriptions through one session.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from segdsl.catalog.locate import catalog_error
from segdsl.catalog.model import Catalog, EntityDef, SourceTable
from segdsl.catalog.types import Type
from segdsl.diagnostics import Diagnostic, SegdslError, Source, codes
from segdsl.diagnostics.suggest import did_you_mean
from segdsl.engines.base import Session
from segdsl.engines.registry import REGISTRY, engine_spec, quirks_of
from segdsl.sql.compiler import col, table_ref

if TYPE_CHECKING:
    import duckdb

# Engines that read Parquet and CSV files themselves; the others need `segdsl load`.
READS_FILES = frozenset(name for name, spec in REGISTRY.items() if spec.reads_files)


def _sources(catalog: Catalog) -> list[tuple[str, SourceTable]]:
    out: list[tuple[str, SourceTable]] = []
    for name, ent in catalog.entities.items():
        out.append((f"entity.{name}.source", ent.source))
    for name, ev in catalog.events.items():
        out.append((f"event.{name}.source", ev.source))
    return out


def _missing_source(catalog: Catalog, keypath: str, what: str, hint: str) -> SegdslError:
    loc = tuple(keypath.split("."))
    return SegdslError(_diag(catalog, codes.D001, loc, f"`{keypath}`: {what}", hint))


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
    spec = engine_spec(engine)
    if spec.embedded:
        from segdsl.engines.duckdb import DuckDBSession

        session: Session = DuckDBSession(connect(catalog, root))
    else:
        from segdsl.support.progress import progress

        with progress(f"starting {engine}"):
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
            elif src.path is not None and not spec.embedded and spec.reads_files:
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
    """Check the data against the catalog before any query, each problem a clear error
    naming the catalog entry (see docs/cli.md, "Data errors"):

    - ``D001``: a source table is not there;
    - ``D006``: a column the catalog names (key, attribute, field, timestamp, kind,
      location) is not in its source;
    - ``D007``: a column holds another kind of value than the catalog says (text where
      it says a number or a timestamp, a number where it says text …), or an event's
      key is not of the same kind as its entity's key;
    - ``D008``: an entity's key is not unique (its members would be counted twice);
    - ``D009``: an entity's source has rows without a key.

    The cost is the engine's metadata (one ``DESCRIBE``-like call per source table) and
    one ``COUNT(*) - COUNT(key), COUNT(key) - COUNT(DISTINCT key)`` query per entity.
    Every problem found is reported at once."""
    session = _session(con)
    problems: list[Diagnostic] = []
    columns: dict[str, dict[str, str] | None] = {}  # table → its columns (None: unknown)
    for keypath, src in _sources(catalog):
        if src.table in columns:
            continue
        query = exp.select(exp.Star()).from_(table_ref(src)).limit(0)
        try:
            session.query(query.sql(session.dialect))
        except SegdslError:
            raise
        except Exception:  # duckdb.CatalogException and friends
            columns[src.table] = None
            problems.append(_no_table(catalog, keypath, src, session.name))
            continue
        try:
            columns[src.table] = session.column_types(src.table) or None
        except Exception:  # an engine that cannot describe it: skip the column checks
            columns[src.table] = None
    for need in _needs(catalog):
        found = columns.get(need.source.table)
        if found is None:
            continue
        column = _find_column(need.column, found, session.name)
        if column is None:
            problems.append(_no_column(catalog, need, found, session.name))
            continue
        kind = found[column]
        if need.expect is not None and not _fits(need.expect, kind, session.name):
            problems.append(_wrong_type(catalog, need, kind))
    if not problems:
        problems.extend(_key_kinds(catalog, columns, session.name))
    if not problems:
        for name, ent in catalog.entities.items():
            problems.extend(_key_problems(catalog, name, ent, session))
    if problems:
        raise SegdslError(problems)


# ---- what the catalog expects of the data --------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Need:
    """One column the catalog names, and the kind of value it must hold."""

    section: str  # "entity.customer" or "event.purchase"
    loc: tuple[str, ...]  # the TOML key path, for the error's place
    what: str  # "attribute `age`", "key", "timestamp" …
    source: SourceTable
    column: str
    expect: Type | None  # None: any kind (a key)


def _needs(catalog: Catalog) -> list[_Need]:
    out: list[_Need] = []
    for name, ent in catalog.entities.items():
        sec = f"entity.{name}"
        out.append(_Need(sec, ("entity", name, "key"), "key", ent.source, ent.key, None))
        where: tuple[str, ...]
        for attr in ent.attributes.values():
            where = ("entity", name, "attributes", attr.name)
            out.append(
                _Need(sec, where, f"attribute `{attr.name}`", ent.source, attr.column, attr.type)
            )
        if ent.location is not None:
            for axis, column in zip(("lat", "lon"), ent.location, strict=True):
                where = ("entity", name, "location")
                out.append(_Need(sec, where, f"location `{axis}`", ent.source, column, Type.NUMBER))
    for name, ev in catalog.events.items():
        sec = f"event.{name}"
        out.append(_Need(sec, ("event", name, "key"), "key", ev.source, ev.key, None))
        out.append(
            _Need(
                sec,
                ("event", name, "timestamp"),
                "timestamp",
                ev.source,
                ev.timestamp,
                ev.timestamp_type,
            )
        )
        if ev.kind is not None:
            where = ("event", name, "kind")
            out.append(_Need(sec, where, "kind", ev.source, ev.kind[0], Type.STRING))
        for fld in ev.fields.values():
            where = ("event", name, "fields", fld.name)
            out.append(_Need(sec, where, f"field `{fld.name}`", ev.source, fld.column, fld.type))
    return out


def _quirk(engine: str, name: str) -> bool:
    spec = quirks_of(engine)
    return bool(getattr(spec, name)) if spec is not None else False


def _find_column(name: str, found: dict[str, str], engine: str) -> str | None:
    if name in found:
        return name
    # Engines whose column names match whatever their case (DuckDB, SQLite, Spark by
    # default); on the others `Age` and `age` are two names.
    if _quirk(engine, "case_blind"):
        for column in found:
            if column.lower() == name.lower():
                return column
    return None


def _fits(expect: Type, kind: str, engine: str) -> bool:
    """Whether a column of logical type ``kind`` (``""``: unknown) can stand for a value
    of type ``expect``. Numbers meet numbers and dates meet timestamps; text never
    stands for a number or a time, nor a number for text (the compiled SQL compares
    text with text literals and applies text functions, which the engines refuse on
    numbers). SQLite keeps times as text and yes/no values as 0/1."""
    if not kind or kind == expect.value:
        return True
    if expect.is_numeric:
        return kind in ("integer", "number")
    if expect.is_temporal:
        return kind in ("date", "timestamp") or (_quirk(engine, "loose_types") and kind == "string")
    if expect is Type.BOOLEAN:
        return _quirk(engine, "loose_types") and kind == "integer"
    return False


_KIND_WORDS = {
    "integer": "whole numbers",
    "number": "numbers",
    "string": "text",
    "boolean": "yes/no values",
    "date": "dates",
    "timestamp": "timestamps",
    "list<string>": "lists of texts",
    "list<integer>": "lists of whole numbers",
}


def _in(src: SourceTable) -> str:
    return f"{src.path}" if src.path is not None else f"table `{src.table}`"


def _span_source(catalog: Catalog) -> Source | None:
    return catalog.source if catalog.source is not None and catalog.source.text else None


def _diag(catalog: Catalog, code: str, loc: tuple[str, ...], message: str, hint: str) -> Diagnostic:
    """A diagnostic pointing at ``loc`` in segdsl.toml (or naming the file when its text
    cannot be read again)."""
    source = _span_source(catalog)
    if source is None:
        return Diagnostic(code, message, path=catalog.path, hint=hint)
    return catalog_error(source, loc, message, hint, code=code)


def _no_table(catalog: Catalog, keypath: str, src: SourceTable, engine: str) -> Diagnostic:
    if _quirk(engine, "embedded"):
        if catalog.database:
            where = f"the database {catalog.database}"
            hint = (
                f"check the name against the tables of {catalog.database}, or point "
                "`source` at a .parquet or .csv file (relative to the project folder)"
            )
        else:
            where = "the project: with no `database` under [project], a source is a file"
            hint = (
                "point `source` at a .parquet or .csv file (relative to the project "
                'folder), or set `database = "FILE.duckdb"` under [project] to read '
                "tables from a DuckDB file"
            )
    else:
        where = f"the {engine} engine"
        hint = "check the name"
        if engine not in READS_FILES:
            hint += f", or load the project's data: segdsl load --engine {engine}"
    return _diag(
        catalog,
        codes.D001,
        tuple(keypath.split(".")),
        f"`{keypath}`: no table `{src.table}` in {where}",
        hint,
    )


def _no_column(catalog: Catalog, need: _Need, found: dict[str, str], engine: str) -> Diagnostic:
    names = list(found)
    shown = ", ".join(f"`{c}`" for c in names[:12]) + (" …" if len(names) > 12 else "")
    hint = did_you_mean(need.column, names)
    if need.what == "key":
        hint += "set `key` to the column that identifies each row"
    elif need.what == "timestamp":
        hint += "set `timestamp` to the column with the event's time"
    elif need.what == "kind":
        hint += "set `kind.column` to the column that tells the events apart"
    elif need.what.startswith("location"):
        hint += "set `location` to the columns of latitude and longitude"
    else:
        name = need.loc[-1]
        hint += (
            f"map it to the right column with `{name} = {{ type = "
            f'"{need.expect}", column = "…" }}`, or add the column to the data'
        )
    hint += f"; the columns of {_in(need.source)} are: {shown or '(none)'}"
    return _diag(
        catalog,
        codes.D006,
        need.loc,
        f"`[{need.section}]` {need.what}: no column `{need.column}` in {_in(need.source)}",
        hint,
    )


def _wrong_type(catalog: Catalog, need: _Need, kind: str) -> Diagnostic:
    assert need.expect is not None
    expect = need.expect
    message = (
        f"`[{need.section}]` {need.what}: the column `{need.column}` of {_in(need.source)} "
        f"holds {_KIND_WORDS.get(kind, kind)}, not {_KIND_WORDS[expect.value]}"
    )
    src = need.source
    if expect.is_temporal and kind == "string":
        how = (
            "write every value as 2026-06-30 or 2026-06-30 14:05:00 (ISO 8601): one value "
            "that is not a time makes the CSV reader take the whole column as text"
            if src.path is not None and src.path.lower().endswith(".csv")
            else "store the column as a DATE or TIMESTAMP (a view that casts it will do)"
        )
        other = "`timestamp`" if need.what == "timestamp" else "the entry"
        hint = f"{how}; or point {other} at a column of times"
    elif need.what in ("timestamp", "kind") or need.what.startswith("location"):
        hint = (
            f"point `{need.loc[-1]}` at a column of {_KIND_WORDS[expect.value]}, or change the data"
        )
    else:
        right = _KIND_WORDS.get(kind)
        declared = f'declare it as `{need.loc[-1]} = "{kind}"`' if right else "fix the catalog"
        hint = (
            f"{declared} if the data is right, or change the data (a view that casts the "
            f"column will do) so that it holds {_KIND_WORDS[expect.value]}"
        )
    return _diag(catalog, codes.D007, need.loc, message, hint)


def _kind_class(kind: str) -> str:
    return "number" if kind in ("integer", "number") else kind


def _key_kinds(
    catalog: Catalog, columns: dict[str, dict[str, str] | None], engine: str
) -> list[Diagnostic]:
    """An event whose key holds another kind of value than its entity's key: the two
    cannot be matched (the engines refuse to compare, say, text with numbers)."""
    out: list[Diagnostic] = []
    for name, ev in catalog.events.items():
        ent = catalog.entities.get(ev.entity)
        if ent is None:
            continue
        ent_cols = columns.get(ent.source.table)
        ev_cols = columns.get(ev.source.table)
        if ent_cols is None or ev_cols is None:
            continue
        ent_col = _find_column(ent.key, ent_cols, engine)
        ev_col = _find_column(ev.key, ev_cols, engine)
        if ent_col is None or ev_col is None:
            continue
        a, b = ev_cols[ev_col], ent_cols[ent_col]
        if not a or not b or _kind_class(a) == _kind_class(b):
            continue
        out.append(
            _diag(
                catalog,
                codes.D007,
                ("event", name, "key"),
                f"`[event.{name}]` key: the column `{ev.key}` of {_in(ev.source)} holds "
                f"{_KIND_WORDS.get(a, a)}, but the key of `[entity.{ev.entity}]` "
                f"(`{ent.key}` of {_in(ent.source)}) holds {_KIND_WORDS.get(b, b)}",
                "an event is matched to its member by key: both columns must hold the same "
                "kind of value (a view that casts one of them will do)",
            )
        )
    return out


def _key_problems(
    catalog: Catalog, name: str, ent: EntityDef, session: Session
) -> list[Diagnostic]:
    """Rows without a key (D009) and keys on more than one row (D008): one query."""
    key = col(ent.key)
    count = exp.Count(this=exp.Star())
    counts = exp.select(
        exp.Sub(this=count, expression=exp.Count(this=key.copy())),
        exp.Sub(
            this=exp.Count(this=key.copy()),
            expression=exp.Count(this=exp.Distinct(expressions=[key.copy()])),
        ),
    ).from_(table_ref(ent.source))
    try:
        row = session.query(counts.sql(session.dialect))[0]
    except SegdslError:
        raise
    except Exception:  # an engine that cannot count this key (a list?): not our check
        return []
    no_key, repeated = int(row[0] or 0), int(row[1] or 0)
    out: list[Diagnostic] = []
    where = _in(ent.source)
    if no_key:
        out.append(
            _diag(
                catalog,
                codes.D009,
                ("entity", name, "key"),
                f"`[entity.{name}]` key: {_rows(no_key)} of {where} "
                f"{'has' if no_key == 1 else 'have'} no `{ent.key}` (the key is missing)",
                "every member needs a key: fill it in, or leave those rows out (a view "
                f"with WHERE {ent.key} IS NOT NULL will do)",
            )
        )
    if repeated:
        sample = (
            exp.select(key.copy(), exp.Count(this=exp.Star()))
            .from_(table_ref(ent.source))
            .where(exp.Not(this=exp.Is(this=key.copy(), expression=exp.Null())))
            .group_by(key.copy())
            .having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1)))
            .order_by(exp.Ordered(this=exp.Count(this=exp.Star()), desc=True), key.copy())
            .limit(4)
        )
        try:
            rows = session.query(sample.sql(session.dialect))
        except Exception:
            rows = []
        shown = ", ".join(
            f"{_show_key(r[0])} is the key of {int(r[1])} rows"
            if i == 0
            else f"{_show_key(r[0])} of {int(r[1])}"
            for i, r in enumerate(rows[:3])
        )
        extra = f"{_rows(repeated)} too many"
        out.append(
            _diag(
                catalog,
                codes.D008,
                ("entity", name, "key"),
                f"`[entity.{name}]` key: `{ent.key}` is not unique in {where}: "
                + (f"{shown}{', …' if len(rows) > 3 else ''} ({extra})" if shown else extra),
                "an entity's source must hold one row per member, or members are counted "
                "twice: remove the duplicates (a view with one row per key will do), or "
                "set `key` to a column that is unique",
            )
        )
    return out


def _show_key(key: object) -> str:
    return f'"{key}"' if isinstance(key, str) else str(key)


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


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
