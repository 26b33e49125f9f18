"""Evaluating segments on an engine (embedded DuckDB by default): sizes, members, and
atomic exports."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.engines.base import Session
from segdsl.semantic import ir
from segdsl.sql.compiler import col, ident, membership_query, to_sql
from segdsl.support import stopping
from segdsl.support.atomic import temp_beside

if TYPE_CHECKING:
    from segdsl.catalog import Catalog

EXPORT_FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class Size:
    segment: str
    entity: str
    members: int
    entity_count: int

    @property
    def share(self) -> float:
        return self.members / self.entity_count if self.entity_count else 0.0


@dataclass
class Evaluation:
    """The result of evaluating segments at one as-of instant."""

    as_of: dt.datetime
    sizes: dict[str, Size]
    _members: dict[str, list[Any]] = field(repr=False)
    keys: dict[str, str] = field(repr=False)  # segment → key column name

    def members(self, name: str) -> list[Any]:
        """The keys of the segment's members, sorted."""
        return self._members[name]

    def rows(self) -> list[tuple[str, Any]]:
        return [(name, key) for name in self.sizes for key in self._members[name]]

    def export(self, path: str | Path) -> None:
        """Write members to CSV, Parquet or JSON lines (by extension), atomically:
        the file appears complete or not at all."""
        export(self, Path(path))


def run_query(session: Session, sql: str) -> list[tuple[Any, ...]]:
    try:
        return session.query(sql)
    except SegdslError:
        raise
    except Exception as exc:
        if stopping.is_interrupt(exc):
            # Ctrl-C or SIGTERM while the engine ran the query: stop as asked, not
            # with "the database rejected the query".
            raise stopping.interrupted() from None
        raise SegdslError(
            Diagnostic(
                "D002",
                f"the database rejected the query: {str(exc).splitlines()[0]}",
                hint="check that the catalog's column names and types match the data "
                "(`segdsl compile` shows the SQL)",
            )
        ) from None


def _sort_key(key: Any) -> tuple[bool, Any]:
    return (key is None, key)


def evaluate(
    catalog: Catalog,
    segments: Sequence[ir.Segment],
    as_of: dt.datetime,
    session: Session,
) -> Evaluation:
    """Evaluate ``segments`` (resolved against ``catalog`` as adapted to the data) at
    ``as_of`` on an open ``session``, which is left open: one statement per entity and
    batch of segments, each reading every event source once."""
    by_entity: dict[str, list[ir.Segment]] = {}
    for s in segments:
        by_entity.setdefault(s.entity, []).append(s)
    sizes: dict[str, Size] = {}
    members: dict[str, list[Any]] = {}
    keys: dict[str, str] = {}
    for entity_name, all_segs in by_entity.items():
        entity = catalog.entities[entity_name]
        for segs in _batches(all_segs):
            # One pass: the key and every segment of the batch as a boolean column,
            # read by position (the same on every engine).
            tree = membership_query(segs, catalog, session.dialect, as_of)
            if session.name == "duckdb":
                total, found_lists = _members_in_duckdb(session, tree, entity.key, segs)
            else:
                total, found_lists = _members_in_python(session, tree, len(segs))
            for s, found in zip(segs, found_lists, strict=True):
                sizes[s.name] = Size(s.name, entity_name, len(found), total)
                members[s.name] = found
                keys[s.name] = entity.key
    ordered = {s.name: sizes[s.name] for s in segments}
    return Evaluation(as_of, ordered, members, keys)


# Segments per statement. One statement reads each event source once for all of its
# segments; past a few hundred, the statement itself (thousands of columns, as many
# member lists) costs the engine more memory and planning time than reading the events
# again, so larger projects are evaluated in batches of this many.
BATCH = 250


def _batches(segs: Sequence[ir.Segment]) -> list[list[ir.Segment]]:
    return [list(segs[i : i + BATCH]) for i in range(0, len(segs), BATCH)]


