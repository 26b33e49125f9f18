"""The engine registry: one entry per engine segdsl evaluates on — its name, the sqlglot
dialect its SQL is compiled for, the pydantic model of its ``[engine.NAME]`` settings,
how to open a session, and its quirks. Everything that differs between engines is read
from here; nothing else branches on an engine's name.

To add an engine: a runner module beside this one (a class with the methods of
:class:`segdsl.engines.base.Session`), a settings model and an :class:`Engine` entry
below (see docs/architecture.md, "Adding an engine").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from segdsl.diagnostics import Diagnostic, SegdslError, codes
from segdsl.engines.base import Session

# ---- settings (the [engine.NAME] tables of segdsl.toml) ---------------------------------


class EngineSettings(BaseModel):
    """Settings every engine takes."""

    model_config = ConfigDict(extra="forbid")
    # table name used by the compiled SQL → a Parquet/CSV path or a table of the engine
    tables: dict[str, str] = {}


class DuckDBSettings(EngineSettings):
    pass


class SQLiteSettings(EngineSettings):
    path: str


class PostgresSettings(EngineSettings):
    dsn: str | None = None
    dsn_env: str | None = None

    @model_validator(mode="after")
    def _one_dsn(self) -> PostgresSettings:
        if (self.dsn is None) == (self.dsn_env is None):
            raise ValueError("give exactly one of `dsn` and `dsn_env`")
        return self


class ClickHouseSettings(EngineSettings):
    path: str | None = None


class SparkSettings(EngineSettings):
    master: str = "local[2]"
    conf: dict[str, str] = {}


class DataFusionSettings(EngineSettings):
    pass


# ---- opening a session ----------------------------------------------------------------


def _open_duckdb(settings: Any, root: Path, spark: Any) -> Session:
    from segdsl.engines.duckdb import DuckDBSession

    return DuckDBSession()


def _open_sqlite(settings: Any, root: Path, spark: Any) -> Session:
    from segdsl.engines.sqlite import SQLiteSession

    return SQLiteSession(root / settings.path)


def _open_postgres(settings: Any, root: Path, spark: Any) -> Session:
    from segdsl.engines.postgres import PostgresSession

    dsn = settings.dsn
    if dsn is None:
        dsn = os.environ.get(settings.dsn_env, "")
        if not dsn:
            raise SegdslError(
                Diagnostic(
                    codes.C033,
                    f"the variable {settings.dsn_env} named by `engine.postgres.dsn_env` "
                    "is not set",
                    hint=f"export {settings.dsn_env}=postgresql://user@host:5432/db",
                )
            )
    return PostgresSession(dsn)


def _open_clickhouse(settings: Any, root: Path, spark: Any) -> Session:
    from segdsl.engines.clickhouse import ClickHouseSession

    return ClickHouseSession(str(root / settings.path) if settings.path else None)


def _open_spark(settings: Any, root: Path, spark: Any) -> Session:
    from segdsl.engines.spark import SparkSQLSession

    return SparkSQLSession(settings.master, settings.conf, spark=spark)


def _open_datafusion(settings: Any, root: Path, spark: Any) -> Session:
    from segdsl.engines.datafusion import DataFusionSession

    return DataFusionSession()


# ---- the registry -----------------------------------------------------------------------


@dataclass(frozen=True)
class Engine:
    """One engine: what segdsl needs to know to compile for it, open it and read it."""

    name: str
    dialect: str  # the sqlglot dialect its SQL is compiled for
    settings: type[EngineSettings]
    open: Callable[[Any, Path, Any], Session]  # (settings, project root, spark session)
    # The engine segdsl embeds: the catalog's files and `database` are attached to it
    # directly (segdsl.engines.sources.connect) and errors speak of the project.
    embedded: bool = False
    # Reads the catalog's Parquet/CSV files itself; the others need `segdsl load`.
    reads_files: bool = False
    # Column names match whatever their case (`Age` is `age`).
    case_blind: bool = False
    # Keeps times as text and yes/no values as 0/1 (SQLite).
    loose_types: bool = False
    # Computes members' lists and counts in one aggregate (FILTER, ordered list
    # aggregates, a subquery's column names given by position): evaluation sends only
    # the members, or only the sizes, back to Python.
    aggregates_members: bool = False
    # (message, hint) of C032 when segdsl.toml has no [engine.NAME]: settings needed.
    needs: tuple[str, str] | None = None


REGISTRY: dict[str, Engine] = {
    e.name: e
    for e in (
        Engine(
            "duckdb",
            "duckdb",
            DuckDBSettings,
            _open_duckdb,
            embedded=True,
            reads_files=True,
            case_blind=True,
            aggregates_members=True,
        ),
        Engine(
            "sqlite",
            "sqlite",
            SQLiteSettings,
            _open_sqlite,
            case_blind=True,
            loose_types=True,
            needs=(
                "the sqlite engine needs a database file: add [engine.sqlite] with "
                '`path = "…"` to segdsl.toml',
                "create the file with `segdsl load --engine sqlite -p PROJECT`",
            ),
        ),
        Engine(
            "postgres",
            "postgres",
            PostgresSettings,
            _open_postgres,
            needs=(
                "the postgres engine needs a connection: add [engine.postgres] with "
                '`dsn = "postgresql://…"` (or `dsn_env = "VARIABLE"`) to segdsl.toml',
                "",
            ),
        ),
        Engine("clickhouse", "clickhouse", ClickHouseSettings, _open_clickhouse, reads_files=True),
        Engine("spark", "spark", SparkSettings, _open_spark, reads_files=True, case_blind=True),
        # DataFusion has no dialect of its own in sqlglot; it reads PostgreSQL's.
        Engine("datafusion", "postgres", DataFusionSettings, _open_datafusion, reads_files=True),
    )
}


def engine_spec(name: str) -> Engine:
    """The registry entry of ``name`` (an engine name already validated)."""
    return REGISTRY[name]


def quirks_of(name: str) -> Engine | None:
    """The registry entry of a session's engine, or None for an engine segdsl does not
    know (a session passed in by a caller)."""
    return REGISTRY.get(name)
