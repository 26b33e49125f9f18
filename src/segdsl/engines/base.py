"""What every engine runner offers, and the helpers they share.

A runner connects to one SQL engine from the settings of ``[engine.NAME]`` in
``segdsl.toml``, makes the project's tables visible under the names the compiled SQL
uses (by creating and filling them, or by reading the Parquet/CSV files the catalog
names), runs SQL and returns plain Python rows.

Values always travel as parameters or as files, never pasted into SQL text. Columns
are described by segdsl's logical types (``integer``, ``number``, ``string``,
``boolean``, ``date``, ``timestamp``, ``list<string>``, ``list<integer>``); each
runner maps them to its own types.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from sqlglot import exp

from segdsl.diagnostics import Diagnostic, SegdslError, codes

LOGICAL_TYPES = (
    "integer",
    "number",
    "string",
    "boolean",
    "date",
    "timestamp",
    "list<string>",
    "list<integer>",
)

Columns = Sequence[tuple[str, str]]  # (column name, logical type)
Row = Sequence[Any]


class Session(Protocol):
    """An open connection to one engine."""

    name: str  # the engine's name: "duckdb", "postgres", …
    dialect: str  # the sqlglot dialect its SQL is compiled for

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run one statement and return its rows as Python values."""
        ...

    def create_table(self, table: str, columns: Columns, rows: Iterable[Row]) -> None:
        """Create ``table`` (replacing it) and fill it with ``rows``, parameterised."""
        ...

    def register_file(self, table: str, path: Path) -> None:
        """Make a Parquet or CSV file queryable as ``table``."""
        ...

    def column_types(self, table: str) -> dict[str, str]:
        """The logical type of each column of ``table`` (``""`` when unknown)."""
        ...

    def close(self) -> None: ...


def quote(name: str, dialect: str) -> str:
    """A table or column name, always quoted, as the dialect spells it."""
    return exp.to_identifier(name, quoted=True).sql(dialect)


def table_sql(table: str, dialect: str) -> str:
    """A possibly dotted table name (``schema.table``), each part quoted."""
    return ".".join(quote(p, dialect) for p in table.split("."))


def engine_error(engine: str, what: str, hint: str) -> SegdslError:
    return SegdslError(Diagnostic(codes.D003, f"{engine}: {what}", hint=hint))


def missing_package(engine: str, package: str) -> SegdslError:
    return SegdslError(
        Diagnostic(
            codes.D004,
            f"the {engine} engine needs the Python package `{package}`, which is not installed",
            hint=f"pip install 'segdsl[engines]' (or pip install {package})",
        )
    )


# Whole-number type names of the engines (DuckDB, PostgreSQL, SQLite, ClickHouse,
# Spark, Arrow); not INTERVAL or POINT, which merely contain "int".
_INTEGER = re.compile(
    r"(u?int(eger)?\d*|(u|unsigned\s*)?(tiny|small|medium|big|huge|long|short)int|"
    r"bigint|long|short|byte|(u)?hugeint|int\d+_t|integer|serial|bigserial|smallserial)"
    r"(\(\d+\))?(\s+unsigned)?\Z"
)


def logical_of(type_name: str) -> str:
    """segdsl's logical type for an engine's column type name (best effort: only the
    distinction between dates and timestamps is relied upon)."""
    t = type_name.strip().lower()
    for wrapper in ("nullable(", "lowcardinality("):
        while t.startswith(wrapper) and t.endswith(")"):
            t = t[len(wrapper) : -1]
    if t.startswith(("array(", "list<", "array<")) or t.endswith("[]"):
        # `integer[]`, `Array(Int64)`, `list<int64>`, `array<string>`: the element type
        if t.endswith("[]"):
            inner = t[:-2]
        else:  # from after the first bracket to before the last
            inner = t[min(i for i in (t.find("("), t.find("<")) if i >= 0) + 1 : -1]
        element = logical_of(inner)
        if element == "integer":
            return "list<integer>"
        return "list<string>" if element == "string" else ""
    if t in ("date", "date32") or t.startswith("date32"):
        return "date"
    if t.startswith(("timestamp", "datetime")):
        return "timestamp"
    if t in ("bool", "boolean"):
        return "boolean"
    if _INTEGER.match(t):
        return "integer"
    if t.startswith(("double", "float", "real", "decimal", "numeric")):
        return "number"
    if t.startswith(("varchar", "text", "string", "char", "large_string", "utf8")):
        return "string"
    return ""


def as_utc_naive(value: Any) -> Any:
    """Timestamps come back naive and in UTC from every engine."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def arrow_table(columns: Columns, rows: Iterable[Row]) -> Any:
    """A pyarrow table of the rows, typed from the logical types (for engines that
    load data from Arrow or Parquet)."""
    pa: Any = importlib.import_module("pyarrow")  # untyped: loaded as Any
    types = {
        "integer": pa.int64(),
        "number": pa.float64(),
        "string": pa.string(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us"),
        "list<string>": pa.list_(pa.string()),
        "list<integer>": pa.list_(pa.int64()),
    }
    data = [list(r) for r in rows]
    arrays = [pa.array([r[i] for r in data], type=types[t]) for i, (_c, t) in enumerate(columns)]
    return pa.Table.from_arrays(arrays, names=[c for c, _t in columns])
