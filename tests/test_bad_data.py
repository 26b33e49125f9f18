"""Bad data: a source table missing, a column missing, a column of the wrong type, a
timestamp column holding text, duplicate or missing keys in an entity's table. Each is
found before any query runs (`sources.check_sources`) and reported as a clear error
naming the catalog entry (`[entity.X]` / `[event.Y]`, the attribute or field, the
column and the file or table) with a hint and the place in segdsl.toml, never an
engine's raw message.

On DuckDB over Parquet and CSV files, DuckDB database tables, SQLite, and PostgreSQL
(when `SEGDSL_TEST_POSTGRES_DSN` is set; required in CI with
`SEGDSL_REQUIRE_ENGINES=1`).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hist_helpers import invoke

import segdsl
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.engines.base import Session
from segdsl.engines.sources import check_sources, connect_engine

RAW_ENGINE_WORDS = (
    "Binder Error",
    "Conversion Error",
    "Catalog Error",
    "CatalogException",
    "rejected the query",
    "no such column",
    "does not exist\nLINE",
)

CATALOG = """\
[project]
name = "shop"
{project_extra}
[entity.customer]
source = "{customers}"
key = "customer_id"

[entity.customer.attributes]
age = "integer"
country = "string"
signup = "date"

[event.purchase]
source = "{orders}"
entity = "customer"
key = "customer_id"
timestamp = "ordered_at"

