"""``segdsl sync``: the membership history as an SCD2 table in the warehouse.

``segdsl_membership_history(entity, segment, key, valid_from, valid_to)`` holds one row
per period during which a key was a member of a segment: ``valid_from`` is the as-of
instant of the sync that found it entering, ``valid_to`` that of the sync that found it
gone (NULL while it is a member). ``segdsl_sync_runs`` holds one row per segment and
as-of instant synced (rule hash, size, number of entities, key type).

A sync at T evaluates every segment of the project at T, then, in one transaction:

- refuses T when an earlier sync was at a later instant (X011);
- closes the rows of keys that left (``valid_to = T``), inserts rows for keys that
  entered (``valid_from = T``), and touches no other row;
- at the same T as the last sync, first undoes what that sync found (a row that began
  at T is deleted, a row that ended at T is reopened) where today's members differ: a
  rerun with the same data changes nothing; a rerun on corrected data corrects T.

The members that entered and left at T (``valid_from = T`` / ``valid_to = T``) are the
changes feed (``--changes FILE``), read in the same transaction and written after the
commit through a temporary file: a rerun at the same T writes the same feed.
Keys are stored as text; ``segdsl_sync_runs.key_type`` says how to read them back.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segdsl import __version__
from segdsl.diagnostics import SegdslError
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.support import stopping
from segdsl.tools.warehouse.config import WarehouseConfig, warehouse_config
from segdsl.tools.warehouse.errors import fail
from segdsl.tools.warehouse.feed import Change, check_feed_path, write_feed
from segdsl.tools.warehouse.target import HISTORY_TABLE, RUNS_TABLE, Target, open_target

PAUSE_ENV = "SEGDSL_TEST_SYNC_PAUSE"
# The PostgreSQL advisory lock a sync holds for its transaction (any constant will do).
SYNC_LOCK = 0x5E6D51

HISTORY_COLUMNS = ["entity", "segment", "key", "valid_from", "valid_to"]
RUNS_COLUMNS = [
    "as_of",
    "synced_at",
    "entity",
    "segment",
    "rule_hash",
    "size",
    "entity_count",
    "key_type",
    "segdsl_version",
]


@dataclass(frozen=True)
class SegmentSync:
    segment: str
    entity: str
    size: int
    entered: int
    left: int


@dataclass(frozen=True)
class SyncResult:
    where: str  # the DuckDB file, or "postgres"
    engine: str
    as_of: dt.datetime
    previous: dt.datetime | None  # the as-of of the sync before this one
    segments: list[SegmentSync]
    changes: list[Change]
    rows_changed: int  # rows inserted, closed, reopened or deleted


def key_type(keys: Sequence[object]) -> str:
    """``integer``, ``string`` or ``uuid``: how the keys' text is read back."""
    kinds = {
        "integer"
        if isinstance(k, int) and not isinstance(k, bool)
        else "uuid"
        if isinstance(k, uuid.UUID)
        else "string"
        for k in keys
    }
    return kinds.pop() if len(kinds) == 1 else "string"


def decode(text: str, kind: str) -> Any:
    if kind == "integer":
        return int(text)
    if kind == "uuid":
        return uuid.UUID(text)
    return text


def _create(target: Target) -> None:
    """Create the two tables when missing; refuse tables of another shape (X012)."""
    if target.engine == "postgres":
        # Syncs into one database run one after the other, from before the tables
        # exist (two first syncs would both create them) to their commit.
        target.execute("SELECT pg_advisory_xact_lock(?)", [SYNC_LOCK])
    for name, want, ddl in (
        (
            HISTORY_TABLE,
            HISTORY_COLUMNS,
            "entity TEXT NOT NULL, segment TEXT NOT NULL, key TEXT NOT NULL, "
            "valid_from TIMESTAMP NOT NULL, valid_to TIMESTAMP",
        ),
        (
            RUNS_TABLE,
            RUNS_COLUMNS,
            "as_of TIMESTAMP NOT NULL, synced_at TIMESTAMP NOT NULL, entity TEXT NOT NULL, "
            "segment TEXT NOT NULL, rule_hash TEXT NOT NULL, size BIGINT NOT NULL, "
            "entity_count BIGINT NOT NULL, key_type TEXT NOT NULL, segdsl_version TEXT NOT NULL",
        ),
    ):
        found = target.columns(name)
        if found is None:
            if target.schema:
                schema = target.table(name).rsplit(".", 1)[0]
                target.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            target.execute(f"CREATE TABLE {target.table(name)} ({ddl})")
        elif [c.lower() for c in found] != want:
            raise fail(
                "X012",
                f"the table {name} in {target.where} has other columns than segdsl's "
                f"({', '.join(found)}); it is left as it is",
                "drop or rename it, or set another `schema` under [warehouse]",
            )
    if target.engine == "postgres":
        # One sync at a time: a second waits here until the first commits.
        target.execute(f"LOCK TABLE {target.table(RUNS_TABLE)} IN SHARE ROW EXCLUSIVE MODE")


