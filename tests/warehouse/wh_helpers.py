"""Helpers of the warehouse tests: the PostgreSQL server and dbt they need (skipped on a
developer's machine without them, failed under SEGDSL_REQUIRE_ENGINES=1), a project
with a [warehouse] table, and the history table read back in plain Python."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

REQUIRE = os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1"
PG_ENV = "SEGDSL_TEST_POSTGRES_DSN"
DBT_ENV = "SEGDSL_TEST_DBT"
DEFAULT_DBT = "/opt/segdsl-dbt/bin/dbt"
RETAIL = Path(__file__).resolve().parents[2] / "examples" / "retail"

# A segment whose title and rule hold Jinja: exported, it must stay text.
TRICKY = """\
segment jinja_in_text
  title "{{ run_query('drop table x') }}"
  where country = "{{ run_query('drop table x') }}" or country = "{% raw %}it's{# #}"
"""


# A segmentation (language §15) without a catch-all class: a missing age has no class.
BANDS = """
segmentation age_band of customer
  title "Age band"
  kids where age < 18
  grown where age >= 18 and buys_30d >= 1
  grown_idle where age >= 18
"""


def unavailable(what: str, why: str) -> None:
    if REQUIRE:
        pytest.fail(f"{what} is required here (SEGDSL_REQUIRE_ENGINES=1): {why}")
    pytest.skip(f"{what}: {why}")


def postgres_dsn() -> str:
    """The DSN of a fresh database on the test server."""
    if importlib.util.find_spec("psycopg") is None:
        unavailable("postgres", "the Python package psycopg is not installed")
    admin = os.environ.get(PG_ENV)
    if not admin:
        unavailable("postgres", f"no server: set {PG_ENV} to a PostgreSQL DSN")
    import psycopg
    from psycopg.conninfo import make_conninfo

    assert admin is not None
    name = f"segdsl_wh_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0".encode())
    return make_conninfo(admin, dbname=name)


def dbt_executable() -> Path:
    """The `dbt` of a dbt-core 1.11 + dbt-duckdb environment (SEGDSL_TEST_DBT)."""
    value = os.environ.get(DBT_ENV)
    if not value and Path(DEFAULT_DBT).is_file():
        value = DEFAULT_DBT  # where .ci/setup-warehouse.sh puts it by default
    if not value:
        unavailable("dbt", f"set {DBT_ENV} to the dbt executable (.ci/setup-warehouse.sh)")
    path = Path(str(value))
    if not path.is_file():
        unavailable("dbt", f"{DBT_ENV}={value} is not a file")
    return path


def add_toml(root: Path, text: str) -> None:
    path = root / "segdsl.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text, encoding="utf-8")


def history_rows(root: Path, engine: str, dsn: str | None = None) -> list[tuple[Any, ...]]:
    """Every row of segdsl_membership_history, sorted (None sorts first)."""
    sql = "SELECT entity, segment, key, valid_from, valid_to FROM segdsl_membership_history"
    if engine == "duckdb":
        import duckdb

        path = root / ".segdsl" / "warehouse.duckdb"
        if not path.exists():
            return []
        con = duckdb.connect(str(path), read_only=True)
        try:
            found = con.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_name = 'segdsl_membership_history'"
            ).fetchall()
            rows = [tuple(r) for r in con.execute(sql).fetchall()] if found else []
        finally:
            con.close()
    else:
        import psycopg

        with psycopg.connect(str(dsn)) as con:
            found = con.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_name = 'segdsl_membership_history'"
            ).fetchall()
            rows = [tuple(r) for r in con.execute(sql).fetchall()] if found else []
    return sorted(rows, key=lambda r: tuple((v is not None, v) for v in r))


def reconstruct(rows: list[tuple[Any, ...]], segment: str, t: dt.datetime) -> set[str]:
    """The keys (as text) that were members at ``t`` by the SCD2 rows, in Python."""
    return {
        str(k) for _e, s, k, vf, vt in rows if s == segment and vf <= t and (vt is None or vt > t)
    }


def render_model(model: str, as_of: str = "2026-06-30 00:00:00") -> str:
    """A generated model rendered as dbt renders it (its Jinja run by jinja2 with dbt's
    `var`, `modules`, `run_started_at`, `config` and `source`; a source is its plain
    table name), as of ``as_of`` (the value of the var segdsl_as_of)."""
    jinja2 = pytest.importorskip("jinja2")
    pytz = pytest.importorskip("pytz")

    class Modules:
        pass

    Modules.datetime = dt  # type: ignore[attr-defined]
    Modules.pytz = pytz  # type: ignore[attr-defined]
    ctx = {
        "var": lambda name, default=None: as_of,
        "run_started_at": dt.datetime(2026, 1, 1),
        "modules": Modules,
        "config": lambda **kw: "",
        "source": lambda _source, table: table,
    }
    return str(jinja2.Environment().from_string(model).render(ctx))