def _members_in_duckdb(
    session: Session, tree: exp.Select, key: str, segs: Sequence[ir.Segment]
) -> tuple[int, list[list[Any]]]:
    """Counts and sorted member lists computed by DuckDB in one aggregate over the
    membership query: only members cross into Python, not a row per entity per
    segment (at a million entities, the difference between seconds and a minute)."""
    listed = [
        exp.Filter(
            this=exp.ArrayAgg(
                this=exp.Order(
                    this=col(key),
                    expressions=[exp.Ordered(this=col(key), nulls_first=False)],
                )
            ),
            expression=exp.Where(this=col(s.name)),
        )
        for s in segs
    ]
    query = exp.Select(
        expressions=[exp.Count(this=exp.Star()), *listed],
    )
    query.set(
        "from_", exp.From(this=exp.Subquery(this=tree, alias=exp.TableAlias(this=ident("m"))))
    )
    (row,) = run_query(session, to_sql(query, session.dialect, pretty=False, copy=False))
    return int(row[0]), [list(found) if found is not None else [] for found in row[1:]]


def _members_in_python(session: Session, tree: exp.Select, n: int) -> tuple[int, list[list[Any]]]:
    """Counts and sorted member lists from every row of the membership query (any
    engine): the rows are sorted by key once, then each segment's keys are picked in
    C (compress) — a Python loop per segment over every row costs seconds."""
    rows = run_query(session, to_sql(tree, session.dialect, pretty=False, copy=False))
    if all(r[0] is not None for r in rows):
        rows.sort(key=itemgetter(0))
    else:
        rows.sort(key=lambda r: _sort_key(r[0]))
    keys_in_order = [r[0] for r in rows]
    found = [list(compress(keys_in_order, map(itemgetter(i), rows))) for i in range(1, n + 1)]
    return len(rows), found


def check_export_path(path: Path) -> str:
    """The export format of ``path``; an error before any work when it cannot be written."""
    fmt = EXPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SegdslError(
            Diagnostic(
                "U005",
                f"cannot tell the format of {path} from its extension",
                hint="name the file .csv, .parquet or .jsonl",
            )
        )
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise SegdslError(
            Diagnostic("U006", f"the folder {directory} does not exist", hint="create it first")
        )
    return fmt


def export(result: Evaluation, path: Path) -> None:
    fmt = check_export_path(path)
    single = len(result.sizes) == 1
    grouping = _one_segmentation(list(result.sizes))
    rows: list[tuple[Any, ...]]
    if grouping is not None and not single:
        # The classes of one segmentation (`segdsl eval rfm --out …`): one row per
        # entity that has a class, with the class in a column named after it.
        first = next(iter(result.sizes))
        header = [result.keys[first], grouping]
        rows = sorted(
            ((k, name.partition(".")[2]) for name in result.sizes for k in result.members(name)),
            key=lambda r: _sort_key(r[0]),
        )
    elif single:
        name = next(iter(result.sizes))
        header = [result.keys[name]]
        rows = [(k,) for k in result.members(name)]
    else:
        header = ["segment", "key"]
        rows = list(result.rows())
    with temp_beside(path) as (fd, tmp):
        if fmt == "parquet":
            os.close(fd)
            _write_parquet(tmp, header, rows)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                if fmt == "csv":
                    import csv

                    writer = csv.writer(fh, lineterminator="\n")
                    writer.writerow(header)
                    writer.writerows(rows)
                else:
                    for r in rows:
                        fh.write(json.dumps(dict(zip(header, r, strict=True)), default=str) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)


def _write_parquet(path: Path, header: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Parquet through DuckDB: the rows go in as JSON lines, come out as Parquet."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        cols = [exp.column(h, quoted=True) for h in header]
        if rows:
            with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
                for r in rows:
                    fh.write(json.dumps(dict(zip(header, r, strict=True)), default=str) + "\n")
            try:
                reader = exp.Anonymous(
                    this="read_json",
                    expressions=[exp.Literal.string(fh.name)],
                )
                query = exp.select(*cols).from_(reader)
                con.sql(query.sql("duckdb")).write_parquet(str(path))
            finally:
                os.unlink(fh.name)
        else:
            empty = exp.select(
                *(
                    exp.alias_(exp.cast(exp.Null(), "VARCHAR"), exp.to_identifier(h, quoted=True))
                    for h in header
                )
            ).where(exp.false())
            con.sql(empty.sql("duckdb")).write_parquet(str(path))
    finally:
        con.close()


def _one_segmentation(names: list[str]) -> str | None:
    """The segmentation when every name is one of its classes (`NAME.CLASS`)."""
    prefixes = {n.partition(".")[0] for n in names}
    if names and all("." in n for n in names) and len(prefixes) == 1:
        return prefixes.pop()
    return None
