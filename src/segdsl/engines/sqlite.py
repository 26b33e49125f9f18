"""SQLite, from Python's standard library.

SQLite has no date, timestamp, boolean or list types: dates are stored as
``'YYYY-MM-DD'`` text, timestamps as ``'YYYY-MM-DD HH:MM:SS'`` text (UTC), booleans as
0/1 and lists as JSON array text. The declared column types (``DATE``,
``TIMESTAMP`` …) are kept so that the data's types can be read back. segdsl's
functions (a Unicode ``lower``) are registered on every connection.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from segdsl.engines.base import Columns, Row, engine_error, logical_of, quote, table_sql
from segdsl.engines.sqlite_support import prepare

TYPES = {
    "integer": "INTEGER",
    "number": "REAL",
    "string": "TEXT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "list<string>": "JSON",
    "list<integer>": "JSON",
}


def to_sqlite(value: Any, logical: str) -> Any:
    """A Python value as SQLite stores it for segdsl."""
    if value is None:
        return None
    if logical.startswith("list<"):
        return json.dumps(list(value))
    if logical == "timestamp":
        assert isinstance(value, dt.datetime)
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if logical == "date":
        assert isinstance(value, dt.date)
        return value.isoformat()
    if logical == "boolean":
        return int(value)
    return value


class SQLiteSession:
    name = "sqlite"
    dialect = "sqlite"

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.con = prepare(sqlite3.connect(str(path)))

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.con.execute(sql).fetchall()]

    def create_table(self, table: str, columns: Columns, rows: Iterable[Row]) -> None:
        name = table_sql(table, "sqlite")
        cols = ", ".join(f"{quote(c, 'sqlite')} {TYPES[t]}" for c, t in columns)
        self.con.execute(f"DROP TABLE IF EXISTS {name}")
        self.con.execute(f"CREATE TABLE {name} ({cols})")
        marks = ", ".join("?" for _ in columns)
        data = [tuple(to_sqlite(v, t) for v, (_c, t) in zip(r, columns, strict=True)) for r in rows]
        self.con.executemany(f"INSERT INTO {name} VALUES ({marks})", data)
        self.con.commit()

    def register_file(self, table: str, path: Path) -> None:
        raise engine_error(
            "sqlite",
            f"cannot read the file {path} directly",
            "load the project's files into the database first: "
            "segdsl load --engine sqlite -p PROJECT",
        )

    def column_types(self, table: str) -> dict[str, str]:
        rows = self.con.execute(f"PRAGMA table_info({table_sql(table, 'sqlite')})").fetchall()
        return {str(r[1]): logical_of(str(r[2])) for r in rows}

    def close(self) -> None:
        self.con.close()
