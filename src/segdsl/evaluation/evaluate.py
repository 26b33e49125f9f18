"""Evaluating segments on an engine (embedded DuckDB by default): sizes, members, and
atomic exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from segdsl.diagnostics import Diagnostic, SegdslError, codes
from segdsl.engines.base import Session
from segdsl.engines.registry import quirks_of
from segdsl.semantic import ir
from segdsl.sql.compiler import col, ident, membership_query, to_sql
from segdsl.support import stopping
from segdsl.support.atomic import write_file_atomically
from segdsl.support.progress import progress

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
    """The result of evaluating segments at one as-of instant. ``sizes`` is keyed by the
    segments' names; unnamed rules (all named ``rule``) and other segments that share a
    name get ``rule_2``, ``rule_3``, … in the order given."""

    as_of: dt.datetime
    sizes: dict[str, Size]
    # The members of each segment; None when evaluated for sizes only.
    _members: dict[str, list[Any]] | None = field(repr=False)
    keys: dict[str, str] = field(repr=False)  # segment → key column name

    def _listed(self) -> dict[str, list[Any]]:
        if self._members is None:
            raise ValueError(
                "this evaluation computed sizes only: evaluate with members=True "
                "to list or export members"
            )
        return self._members

    def members(self, name: str) -> list[Any]:
        """The keys of the segment's members, sorted."""
        return self._listed()[name]

    def rows(self) -> list[tuple[str, Any]]:
        listed = self._listed()
        return [(name, key) for name in self.sizes for key in listed[name]]

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
                codes.D002,
                f"the database rejected the query: {str(exc).splitlines()[0]}",
                hint="check that the catalog's column names and types match the data "
                "(`segdsl compile` shows the SQL)",
            )
        ) from None


def _sort_key(key: Any) -> tuple[bool, Any]:
    return (key is None, key)


def result_names(segments: Sequence[ir.Segment]) -> list[ir.Segment]:
    """The segments to evaluate, each once, under names unique among them: the same
    segment given twice is evaluated once; different segments of the same name
    (unnamed rules are all ``rule``) become ``rule``, ``rule_2``, ``rule_3``, …"""
    out: list[ir.Segment] = []
    by_name: dict[str, list[ir.Segment]] = {}
    taken = {s.name for s in segments}
    for s in segments:
        same = by_name.setdefault(s.name, [])
        if any(s is t or s == t for t in same):
            continue
        same.append(s)
        if len(same) == 1:
            out.append(s)
            continue
        n = len(same)
        while f"{s.name}_{n}" in taken:
            n += 1
        name = f"{s.name}_{n}"
        taken.add(name)
        out.append(dataclasses.replace(s, name=name))
    return out


def evaluate(
    catalog: Catalog,
    segments: Sequence[ir.Segment],
    as_of: dt.datetime,
    session: Session,
    members: bool = True,
) -> Evaluation:
    """Evaluate ``segments`` (resolved against ``catalog`` as adapted to the data) at
    ``as_of`` on an open ``session``, which is left open: one statement per entity and
    batch of segments, each reading every event source once. With ``members=False``
    only the sizes are computed (what ``segdsl eval`` prints): no member crosses into
    Python."""
    segments = result_names(segments)
    by_entity: dict[str, list[ir.Segment]] = {}
    for s in segments:
        by_entity.setdefault(s.entity, []).append(s)
    sizes: dict[str, Size] = {}
    found_members: dict[str, list[Any]] = {}
    keys: dict[str, str] = {}
    spec = quirks_of(session.name)
    in_engine = spec is not None and spec.aggregates_members
    what = f"{len(segments)} segment{'s' if len(segments) != 1 else ''}"
    with progress(f"evaluating {what} on {session.name}") as step:
        for entity_name, all_segs in by_entity.items():
            entity = catalog.entities[entity_name]
            for segs in _batches(all_segs):
                step(f"evaluating {what} on {session.name}: {len(segs)} of entity {entity_name}")
                # One pass: the key and every segment of the batch as a boolean column,
                # read by position (the same on every engine, whatever the names).
                tree = membership_query(segs, catalog, session.dialect, as_of)
                if in_engine:
                    total, counts, lists = _aggregate_in_engine(session, tree, segs, members)
                else:
                    total, counts, lists = _aggregate_in_python(session, tree, len(segs), members)
                for i, s in enumerate(segs):
                    sizes[s.name] = Size(s.name, entity_name, counts[i], total)
                    if lists is not None:
                        found_members[s.name] = lists[i]
                    keys[s.name] = entity.key
    ordered = {s.name: sizes[s.name] for s in segments}
    return Evaluation(as_of, ordered, found_members if members else None, keys)


