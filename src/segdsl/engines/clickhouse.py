"""ClickHouse, in process, through the ``chdb`` package.

Tables are filled from a temporary Parquet file written with pyarrow (values never
enter SQL text). A column is ``Nullable`` only when some value is missing; lists never
are: ClickHouse arrays cannot be NULL, so a missing list is stored as an empty one
(see docs/engines.md).
Timestamps are ``DateTime64(6, 'UTC')``.
"""

from __future__ import annotations

import importlib
import itertools
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlglot import exp

from segdsl.engines.base import (
    Columns,
    Row,
    arrow_table,
    as_utc_naive,
    engine_error,
    logical_of,
    missing_package,
    quote,
    table_sql,
)

_COUNTER = itertools.count(1)

TYPES = {
    "integer": "Nullable(Int64)",
    "number": "Nullable(Float64)",
    "string": "Nullable(String)",
    "boolean": "Nullable(Bool)",
    "date": "Nullable(Date32)",
    "timestamp": "Nullable(DateTime64(6, 'UTC'))",
    "list<string>": "Array(String)",
    "list<integer>": "Array(Int64)",
}


class ClickHouseSession:
    name = "clickhouse"
    dialect = "clickhouse"

    def __init__(self, path: str | None = None) -> None:
        try:
            session: Any = importlib.import_module("chdb.session")  # untyped: loaded as Any
        except ImportError:
            raise missing_package("clickhouse", "chdb") from None
        self.session = session.Session(path) if path else session.Session()
        # Each segdsl session works in a database of its own, so that two sessions in
        # one process (chdb shares one server) never see each other's tables.
        self.database = f"segdsl_{os.getpid()}_{next(_COUNTER)}"
        db = quote(self.database, "clickhouse")
        self._run(f"CREATE DATABASE IF NOT EXISTS {db}", "CSV")
        self._run(f"USE {db}", "CSV")

    def _run(self, sql: str, fmt: str = "ArrowTable") -> Any:
        try:
            return self.session.query(sql, fmt)
        except Exception as exc:
            raise engine_error(
                "clickhouse",
                f"the query failed: {str(exc).strip().splitlines()[0]}",
                "`segdsl compile -d clickhouse` shows the SQL",
            ) from exc

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        table = self._run(sql)
        if table is None or not hasattr(table, "to_pylist"):
            return []
        names = table.column_names
        return [tuple(as_utc_naive(r[n]) for n in names) for r in table.to_pylist()]

    def create_table(self, table: str, columns: Columns, rows: Iterable[Row]) -> None:
        pq: Any = importlib.import_module("pyarrow.parquet")
        name = table_sql(table, "clickhouse")
        data_rows = [list(r) for r in rows]

        def kind(i: int, t: str) -> str:
            # Nullable only where a value is missing, as a ClickHouse schema would have
            # it: then a LEFT JOIN must not fill in defaults (join_use_nulls).
            if t.startswith("list<") or any(r[i] is None for r in data_rows):
                return TYPES[t]
            return TYPES[t].removeprefix("Nullable(").removesuffix(")")

        cols = ", ".join(
            f"{quote(c, 'clickhouse')} {kind(i, t)}" for i, (c, t) in enumerate(columns)
        )
        self._run(f"DROP TABLE IF EXISTS {name}", "CSV")
        self._run(f"CREATE TABLE {name} ({cols}) ENGINE = Memory", "CSV")
        data = arrow_table(columns, data_rows)
        fd, tmp = tempfile.mkstemp(suffix=".parquet")
        os.close(fd)
        try:
            pq.write_table(data, tmp)
            source = exp.Anonymous(
                this="file",
                expressions=[exp.Literal.string(tmp), exp.Literal.string("Parquet")],
            )
            select = exp.select(*(exp.column(c, quoted=True) for c, _t in columns)).from_(source)
            self._run(f"INSERT INTO {name} {select.sql('clickhouse')}", "CSV")
        finally:
            os.unlink(tmp)

    def register_file(self, table: str, path: Path) -> None:
        fmt = "Parquet" if path.suffix.lower() == ".parquet" else "CSVWithNames"
        source = exp.Anonymous(
            this="file", expressions=[exp.Literal.string(str(path)), exp.Literal.string(fmt)]
        )
        name = table_sql(table, "clickhouse")
        self._run(f"DROP VIEW IF EXISTS {name}", "CSV")
        view = exp.select(exp.Star()).from_(source).sql("clickhouse")
        self._run(f"CREATE VIEW {name} AS {view}", "CSV")

    def column_types(self, table: str) -> dict[str, str]:
        rows = self.query(f"DESCRIBE TABLE {table_sql(table, 'clickhouse')}")
        return {str(r[0]): logical_of(str(r[1])) for r in rows}

    def close(self) -> None:
        self._run(f"DROP DATABASE IF EXISTS {quote(self.database, 'clickhouse')}", "CSV")
        self.session.close()