def _pause() -> None:
    """Test hook: create the file named by SEGDSL_TEST_SYNC_PAUSE and wait (up to a
    minute) until it is deleted, inside the open transaction."""
    value = os.environ.get(PAUSE_ENV)
    if not value:
        return
    flag = Path(value)
    flag.write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + 60
    while flag.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def _apply(
    target: Target,
    instant: dt.datetime,
    desired: dict[tuple[str, str], set[str]],
) -> int:
    """Bring the rows at ``instant`` to ``desired`` members per (entity, segment)."""
    h = target.table(HISTORY_TABLE)
    current: dict[tuple[str, str], dict[str, dt.datetime]] = {}
    ended: dict[tuple[str, str], set[str]] = {}
    for entity, segment, key, valid_from, valid_to in target.rows(
        f"SELECT entity, segment, key, valid_from, valid_to FROM {h} "
        "WHERE valid_to IS NULL OR valid_to = ?",
        [instant],
    ):
        pair = (str(entity), str(segment))
        if valid_to is None:
            current.setdefault(pair, {})[str(key)] = valid_from
        else:
            ended.setdefault(pair, set()).add(str(key))
    changed = 0
    in_list = "key IN (SELECT unnest(CAST(? AS TEXT[])))"
    for pair in sorted(set(desired) | set(current)):
        want = desired.get(pair, set())
        have = current.get(pair, {})
        gone = sorted(k for k in have if k not in want)
        close = [k for k in gone if have[k] < instant]
        drop = [k for k in gone if have[k] >= instant]
        new = sorted(k for k in want if k not in have)
        back = [k for k in new if k in ended.get(pair, set())]
        back_set = set(back)
        insert = [k for k in new if k not in back_set]
        entity, segment = pair
        if close:
            target.execute(
                f"UPDATE {h} SET valid_to = ? WHERE entity = ? AND segment = ? "
                f"AND valid_to IS NULL AND {in_list}",
                [instant, entity, segment, close],
            )
        if drop:
            target.execute(
                f"DELETE FROM {h} WHERE entity = ? AND segment = ? AND valid_to IS NULL "
                f"AND valid_from = ? AND {in_list}",
                [entity, segment, instant, drop],
            )
        if back:
            target.execute(
                f"UPDATE {h} SET valid_to = NULL WHERE entity = ? AND segment = ? "
                f"AND valid_to = ? AND {in_list}",
                [entity, segment, instant, back],
            )
        if insert:
            target.execute(
                f"INSERT INTO {h} (entity, segment, key, valid_from, valid_to) "
                "SELECT ?, ?, unnest(CAST(? AS TEXT[])), ?, NULL",
                [entity, segment, insert, instant],
            )
        changed += len(close) + len(drop) + len(back) + len(insert)
    return changed


def _record_run(target: Target, instant: dt.datetime, runs: list[tuple[Any, ...]]) -> None:
    """One row per segment at ``instant``; left as they are when the same."""
    r = target.table(RUNS_TABLE)
    before = target.rows(
        f"SELECT entity, segment, rule_hash, size, entity_count, key_type FROM {r} WHERE as_of = ?",
        [instant],
    )
    now = sorted(tuple(x[2:8]) for x in runs)
    if sorted(tuple(x) for x in before) == now:
        return
    target.execute(f"DELETE FROM {r} WHERE as_of = ?", [instant])
    for row in runs:
        target.execute(f"INSERT INTO {r} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", list(row))


def _feed(target: Target, instant: dt.datetime, kinds: dict[str, str]) -> list[Change]:
    h = target.table(HISTORY_TABLE)
    rows = target.rows(
        f"SELECT entity, segment, key, CASE WHEN valid_from = ? THEN 'entered' ELSE 'left' END "
        f"FROM {h} WHERE valid_from = ? OR valid_to = ?",
        [instant, instant, instant],
    )
    out = [
        Change(str(e), str(s), decode(str(k), kinds.get(str(e), "string")), str(c))
        for e, s, k, c in rows
    ]
    out.sort(key=lambda c: (c.entity, c.segment, c.change, _order(c.key)))
    return out


