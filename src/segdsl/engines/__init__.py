"""The SQL engines segdsl evaluates on, and their settings in ``segdsl.toml``.

Each engine has a small runner module (``duckdb``, ``sqlite``, ``postgres``,
``clickhouse``, ``spark``, ``datafusion``) behind one interface
(:class:`segdsl.engines.base.Session`). Settings live under ``[engine.NAME]``::

    [engine.postgres]
    dsn = "postgresql://segdsl@127.0.0.1:5432/shop"   # or dsn_env = "SHOP_DSN"

    [engine.sqlite]
    path = "data/shop.sqlite"                          # relative to the project

    [engine.spark]
    master = "local[2]"                                # or spark://host:7077, yarn, …
    conf = { "spark.executor.memory" = "4g" }

    [engine.spark.tables]                              # optional: where a table comes from
    orders = "s3a://bucket/orders/"                    # a Parquet/CSV path, or a table name

Without a ``tables`` entry, a source that the catalog names as a ``.parquet``/``.csv``
file is read from that file (DuckDB, ClickHouse, Spark, DataFusion) and any other
source is a table the engine already has (load files into PostgreSQL and SQLite with
``segdsl load``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from segdsl.catalog.model import Catalog, catalog_error
from segdsl.diagnostics import Diagnostic, SegdslError, Source
from segdsl.engines.base import Session

ENGINES = ("duckdb", "sqlite", "postgres", "clickhouse", "spark", "datafusion")

# The sqlglot dialect each engine's SQL is compiled for. DataFusion has no dialect of
# its own in sqlglot; it reads PostgreSQL's.
DIALECTS = {
    "duckdb": "duckdb",
    "sqlite": "sqlite",
    "postgres": "postgres",
    "clickhouse": "clickhouse",
    "spark": "spark",
    "datafusion": "postgres",
}


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # table name used by the compiled SQL → a Parquet/CSV path or a table of the engine
    tables: dict[str, str] = {}


class DuckDBSettings(_Settings):
    pass


class SQLiteSettings(_Settings):
    path: str


class PostgresSettings(_Settings):
    dsn: str | None = None
    dsn_env: str | None = None

    @model_validator(mode="after")
    def _one_dsn(self) -> PostgresSettings:
        if (self.dsn is None) == (self.dsn_env is None):
            raise ValueError("give exactly one of `dsn` and `dsn_env`")
        return self


class ClickHouseSettings(_Settings):
    path: str | None = None


class SparkSettings(_Settings):
    master: str = "local[2]"
    conf: dict[str, str] = {}


class DataFusionSettings(_Settings):
    pass


_MODELS: dict[str, type[_Settings]] = {
    "duckdb": DuckDBSettings,
    "sqlite": SQLiteSettings,
    "postgres": PostgresSettings,
    "clickhouse": ClickHouseSettings,
    "spark": SparkSettings,
    "datafusion": DataFusionSettings,
}


def engine_name(name: str) -> str:
    """Validate an engine name given on the command line."""
    lowered = name.lower()
    if lowered not in ENGINES:
        raise SegdslError(
            Diagnostic(
                "U050",
                f"unknown engine `{name}`",
                hint="use one of: " + ", ".join(ENGINES),
            )
        )
    return lowered


def _catalog_source(catalog: Catalog) -> Source:
    try:
        return Source(catalog.path, Path(catalog.path).read_text(encoding="utf-8-sig"))
    except OSError:
        return Source(catalog.path, "")


def validate_engines(catalog: Catalog) -> dict[str, _Settings]:
    """Every ``[engine.NAME]`` table of the catalog, checked; an error names the key
    and its line in ``segdsl.toml``."""
    raw = catalog.engine or {}
    out: dict[str, _Settings] = {}
    diags: list[Diagnostic] = []
    source: Source | None = None
    for name, value in raw.items():
        if name not in _MODELS:
            source = source or _catalog_source(catalog)
            diags.append(
                catalog_error(
                    source,
                    ("engine", name),
                    f"unknown engine `{name}`",
                    "use one of: " + ", ".join(ENGINES),
                    code="C030",
                )
            )
            continue
        if not isinstance(value, dict):
            source = source or _catalog_source(catalog)
            diags.append(
                catalog_error(
                    source,
                    ("engine", name),
                    f"`engine.{name}` must be a table of settings",
                    f"write it as [engine.{name}] followed by its settings",
                    code="C031",
                )
            )
            continue
        try:
            out[name] = _MODELS[name].model_validate(value)
        except ValidationError as exc:
            source = source or _catalog_source(catalog)
            for err in exc.errors():
                loc = ("engine", name, *(str(p) for p in err["loc"]))
                if err["type"] == "extra_forbidden":
                    allowed = ", ".join(sorted(_MODELS[name].model_fields))
                    msg, hint = f"unknown setting `{loc[-1]}`", f"{name} takes: {allowed}"
                elif err["type"] == "missing":
                    msg, hint = f"`{'.'.join(loc)}` is required", "add it"
                else:
                    msg = f"`{'.'.join(loc)}`: {err['msg'].removeprefix('Value error, ')}"
                    hint = "see docs/engines.md for the settings of each engine"
                diags.append(catalog_error(source, loc, msg, hint, code="C031"))
    if diags:
        raise SegdslError(diags)
    return out


def settings_for(catalog: Catalog, engine: str) -> Any:
    """The validated settings of ``engine`` (defaults when the catalog has none)."""
    checked = validate_engines(catalog)
    if engine in checked:
        return checked[engine]
    if engine == "sqlite":
        raise SegdslError(
            Diagnostic(
                "C032",
                "the sqlite engine needs a database file: add [engine.sqlite] with "
                '`path = "…"` to segdsl.toml',
                path=catalog.path,
                hint="create the file with `segdsl load --engine sqlite -p PROJECT`",
            )
        )
    if engine == "postgres":
        raise SegdslError(
            Diagnostic(
                "C032",
                "the postgres engine needs a connection: add [engine.postgres] with "
                '`dsn = "postgresql://…"` (or `dsn_env = "VARIABLE"`) to segdsl.toml',
                path=catalog.path,
            )
        )
    return _MODELS[engine]()


def open_session(engine: str, settings: Any, root: Path, spark: Any = None) -> Session:
    """A new session on ``engine`` with the validated ``settings``."""
    if engine == "duckdb":
        from segdsl.engines.duckdb import DuckDBSession

        return DuckDBSession()
    if engine == "sqlite":
        from segdsl.engines.sqlite import SQLiteSession

        return SQLiteSession(root / settings.path)
    if engine == "postgres":
        from segdsl.engines.postgres import PostgresSession

        dsn = settings.dsn
        if dsn is None:
            dsn = os.environ.get(settings.dsn_env, "")
            if not dsn:
                raise SegdslError(
                    Diagnostic(
                        "C033",
                        f"the variable {settings.dsn_env} named by `engine.postgres.dsn_env` "
                        "is not set",
                        hint=f"export {settings.dsn_env}=postgresql://user@host:5432/db",
                    )
                )
        return PostgresSession(dsn)
    if engine == "clickhouse":
        from segdsl.engines.clickhouse import ClickHouseSession

        path = str(root / settings.path) if settings.path else None
        return ClickHouseSession(path)
    if engine == "spark":
        from segdsl.engines.spark import SparkSQLSession

        return SparkSQLSession(settings.master, settings.conf, spark=spark)
    from segdsl.engines.datafusion import DataFusionSession

    return DataFusionSession()


__all__ = [
    "DIALECTS",
    "ENGINES",
    "Session",
    "engine_name",
    "open_session",
    "settings_for",
    "validate_engines",
]
