"""The changes feed of ``segdsl sync --changes FILE``: who entered and who left each
segment at this sync, for a campaign tool to import.

Columns (in this order): ``entity``, ``segment``, ``key``, ``change`` (``entered`` or
``left``), ``as_of`` (this sync's instant) and ``previous_as_of`` (the sync before it;
empty for the first). Rows are sorted by entity, segment, change, key. CSV, JSON lines
or Parquet by the file's extension; written to a temporary file beside FILE and renamed
over it, so a reader sees the old feed or the new one, never half of one.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segdsl.support.atomic import write_file_atomically
from segdsl.tools.warehouse.errors import fail

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
COLUMNS = ("entity", "segment", "key", "change", "as_of", "previous_as_of")


@dataclass(frozen=True)
class Change:
    """One member who entered or left one segment."""

    entity: str
    segment: str
    key: Any  # with the entity's key type
    change: str  # "entered" or "left"


def check_feed_path(path: Path) -> str:
    """The feed's format; X015 before any work when FILE cannot be written."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise fail(
            "X015",
            f"cannot tell the format of the changes feed {path} from its extension",
            "name it .csv, .jsonl or .parquet",
            path=str(path),
        )
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise fail("X015", f"the folder {folder} does not exist", "create it first", path=str(path))
    return fmt


def _stamp(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t is not None else None


def write_feed(
    path: Path,
    fmt: str,
    changes: Sequence[Change],
    as_of: dt.datetime,
    previous: dt.datetime | None,
) -> None:
    rows = [
        (c.entity, c.segment, c.key, c.change, _stamp(as_of), _stamp(previous)) for c in changes
    ]

    def write(tmp: Path) -> None:
        if fmt == "parquet":
            _parquet(tmp, rows)
            return
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            if fmt == "csv":
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(COLUMNS)
                writer.writerows(["" if v is None else v for v in r] for r in rows)
            else:
                for r in rows:
                    doc = dict(zip(COLUMNS, r, strict=True))
                    fh.write(json.dumps(doc, default=str, ensure_ascii=False) + "\n")

    write_file_atomically(path, write)


def _parquet(path: Path, rows: list[tuple[Any, ...]]) -> None:
    """Parquet through an in-memory DuckDB: keys keep their type (a whole number stays
    one); the instants are timestamps."""
    import duckdb

    integer = all(isinstance(r[2], int) for r in rows)
    key_sql = "BIGINT" if integer else "VARCHAR"
    con = duckdb.connect(":memory:")
    try:
        con.execute(
            "CREATE TABLE feed (entity VARCHAR, segment VARCHAR, key "
            + key_sql
            + ", change VARCHAR, as_of TIMESTAMP, previous_as_of TIMESTAMP)"
        )
        if rows:
            columns = list(zip(*rows, strict=True))
            keys = list(columns[2]) if integer else [str(k) for k in columns[2]]
            con.execute(
                "INSERT INTO feed SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                f"unnest(?::{key_sql}[]), unnest(?::VARCHAR[]), unnest(?::TIMESTAMP[]), "
                "unnest(?::TIMESTAMP[])",
                [
                    list(columns[0]),
                    list(columns[1]),
                    keys,
                    list(columns[3]),
                    list(columns[4]),
                    list(columns[5]),
                ],
            )
        con.sql("SELECT * FROM feed").write_parquet(str(path))
    finally:
        con.close()