# Segments per statement. One statement reads each event source once for all of its
# segments; past a few hundred, the statement itself (thousands of columns, as many
# member lists) costs the engine more memory and planning time than reading the events
# again, so larger projects are evaluated in batches of this many.
BATCH = 250


def _batches(segs: Sequence[ir.Segment]) -> list[list[ir.Segment]]:
    return [list(segs[i : i + BATCH]) for i in range(0, len(segs), BATCH)]


Counted = tuple[int, list[int], list[list[Any]] | None]


def _aggregate_in_engine(
    session: Session, tree: exp.Select, segs: Sequence[ir.Segment], members: bool
) -> Counted:
    """Counts (and sorted member lists) computed by the engine in one aggregate over the
    membership query: only sizes, or only members, cross into Python — not a row per
    entity per segment (at a million entities, the difference between seconds and a
    minute). The query's columns are renamed by position (``k``, ``c1``, ``c2``, …), so
    that no segment's name can meet the key's or another's."""
    key = col("k")
    columns = [ident("k"), *(ident(f"c{i}") for i in range(1, len(segs) + 1))]
    aggregates: list[exp.Expr] = []
    for i in range(1, len(segs) + 1):
        where = exp.Where(this=col(f"c{i}"))
        aggregates.append(exp.Filter(this=exp.Count(this=exp.Star()), expression=where))
        if members:
            ordered = exp.Order(this=key, expressions=[exp.Ordered(this=key, nulls_first=False)])
            aggregates.append(exp.Filter(this=exp.ArrayAgg(this=ordered), expression=where.copy()))
    query = exp.Select(expressions=[exp.Count(this=exp.Star()), *aggregates])
    query.set(
        "from_",
        exp.From(
            this=exp.Subquery(this=tree, alias=exp.TableAlias(this=ident("m"), columns=columns))
        ),
    )
    (row,) = run_query(session, to_sql(query, session.dialect, pretty=False, copy=False))
    step = 2 if members else 1
    counts = [int(row[1 + i * step]) for i in range(len(segs))]
    if not members:
        return int(row[0]), counts, None
    lists = [list(x) if x is not None else [] for x in row[2::2]]
    return int(row[0]), counts, lists


def _aggregate_in_python(session: Session, tree: exp.Select, n: int, members: bool) -> Counted:
    """Counts and sorted member lists from every row of the membership query (any
    engine), read by position: the rows are sorted by key once, then each segment's keys
    are picked in C (compress) — a Python loop per segment over every row costs seconds."""
    rows = run_query(session, to_sql(tree, session.dialect, pretty=False, copy=False))
    if not members:
        counts = [sum(1 for r in rows if r[i]) for i in range(1, n + 1)]
        return len(rows), counts, None
    if all(r[0] is not None for r in rows):
        rows.sort(key=itemgetter(0))
    else:
        rows.sort(key=lambda r: _sort_key(r[0]))
    keys_in_order = [r[0] for r in rows]
    found = [list(compress(keys_in_order, map(itemgetter(i), rows))) for i in range(1, n + 1)]
    return len(rows), [len(f) for f in found], found


def check_export_path(path: Path) -> str:
    """The export format of ``path``; an error before any work when it cannot be written."""
    fmt = EXPORT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SegdslError(
            Diagnostic(
                codes.U005,
                f"cannot tell the format of {path} from its extension",
                hint="name the file .csv, .parquet or .jsonl",
            )
        )
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise SegdslError(
            Diagnostic(codes.U006, f"the folder {directory} does not exist", hint="create it first")
        )
    return fmt


