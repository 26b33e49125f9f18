"""DuckDB, embedded and in memory (the default engine)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlglot import exp

from segdsl.engines.base import Columns, Row, logical_of, quote, table_sql

TYPES = {
    "integer": "BIGINT",
    "number": "DOUBLE",
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "list<string>": "VARCHAR[]",
    "list<integer>": "BIGINT[]",
}


class DuckDBSession:
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, con: Any = None) -> None:
        import duckdb

        self.con = con if con is not None else duckdb.connect(":memory:")
        # Timestamps are UTC: a TIMESTAMPTZ column meets literals in UTC, not local time.
        self.con.execute("SET TimeZone = 'UTC'")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.con.execute(sql).fetchall()]

    def create_table(self, table: str, columns: Columns, rows: Iterable[Row]) -> None:
        name = table_sql(table, "duckdb")
        cols = ", ".join(f"{quote(c, 'duckdb')} {TYPES[t]}" for c, t in columns)
        self.con.execute(f"CREATE OR REPLACE TABLE {name} ({cols})")
        marks = ", ".join("?" for _ in columns)
        data = [tuple(r) for r in rows]
        if data:
            self.con.executemany(f"INSERT INTO {name} VALUES ({marks})", data)

    def register_file(self, table: str, path: Path) -> None:
        reader = "read_parquet" if path.suffix.lower() == ".parquet" else "read_csv"
        view = exp.select(exp.Star()).from_(
            exp.Anonymous(this=reader, expressions=[exp.Literal.string(str(path))])
        )
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW {table_sql(table, 'duckdb')} AS {view.sql('duckdb')}"
        )

    def column_types(self, table: str) -> dict[str, str]:
        rows = self.con.execute(f"DESCRIBE SELECT * FROM {table_sql(table, 'duckdb')}").fetchall()
        return {str(r[0]): logical_of(str(r[1])) for r in rows}

    def close(self) -> None:
        self.con.close()