[event.purchase.fields]
amount = "number"
status = "string"
{engine_extra}"""

CUSTOMERS: list[tuple[Any, ...]] = [
    (1, 30, "US", dt.date(2026, 1, 5)),
    (2, 41, "DE", dt.date(2025, 3, 1)),
    (3, None, "FR", None),
]
CUSTOMER_COLUMNS = [
    ("customer_id", "integer"),
    ("age", "integer"),
    ("country", "string"),
    ("signup", "date"),
]
ORDERS: list[tuple[Any, ...]] = [
    (1, dt.datetime(2026, 6, 20, 10, 0), 12.5, "paid"),
    (1, dt.datetime(2026, 6, 25, 9, 30), 80.0, "paid"),
    (2, dt.datetime(2026, 4, 1, 12, 0), 5.0, "refunded"),
]
ORDER_COLUMNS = [
    ("customer_id", "integer"),
    ("ordered_at", "timestamp"),
    ("amount", "number"),
    ("status", "string"),
]
RULES = "segment buyers where did purchase in last 30 days\nsegment adults where age >= 18\n"
AS_OF = "2026-06-30"

Table = tuple[list[tuple[str, str]], list[tuple[Any, ...]]]


def good_tables() -> dict[str, Table]:
    return {
        "customers": (list(CUSTOMER_COLUMNS), list(CUSTOMERS)),
        "orders": (list(ORDER_COLUMNS), list(ORDERS)),
    }


# The bad-data cases, as edits of the good tables: (name, edit, code, words that the
# message must contain).
Edit = Callable[[dict[str, Table]], None]


def _drop_column(table: str, column: str) -> Edit:
    def edit(t: dict[str, Table]) -> None:
        cols, rows = t[table]
        i = [c for c, _ in cols].index(column)
        t[table] = (cols[:i] + cols[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])

    return edit


def _retype(table: str, column: str, logical: str, convert: Callable[[Any], Any]) -> Edit:
    def edit(t: dict[str, Table]) -> None:
        cols, rows = t[table]
        i = [c for c, _ in cols].index(column)
        cols = [(c, logical if j == i else k) for j, (c, k) in enumerate(cols)]
        rows = [tuple(convert(v) if j == i else v for j, v in enumerate(r)) for r in rows]
        t[table] = (cols, rows)

    return edit


def _add_rows(table: str, *extra: tuple[Any, ...]) -> Edit:
    def edit(t: dict[str, Table]) -> None:
        cols, rows = t[table]
        t[table] = (cols, rows + list(extra))

    return edit


def _text(v: Any) -> Any:
    """Text that no reader takes for a number or a time (a CSV column of "30" is
    numbers: CSV has no types)."""
    return None if v is None else f"~{v}"


CASES: list[tuple[str, Edit, str, tuple[str, ...]]] = [
    (
        "attribute column missing",
        _drop_column("customers", "country"),
        "D006",
        ("[entity.customer]", "attribute `country`", "no column `country`", "customers"),
    ),
    (
        "event field column missing",
        _drop_column("orders", "amount"),
        "D006",
        ("[event.purchase]", "field `amount`", "no column `amount`", "orders"),
    ),
    (
        "event timestamp column missing",
        _drop_column("orders", "ordered_at"),
        "D006",
        ("[event.purchase]", "timestamp", "no column `ordered_at`", "set `timestamp`"),
    ),
    (
        "entity key column missing",
        _drop_column("customers", "customer_id"),
        "D006",
        ("[entity.customer]", "key", "no column `customer_id`", "set `key`"),
    ),
    (
        "text where the catalog says a whole number",
        _retype("customers", "age", "string", _text),
        "D007",
        ("[entity.customer]", "attribute `age`", "`age`", "holds text, not whole numbers"),
    ),
    (
        "a number where the catalog says text",
        _retype("customers", "country", "integer", lambda v: len(v)),
        "D007",
        ("[entity.customer]", "attribute `country`", "holds whole numbers, not text"),
    ),
    (
        "a timestamp column holding text",
        _retype("orders", "ordered_at", "string", _text),
        "D007",
        ("[event.purchase]", "timestamp", "`ordered_at`", "holds text, not timestamps"),
    ),
    (
        "a date attribute holding text",
        _retype("customers", "signup", "string", _text),
        "D007",
        ("[entity.customer]", "attribute `signup`", "holds text, not dates"),
    ),
    (
        "event key of another kind than the entity key",
        _retype("orders", "customer_id", "string", _text),
        "D007",
        ("[event.purchase]", "key", "`customer_id`", "holds text", "holds whole numbers"),
    ),
    (
        "duplicate keys in the entity table",
        _add_rows("customers", (2, 50, "IT", None), (2, 51, "IT", None), (3, 9, "ES", None)),
        "D008",
        ("[entity.customer]", "`customer_id` is not unique", "2 is the key of 3 rows", "3 of 2"),
    ),
    (
        "a missing key in the entity table",
        _add_rows("customers", (None, 50, "IT", None)),
        "D009",
        ("[entity.customer]", "1 row of", "no `customer_id`"),
    ),
]
IDS = [c[0].replace(" ", "_") for c in CASES]


def assert_clear(err: SegdslError, code: str, words: tuple[str, ...]) -> Diagnostic:
    codes = [d.code for d in err.diagnostics]
    assert codes == [code], str(err)
    diag = err.diagnostics[0]
    text = str(err)
    for w in words:
        assert w in text, (w, text)
    for raw in RAW_ENGINE_WORDS:
        assert raw not in text, text
    assert diag.hint
    # it points at the catalog entry in segdsl.toml, with a caret
    assert diag.span is not None and diag.span.path.endswith("segdsl.toml"), text
    assert diag.span.source.line(diag.span.line).strip(), text
    return diag


# ---- DuckDB over Parquet, CSV, and a DuckDB database ---------------------------------


def _duckdb_type(logical: str) -> str:
    return {
        "integer": "BIGINT",
        "number": "DOUBLE",
        "string": "VARCHAR",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
    }[logical]


def write_duckdb_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, Table]) -> None:
    for name, (cols, rows) in tables.items():
        spec = ", ".join(f'"{c}" {_duckdb_type(k)}' for c, k in cols)
        con.execute(f'CREATE TABLE "{name}" ({spec})')
        if rows:
            marks = ", ".join("?" for _ in cols)
            con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)


def make_project(root: Path, tables: dict[str, Table], kind: str) -> Path:
    """A project whose data are Parquet files, CSV files or a DuckDB database."""
    root.mkdir(parents=True)
    (root / "rules.seg").write_text(RULES, encoding="utf-8")
    if kind == "duckdb-table":
        con = duckdb.connect(str(root / "shop.duckdb"))
        write_duckdb_tables(con, tables)
        con.close()
        names = {"customers": "customers", "orders": "orders"}
        extra = 'database = "shop.duckdb"\n'
    else:
        con = duckdb.connect()
        write_duckdb_tables(con, tables)
        for name in tables:
            if kind == "parquet":
                con.execute(f"COPY \"{name}\" TO '{root / name}.parquet' (FORMAT parquet)")
            else:
                con.execute(f"COPY \"{name}\" TO '{root / name}.csv' (HEADER, DELIMITER ',')")
        con.close()
        names = {n: f"{n}.{kind}" for n in tables}
        extra = ""
    catalog = CATALOG.format(
        project_extra=extra, customers=names["customers"], orders=names["orders"], engine_extra=""
    )
    (root / "segdsl.toml").write_text(catalog, encoding="utf-8")
    return root


KINDS = ["parquet", "csv", "duckdb-table"]


def test_good_data_passes_and_evaluates(tmp_path: Path) -> None:
    for kind in KINDS:
        root = make_project(tmp_path / kind, good_tables(), kind)
        result = segdsl.load_project(root).evaluate(as_of=AS_OF)
        assert result.members("buyers") == [1]
        assert result.members("adults") == [1, 2]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("name", "edit", "code", "words"), CASES, ids=IDS)
def test_bad_data_is_a_clear_error(
    tmp_path: Path, kind: str, name: str, edit: Edit, code: str, words: tuple[str, ...]
) -> None:
    tables = good_tables()
    edit(tables)
    root = make_project(tmp_path / "p", tables, kind)
    project = segdsl.load_project(root)
    with pytest.raises(SegdslError) as err:
        project.evaluate(as_of=AS_OF)
    diag = assert_clear(err.value, code, words)
    # names the file, or the table of the database
    assert (f".{kind}" if kind != "duckdb-table" else "table `") in diag.message


def test_csv_timestamp_with_one_bad_value_says_why(tmp_path: Path) -> None:
    """A CSV column of times with one value that is not a time is read as text; the
    message says which entry, which column, which file, and how to write times."""
    root = make_project(tmp_path / "p", good_tables(), "csv")
    orders = root / "orders.csv"
    orders.write_text(orders.read_text() + "3,yesterday,4.0,paid\n", encoding="utf-8")
    with pytest.raises(SegdslError) as err:
        segdsl.load_project(root).evaluate(as_of=AS_OF)
    diag = assert_clear(
        err.value, "D007", ("[event.purchase]", "`ordered_at`", "orders.csv", "ISO 8601")
    )
    assert diag.span is not None and diag.span.source.line(diag.span.line).startswith("timestamp =")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    tables = good_tables()
    _drop_column("customers", "country")(tables)
    _retype("orders", "ordered_at", "string", _text)(tables)
    root = make_project(tmp_path / "p", tables, "parquet")
    (root / "segdsl.toml").write_text(
        (root / "segdsl.toml").read_text().replace('amount = "number"', 'amount = "number"\n')
        + '\n[event.visit]\nsource = "visits"\nentity = "customer"\n'
        'key = "customer_id"\ntimestamp = "ts"\n',
        encoding="utf-8",
    )
    with pytest.raises(SegdslError) as err:
        segdsl.load_project(root).evaluate(as_of=AS_OF)
    assert sorted(d.code for d in err.value.diagnostics) == ["D001", "D006", "D007"]
    # and through the command line: exit 1, no traceback, each with its place
    code, _, errtext = invoke("eval", "-p", str(root), "--as-of", AS_OF)
    assert code == 1 and "Traceback" not in errtext
    assert errtext.count("segdsl.toml:") == 3 and "3 errors" in errtext


def test_missing_table_in_the_database_names_the_entry(tmp_path: Path) -> None:
    tables = good_tables()
    del tables["orders"]
    root = make_project(tmp_path / "p", tables, "duckdb-table")
    with pytest.raises(SegdslError) as err:
        segdsl.load_project(root).evaluate(as_of=AS_OF)
    assert_clear(err.value, "D001", ("event.purchase.source", "no table `orders`", "shop.duckdb"))


def test_missing_table_without_a_database_says_sources_are_files(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", good_tables(), "parquet")
    catalog = root / "segdsl.toml"
    catalog.write_text(catalog.read_text().replace('"orders.parquet"', '"orders"'))
    with pytest.raises(SegdslError) as err:
        segdsl.load_project(root).evaluate(as_of=AS_OF)
    assert_clear(err.value, "D001", ("event.purchase.source", "`database`", ".parquet or .csv"))


def test_a_column_in_another_case_is_found_on_duckdb(tmp_path: Path) -> None:
    tables = good_tables()
    cols, rows = tables["customers"]
    tables["customers"] = ([("Age" if c == "age" else c, k) for c, k in cols], rows)
    root = make_project(tmp_path / "p", tables, "parquet")
    assert segdsl.load_project(root).evaluate(as_of=AS_OF).members("adults") == [1, 2]


class CountingSession:
    """A real DuckDB session that counts the statements run through it."""

    def __init__(self, inner: Session) -> None:
        self.inner = inner
        self.name = inner.name
        self.dialect = inner.dialect
        self.queries: list[str] = []
        self.described: list[str] = []

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        self.queries.append(sql)
        return self.inner.query(sql)

    def column_types(self, table: str) -> dict[str, str]:
        self.described.append(table)
        return self.inner.column_types(table)


def test_the_checks_are_cheap_on_the_retail_example() -> None:
    """Per source table: one `LIMIT 0` probe and one description; per entity: one
    counting query. Nothing else reads the data."""
    project = segdsl.load_project(Path(__file__).resolve().parents[1] / "examples" / "retail")
    session = connect_engine(project.catalog, project.root)
    try:
        counting = CountingSession(session)
        check_sources(project.catalog, counting)
    finally:
        session.close()
    tables = {e.source.table for e in project.catalog.entities.values()} | {
        e.source.table for e in project.catalog.events.values()
    }
    probes = [q for q in counting.queries if q.rstrip().endswith("LIMIT 0")]
    counts = [q for q in counting.queries if "COUNT(DISTINCT" in q.upper()]
    assert len(probes) == len(tables) == 3
    assert sorted(counting.described) == sorted(tables)
    assert len(counts) == len(project.catalog.entities) == 1
    assert len(counting.queries) == len(probes) + len(counts)


# ---- SQLite and PostgreSQL (tables made by the engine's own runner) ------------------


def _sqlite_session(root: Path) -> Iterator[tuple[Session, str]]:
    from segdsl.engines.sqlite import SQLiteSession

    path = root / "shop.sqlite"
    session = SQLiteSession(path)
    try:
        yield session, f'[engine.sqlite]\npath = "{path}"\n'
    finally:
        session.close()


def _postgres_session(root: Path) -> Iterator[tuple[Session, str]]:
    dsn = os.environ.get("SEGDSL_TEST_POSTGRES_DSN")
    if not dsn:
        if os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1":
            pytest.fail("postgres is required here (SEGDSL_REQUIRE_ENGINES=1)")
        pytest.skip("postgres: set SEGDSL_TEST_POSTGRES_DSN to run")
    import psycopg
    from psycopg.conninfo import make_conninfo

    from segdsl.engines.postgres import PostgresSession

    name = f"segdsl_bad_data_{os.getpid()}"
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"'.encode())
        con.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0".encode())
    own = make_conninfo(dsn, dbname=name)
    session = PostgresSession(own)
    try:
        yield session, f"[engine.postgres]\ndsn = {own!r}\n".replace("'", '"')
    finally:
        session.close()
        with psycopg.connect(dsn, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"'.encode())


ENGINE_SESSIONS = {"sqlite": _sqlite_session, "postgres": _postgres_session}


@pytest.fixture(params=list(ENGINE_SESSIONS))
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Session, str]]:
    maker = ENGINE_SESSIONS[request.param]
    gen = maker(tmp_path)
    session, settings = next(gen)
    try:
        yield request.param, session, settings
    finally:
        gen.close()


def engine_project(root: Path, engine: tuple[str, Session, str], tables: dict[str, Table]) -> Any:
    _, session, settings = engine
    for table, (cols, rows) in tables.items():
        session.create_table(table, cols, rows)
    root.mkdir(parents=True, exist_ok=True)
    (root / "rules.seg").write_text(RULES, encoding="utf-8")
    catalog = CATALOG.format(
        project_extra="", customers="customers", orders="orders", engine_extra="\n" + settings
    )
    (root / "segdsl.toml").write_text(catalog, encoding="utf-8")
    return segdsl.load_project(root)


ENGINE_CASES = [
    c
    for c in CASES
    if c[0]
    in {
        "attribute column missing",
        "event timestamp column missing",
        "text where the catalog says a whole number",
        "a number where the catalog says text",
        "duplicate keys in the entity table",
        "a missing key in the entity table",
        "event key of another kind than the entity key",
    }
]


def test_good_data_passes_on_the_engine(tmp_path: Path, engine: tuple[str, Session, str]) -> None:
    project = engine_project(tmp_path / "p", engine, good_tables())
    result = project.evaluate(as_of=AS_OF, engine=engine[0])
    assert result.members("buyers") == [1]
    assert result.members("adults") == [1, 2]


@pytest.mark.parametrize(
    ("name", "edit", "code", "words"),
    ENGINE_CASES,
    ids=[c[0].replace(" ", "_") for c in ENGINE_CASES],
)
def test_bad_data_on_the_engine(
    tmp_path: Path,
    engine: tuple[str, Session, str],
    name: str,
    edit: Edit,
    code: str,
    words: tuple[str, ...],
) -> None:
    tables = good_tables()
    edit(tables)
    project = engine_project(tmp_path / "p", engine, tables)
    with pytest.raises(SegdslError) as err:
        project.evaluate(as_of=AS_OF, engine=engine[0])
    assert_clear(err.value, code, tuple(w.replace("customers.csv", "customers") for w in words))
    assert "table `" in str(err.value)  # a table, not a file


def test_missing_table_on_the_engine_says_how_to_load(
    tmp_path: Path, engine: tuple[str, Session, str]
) -> None:
    tables = good_tables()
    del tables["orders"]
    project = engine_project(tmp_path / "p", engine, tables)
    with pytest.raises(SegdslError) as err:
        project.evaluate(as_of=AS_OF, engine=engine[0])
    assert_clear(
        err.value,
        "D001",
        ("event.purchase.source", "no table `orders`", f"segdsl load --engine {engine[0]}"),
    )


def test_sqlite_text_times_are_accepted(tmp_path: Path) -> None:
    """SQLite keeps times as text: a TEXT column of ISO times is not an error there."""
    path = tmp_path / "shop.sqlite"
    con = sqlite3.connect(path)
    con.execute(
        "CREATE TABLE customers (customer_id INTEGER, age INTEGER, country TEXT, signup TEXT)"
    )
    con.executemany(
        "INSERT INTO customers VALUES (?, ?, ?, ?)",
        [(c[0], c[1], c[2], c[3].isoformat() if c[3] else None) for c in CUSTOMERS],
    )
    con.execute(
        "CREATE TABLE orders (customer_id INTEGER, ordered_at TEXT, amount REAL, status TEXT)"
    )
    con.executemany(
        "INSERT INTO orders VALUES (?, ?, ?, ?)",
        [(o[0], o[1].strftime("%Y-%m-%d %H:%M:%S"), o[2], o[3]) for o in ORDERS],
    )
    con.commit()
    con.close()
    root = tmp_path / "p"
    root.mkdir()
    (root / "rules.seg").write_text(RULES, encoding="utf-8")
    (root / "segdsl.toml").write_text(
        CATALOG.format(
            project_extra="",
            customers="customers",
            orders="orders",
            engine_extra=f'\n[engine.sqlite]\npath = "{path}"\n',
        ),
        encoding="utf-8",
    )
    result = segdsl.load_project(root).evaluate(as_of=AS_OF, engine="sqlite")
    assert result.members("buyers") == [1]