def export(result: Evaluation, path: Path) -> None:
    fmt = check_export_path(path)
    single = len(result.sizes) == 1
    listed = result._listed()
    grouping = _one_segmentation(list(result.sizes))
    by_class = grouping is not None and not single
    if by_class:
        # The classes of one segmentation (`segdsl eval rfm --out …`): one row per
        # entity that has a class, with the class in a column named after it.
        header = [result.keys[next(iter(result.sizes))], str(grouping)]
        listed = {name.partition(".")[2]: keys for name, keys in listed.items()}
    elif single:
        name = next(iter(result.sizes))
        header = [result.keys[name]]
    else:
        header = ["segment", "key"]

    def write(tmp: Path) -> None:
        if fmt == "parquet":
            _write_parquet(tmp, header, listed, by_class=by_class)
            return
        rows: list[tuple[Any, ...]]
        if by_class:
            rows = sorted(
                ((k, cls) for cls, keys in listed.items() for k in keys),
                key=lambda r: _sort_key(r[0]),
            )
        elif single:
            rows = [(k,) for k in listed[next(iter(result.sizes))]]
        else:
            rows = list(result.rows())
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            if fmt == "csv":
                import csv

                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(header)
                writer.writerows(rows)
            else:
                for r in rows:
                    fh.write(json.dumps(dict(zip(header, r, strict=True)), default=str) + "\n")

    write_file_atomically(path, write)


def _write_parquet(
    path: Path, header: list[str], members: dict[str, list[Any]], *, by_class: bool = False
) -> None:
    """Parquet through DuckDB, from the Python values themselves (never through text):
    a key keeps its type — a text key such as "2024-01-01" stays text, a number a
    number, a UUID a UUID. Each segment's keys go in as one list (DuckDB converts a
    list of lists several times faster than one value per row), unnested in order.
    With ``by_class`` the header is (key, segmentation): each key with its class, by
    key."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        names = list(members)
        lists = [members[n] for n in names]
        key: exp.Expr = exp.Unnest(expressions=[col("keys")])
        if _whole_numbers([k for keys in lists for k in keys[:1] + keys[-1:]]):
            # Python's ints arrive as the narrowest integer type that holds them.
            key = exp.cast(key, "BIGINT")
        if not any(lists):
            empty = exp.select(
                *(
                    exp.alias_(exp.cast(exp.Null(), "VARCHAR"), exp.to_identifier(h, quoted=True))
                    for h in header
                )
            ).where(exp.false())
            con.sql(empty.sql("duckdb")).write_parquet(str(path))
            return
        per_segment = exp.select(
            exp.alias_(exp.Unnest(expressions=[exp.Placeholder(this="names")]), "segment"),
            exp.alias_(exp.Unnest(expressions=[exp.Placeholder(this="lists")]), "keys"),
        )
        if by_class:
            cells = [
                exp.alias_(key, exp.to_identifier(header[0], quoted=True)),
                exp.alias_(col("segment"), exp.to_identifier(header[1], quoted=True)),
            ]
        else:
            cells = [exp.alias_(key, exp.to_identifier(header[-1], quoted=True))]
            if len(header) == 2:
                cells.insert(
                    0, exp.alias_(col("segment"), exp.to_identifier("segment", quoted=True))
                )
        query = exp.select(*cells).from_(exp.Subquery(this=per_segment, alias=ident("m")))
        if by_class:
            query = query.order_by(exp.Ordered(this=exp.column(header[0], quoted=True)))
        con.sql(query.sql("duckdb"), params={"names": names, "lists": lists}).write_parquet(
            str(path)
        )
    finally:
        con.close()


def _one_segmentation(names: list[str]) -> str | None:
    """The segmentation when every name is one of its classes (`NAME.CLASS`)."""
    prefixes = {n.partition(".")[0] for n in names}
    if names and all("." in n for n in names) and len(prefixes) == 1:
        return prefixes.pop()
    return None


def _whole_numbers(values: list[Any]) -> bool:
    """Whether every value is a whole number that fits in 64 bits (a BIGINT key)."""
    return all(type(v) is int and -(2**63) <= v < 2**63 for v in values if v is not None) and any(
        v is not None for v in values
    )
