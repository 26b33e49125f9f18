"""What SQLite lacks for segdsl's SQL, provided on the connection.

SQLite's built-in ``LOWER`` folds ASCII letters only, so `name starts with "émile"`
would miss "ÉMILE". An application may override a built-in SQL function; registering
a Unicode-aware ``lower`` keeps the compiled SQL unchanged (``LOWER(x)``) and makes
text tests case-insensitive for every letter, as on the other engines.
"""

from __future__ import annotations

import sqlite3


def _lower(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    return value.lower() if isinstance(value, str) else value


def prepare(con: sqlite3.Connection) -> sqlite3.Connection:
    """Register segdsl's functions on a SQLite connection; returns it."""
    con.create_function("lower", 1, _lower, deterministic=True)
    return con
