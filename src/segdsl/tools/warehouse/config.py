"""The ``[warehouse]`` table of ``segdsl.toml``: where ``segdsl sync`` keeps the
membership history.

::

    [warehouse]
    engine = "postgres"      # duckdb (default) or postgres; settings in [engine.NAME]
    schema = "marketing"     # optional: the schema of the two tables
    path = "warehouse.duckdb"  # duckdb only: the file (default: [project] database,
                               # else .segdsl/warehouse.duckdb)

With a ``[warehouse]`` table, the warehouse table is the project's one history:
``segdsl snapshot`` syncs into it and ``segdsl history`` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from segdsl.project import Project
from segdsl.tools.warehouse.errors import fail

WRITABLE = ("duckdb", "postgres")
DEFAULT_DUCKDB = ".segdsl/warehouse.duckdb"
_KEYS = ("engine", "path", "schema")


@dataclass(frozen=True)
class WarehouseConfig:
    engine: str  # "duckdb" or "postgres"
    path: Path | None  # the DuckDB file (duckdb only)
    schema: str | None  # the tables' schema, if not the default one
    configured: bool  # segdsl.toml has a [warehouse] table


def _bad(project: Project, message: str, hint: str) -> Exception:
    return fail("X010", f"`[warehouse]`: {message}", hint, path=project.catalog.path)


def warehouse_config(project: Project, engine: str | None = None) -> WarehouseConfig:
    """The validated ``[warehouse]`` settings; ``engine`` (from ``--engine``) wins over
    the file's."""
    raw = project.catalog.warehouse
    configured = raw is not None
    raw = raw or {}
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise _bad(project, f"unknown key `{unknown[0]}`", "the keys are: " + ", ".join(_KEYS))
    for key in _KEYS:
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            raise _bad(project, f"`{key}` must be a non-empty text", f'write e.g. {key} = "…"')
    chosen = (engine or raw.get("engine") or "duckdb").lower()
    if chosen not in WRITABLE:
        raise fail(
            "X013",
            f"sync cannot write its history to the engine `{chosen}`",
            "use duckdb or postgres (`--engine`, or `engine` under [warehouse])",
        )
    path: Path | None = None
    if chosen == "duckdb":
        given = raw.get("path") or project.catalog.database or DEFAULT_DUCKDB
        path = Path(given).expanduser()
        if not path.is_absolute():
            path = project.root / path
    return WarehouseConfig(chosen, path, raw.get("schema"), configured)
