"""Reading the warehouse's membership history back: a segment's size over time (what
``segdsl history`` shows when ``[warehouse]`` is set) and the members at any instant."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from segdsl.project import Project
from segdsl.tools.warehouse.config import warehouse_config
from segdsl.tools.warehouse.errors import fail
from segdsl.tools.warehouse.sync import decode
from segdsl.tools.warehouse.target import HISTORY_TABLE, RUNS_TABLE, Target, open_target


@dataclass(frozen=True)
class WarehousePoint:
    as_of: dt.datetime
    synced_at: dt.datetime
    entity: str
    size: int
    entity_count: int
    rule_hash: str
    entered: int | None  # None for the first sync of the segment
    left: int | None
    rule_changed: bool


def _exists(target: Target) -> bool:
    return target.columns(RUNS_TABLE) is not None and target.columns(HISTORY_TABLE) is not None


def warehouse_history(
    project: Project, name: str, engine: str | None = None
) -> tuple[str, list[WarehousePoint]]:
    """(where, points): each sync of segment ``name``, oldest first."""
    config = warehouse_config(project, engine)
    with open_target(project, config, read_only=True) as target:
        if not _exists(target):
            raise fail(
                "X020", f"no membership history in {target.where} yet", "run `segdsl sync` first"
            )
        r, h = target.table(RUNS_TABLE), target.table(HISTORY_TABLE)
        runs = target.rows(
            f"SELECT as_of, synced_at, entity, size, entity_count, rule_hash FROM {r} "
            "WHERE segment = ? ORDER BY as_of",
            [name],
        )
        if not runs:
            if name not in project.segments:
                project.segment(name)  # U004 with a suggestion
            raise fail("X021", f"no sync of `{name}` in {target.where} yet", "run `segdsl sync`")
        moved = {
            (t, kind): int(n)
            for t, kind, n in target.rows(
                f"SELECT valid_from, 'entered', count(*) FROM {h} WHERE segment = ? "
                "GROUP BY valid_from UNION ALL "
                f"SELECT valid_to, 'left', count(*) FROM {h} WHERE segment = ? "
                "AND valid_to IS NOT NULL GROUP BY valid_to",
                [name, name],
            )
        }
        points: list[WarehousePoint] = []
        for i, (as_of, synced_at, entity, size, count, rule_hash) in enumerate(runs):
            first = i == 0
            points.append(
                WarehousePoint(
                    as_of,
                    synced_at,
                    str(entity),
                    int(size),
                    int(count),
                    str(rule_hash),
                    None if first else moved.get((as_of, "entered"), 0),
                    None if first else moved.get((as_of, "left"), 0),
                    not first and str(rule_hash) != str(runs[i - 1][5]),
                )
            )
        return target.where, points


def members_at(
    project: Project, segment: str, instant: dt.datetime, engine: str | None = None
) -> list[Any]:
    """The keys that were members of ``segment`` at ``instant`` by the history table
    (valid_from <= instant < valid_to), sorted, with their type."""
    config = warehouse_config(project, engine)
    with open_target(project, config, read_only=True) as target:
        h, r = target.table(HISTORY_TABLE), target.table(RUNS_TABLE)
        kinds = target.rows(
            f"SELECT key_type FROM {r} WHERE segment = ? ORDER BY as_of DESC LIMIT 1", [segment]
        )
        kind = str(kinds[0][0]) if kinds else "string"
        rows = target.rows(
            f"SELECT key FROM {h} WHERE segment = ? AND valid_from <= ? "
            "AND (valid_to IS NULL OR valid_to > ?)",
            [segment, instant, instant],
        )
    keys = [decode(str(k), kind) for (k,) in rows]
    return sorted(keys, key=lambda k: (0, k) if isinstance(k, int) else (1, str(k)))