def _order(key: Any) -> tuple[int, Any]:
    return (0, key) if isinstance(key, int) else (1, str(key))


def sync(
    project: Project,
    engine: str | None = None,
    as_of: str | dt.datetime | dt.date | None = None,
    changes: str | Path | None = None,
) -> SyncResult:
    """Sync every segment of ``project`` at ``as_of`` (default: now) into the
    warehouse's history table; write the changes feed to ``changes`` if given."""
    from segdsl.semantic.rulehash import rule_hash
    from segdsl.semantic.timecalc import now_utc

    config = warehouse_config(project, engine)
    instant = project.as_of(as_of) or now_utc()
    feed_format = check_feed_path(Path(changes)) if changes is not None else None
    segments = list(project.segments.values())
    if config.engine == "duckdb":
        project = project.adapted()
        segments = [project.segment(s.name) for s in segments]
    result = project.evaluate(segments, instant, engine=config.engine) if segments else None
    desired: dict[tuple[str, str], set[str]] = {}
    runs: list[tuple[Any, ...]] = []
    kinds: dict[str, str] = {}
    synced_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for seg in segments:
        assert result is not None
        members = [k for k in result.members(seg.name) if k is not None]
        kind = key_type(members) if members else kinds.get(seg.entity, "")
        if kind:
            kinds[seg.entity] = kind
        desired[(seg.entity, seg.name)] = {str(k) for k in members}
    for seg in segments:
        assert result is not None
        size = result.sizes[seg.name]
        runs.append(
            (
                instant,
                synced_at,
                seg.entity,
                seg.name,
                rule_hash(seg),
                len(desired[(seg.entity, seg.name)]),
                size.entity_count,
                kinds.get(seg.entity, "integer"),
                __version__,
            )
        )
    out = _write(project, config, instant, desired, runs, kinds, segments)
    if changes is not None and feed_format is not None:
        write_feed(Path(changes), feed_format, out.changes, out.as_of, out.previous)
    return out


def _write(
    project: Project,
    config: WarehouseConfig,
    instant: dt.datetime,
    desired: dict[tuple[str, str], set[str]],
    runs: list[tuple[Any, ...]],
    kinds: dict[str, str],
    segments: list[ir.Segment],
) -> SyncResult:
    with open_target(project, config) as target:
        target.begin()
        try:
            _create(target)
            r = target.table(RUNS_TABLE)
            (last,) = target.rows(f"SELECT max(as_of) FROM {r}")[0]
            if last is not None and instant < last:
                raise fail(
                    "X011",
                    f"the last sync was as of {last.isoformat()}; a sync as of "
                    f"{instant.isoformat()} would rewrite history before it",
                    "sync at that instant or later (without --as-of: now)",
                )
            for entity, kind in target.rows(
                f"SELECT DISTINCT entity, key_type FROM {r} WHERE as_of = "
                f"(SELECT max(as_of) FROM {r})"
            ):
                kinds.setdefault(str(entity), str(kind))
            (previous,) = target.rows(f"SELECT max(as_of) FROM {r} WHERE as_of < ?", [instant])[0]
            changed = _apply(target, instant, desired)
            _record_run(target, instant, runs)
            changes = _feed(target, instant, kinds)
            _pause()
            target.commit()
        except SegdslError:
            target.rollback()
            raise
        except Exception as exc:
            target.rollback()
            if stopping.is_interrupt(exc):
                raise stopping.interrupted() from None
            raise fail(
                "X018",
                f"{target.where} rejected the sync: {str(exc).strip().splitlines()[0]}",
                "nothing was changed (the transaction was rolled back); check the "
                "connection and the rights on the schema, then run it again",
            ) from None
        except BaseException:
            target.rollback()
            raise
    counts: dict[tuple[str, str], list[int]] = {}
    for c in changes:
        counts.setdefault((c.entity, c.segment), [0, 0])[0 if c.change == "entered" else 1] += 1
    per = [
        SegmentSync(
            s.name,
            s.entity,
            len(desired[(s.entity, s.name)]),
            *counts.get((s.entity, s.name), [0, 0]),
        )
        for s in segments
    ]
    return SyncResult(
        config.path.as_posix() if config.path else "postgres",
        config.engine,
        instant,
        previous,
        per,
        changes,
        changed,
    )
