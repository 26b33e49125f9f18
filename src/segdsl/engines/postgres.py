"""PostgreSQL, through psycopg (version 3).

The session's time zone is set to UTC, so that ``CURRENT_TIMESTAMP`` and
``timestamptz`` columns are read in UTC. Lists are native arrays (``text[]``,
``bigint[]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from segdsl.engines.base import (
    Columns,
    Row,
    engine_error,
    logical_of,
    missing_package,
    quote,
    table_sql,
)

TYPES = {
    "integer": "BIGINT",
    "number": "DOUBLE PRECISION",
    "string": "TEXT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "list<string>": "TEXT[]",
    "list<integer>": "BIGINT[]",
}


class PostgresSession:
    name = "postgres"
    dialect = "postgres"

    def __init__(self, dsn: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise missing_package("postgres", "psycopg[binary]") from None
        try:
            self.con = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error as exc:
            raise engine_error(
                "postgres",
                f"cannot connect: {str(exc).strip().splitlines()[0]}",
                "check `dsn` in [engine.postgres] of segdsl.toml and that the server runs",
            ) from None
        self.con.execute("SET TIME ZONE 'UTC'")
        # Backslashes in literals are plain characters whatever the server's setting.
        self.con.execute("SET standard_conforming_strings = on")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        # No parameters: psycopg sends the text as it is (a `%` needs no escaping).
        with self.con.cursor() as cur:
            cur.execute(sql.encode("utf-8"))
            return [tuple(r) for r in cur.fetchall()] if cur.description else []

    def create_table(self, table: str, columns: Columns, rows: Iterable[Row]) -> None:
        name = table_sql(table, "postgres")
        cols = ", ".join(f"{quote(c, 'postgres')} {TYPES[t]}" for c, t in columns)
        marks = ", ".join("%s" for _ in columns)
        data = [tuple(list(v) if isinstance(v, tuple) else v for v in r) for r in rows]
        with self.con.transaction(), self.con.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {name}".encode())
            cur.execute(f"CREATE TABLE {name} ({cols})".encode())
            if data:
                cur.executemany(f"INSERT INTO {name} VALUES ({marks})".encode(), data)

    def register_file(self, table: str, path: Path) -> None:
        raise engine_error(
            "postgres",
            f"cannot read the file {path} directly",
            "load the project's files into the database first: "
            "segdsl load --engine postgres -p PROJECT",
        )

    def column_types(self, table: str) -> dict[str, str]:
        parts = table.split(".")
        sql = (
            "SELECT column_name, data_type, udt_name FROM information_schema.columns "
            "WHERE table_name = %s AND table_schema = COALESCE(%s, current_schema()) "
            "ORDER BY ordinal_position"
        )
        schema = parts[-2] if len(parts) >= 2 else None
        with self.con.cursor() as cur:
            cur.execute(sql, (parts[-1], schema))
            out: dict[str, str] = {}
            for column, data_type, udt in cur.fetchall():
                kind = str(data_type)
                if kind == "ARRAY":
                    kind = str(udt).lstrip("_") + "[]"
                out[str(column)] = logical_of(kind)
            return out

    def close(self) -> None:
        self.con.close()
