"""What SQLite lacks for segdsl's SQL, provided on the connection.

- SQLite's built-in ``LOWER`` folds ASCII letters only, so `name starts with "émile"`
  would miss "ÉMILE". An application may override a built-in SQL function; registering
  a Unicode-aware ``lower`` keeps the compiled SQL unchanged (``LOWER(x)``) and makes
  text tests case-insensitive for every letter, as on the other engines.
- ``MD5`` (for `sample`) does not exist in SQLite: it is registered here, giving the
  same lower-case hex text as DuckDB, PostgreSQL, Spark and ClickHouse.
- ``SIN`` and ``COS`` (for `within … km`) exist only when SQLite was built with its
  math functions; they are registered when missing.
- Time zones (``day_of_week`` / ``hour_of_day`` of an event in the project's zone):
  ``segdsl_local_time(ts, zone)`` gives the wall-clock time in an IANA zone of a UTC
  timestamp stored as ISO text, computed with ``zoneinfo`` (daylight-saving correct).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import sqlite3
import zoneinfo
from collections.abc import Callable


def _lower(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    return value.lower() if isinstance(value, str) else value


def _md5(value: str | bytes | int | float | None) -> str | None:
    if value is None:
        return None
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _math(fn: Callable[[float], float]) -> Callable[[float | int | None], float | None]:
    def call(value: float | int | None) -> float | None:
        return None if value is None else fn(float(value))

    return call


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def _local_time(value: str | bytes | int | float | None, zone: str | None) -> str | None:
    """ISO text of a UTC timestamp → ISO text of its wall-clock time in ``zone``."""
    if not isinstance(value, str) or zone is None:
        return None
    try:
        t = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.UTC)
        local = t.astimezone(_zone(zone)).replace(tzinfo=None)
    except (ValueError, OverflowError, zoneinfo.ZoneInfoNotFoundError):
        return None
    return local.isoformat(sep=" ")


def prepare(con: sqlite3.Connection) -> sqlite3.Connection:
    """Register segdsl's functions on a SQLite connection; returns it."""
    con.create_function("lower", 1, _lower, deterministic=True)
    con.create_function("md5", 1, _md5, deterministic=True)
    con.create_function("segdsl_local_time", 2, _local_time, deterministic=True)
    for name, fn in (("sin", math.sin), ("cos", math.cos)):
        try:
            con.execute(f"SELECT {name}(0.5)").fetchone()
        except sqlite3.OperationalError:
            con.create_function(name, 1, _math(fn), deterministic=True)
    return con
