"""The SQL engines segdsl evaluates on, and their settings in ``segdsl.toml``.

Each engine has a small runner module (``duckdb``, ``sqlite``, ``postgres``,
``clickhouse``, ``spark``, ``datafusion``) behind one interface
(:class:`segdsl.engines.base.Session`), and one entry in the registry
(:mod:`segdsl.engines.registry`: name, dialect, settings model, how to open it, quirks).
``sources`` connects a session to a catalog's tables and files and checks them against
the catalog; ``load`` copies a project's data into an engine. Settings live under
``[engine.NAME]``::

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

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from segdsl.catalog.locate import catalog_error
from segdsl.catalog.model import Catalog, catalog_source
from segdsl.diagnostics import Diagnostic, SegdslError, codes
from segdsl.diagnostics.suggest import did_you_mean
from segdsl.engines.base import Session
from segdsl.engines.registry import REGISTRY, Engine, EngineSettings, engine_spec

# The engines' names, and the sqlglot dialect each one's SQL is compiled for (both from
# the registry).
ENGINES = tuple(REGISTRY)
DIALECTS = {name: spec.dialect for name, spec in REGISTRY.items()}


def engine_name(name: str) -> str:
    """Validate an engine name given on the command line."""
    lowered = name.lower()
    if lowered not in REGISTRY:
        raise SegdslError(
            Diagnostic(
                codes.U050,
                f"unknown engine `{name}`",
                hint=did_you_mean(lowered, REGISTRY) + "use one of: " + ", ".join(ENGINES),
            )
        )
    return lowered


def validate_engines(catalog: Catalog) -> dict[str, EngineSettings]:
    """Every ``[engine.NAME]`` table of the catalog, checked; an error names the key
    and its line in ``segdsl.toml``."""
    raw = catalog.engine or {}
    out: dict[str, EngineSettings] = {}
    diags: list[Diagnostic] = []
    source = catalog_source(catalog)
    for name, value in raw.items():
        spec = REGISTRY.get(name)
        if spec is None:
            diags.append(
                catalog_error(
                    source,
                    ("engine", name),
                    f"unknown engine `{name}`",
                    did_you_mean(name, REGISTRY) + "use one of: " + ", ".join(ENGINES),
                    code=codes.C030,
                )
            )
            continue
        if not isinstance(value, dict):
            diags.append(
                catalog_error(
                    source,
                    ("engine", name),
                    f"`engine.{name}` must be a table of settings",
                    f"write it as [engine.{name}] followed by its settings",
                    code=codes.C031,
                )
            )
            continue
        try:
            out[name] = spec.settings.model_validate(value)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ("engine", name, *(str(p) for p in err["loc"]))
                if err["type"] == "extra_forbidden":
                    allowed = sorted(spec.settings.model_fields)
                    msg = f"unknown setting `{loc[-1]}`"
                    hint = did_you_mean(loc[-1], allowed) + f"{name} takes: {', '.join(allowed)}"
                elif err["type"] == "missing":
                    msg, hint = f"`{'.'.join(loc)}` is required", "add it"
                else:
                    msg = f"`{'.'.join(loc)}`: {err['msg'].removeprefix('Value error, ')}"
                    hint = "see docs/engines.md for the settings of each engine"
                diags.append(catalog_error(source, loc, msg, hint, code=codes.C031))
    if diags:
        raise SegdslError(diags)
    return out


def settings_for(catalog: Catalog, engine: str) -> Any:
    """The validated settings of ``engine`` (defaults when the catalog has none)."""
    checked = validate_engines(catalog)
    if engine in checked:
        return checked[engine]
    spec = engine_spec(engine)
    if spec.needs is not None:
        message, hint = spec.needs
        raise SegdslError(Diagnostic(codes.C032, message, path=catalog.path, hint=hint))
    return spec.settings()


def open_session(engine: str, settings: Any, root: Path, spark: Any = None) -> Session:
    """A new session on ``engine`` with the validated ``settings``."""
    return engine_spec(engine).open(settings, root, spark)


__all__ = [
    "DIALECTS",
    "ENGINES",
    "REGISTRY",
    "Engine",
    "EngineSettings",
    "Session",
    "engine_name",
    "engine_spec",
    "open_session",
    "settings_for",
    "validate_engines",
]
