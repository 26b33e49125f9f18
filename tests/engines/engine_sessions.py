"""Engine sessions for the cross-engine matrix: each engine once per test run, with the
edge dataset (tests/edge_data.py) loaded through the engine's own runner
(segdsl.engines), parameterised — no value is pasted into SQL.

An engine that is not installed (or, for PostgreSQL, not given by
``SEGDSL_TEST_POSTGRES_DSN``) skips its tests on a developer's machine and fails them
when ``SEGDSL_REQUIRE_ENGINES=1`` (CI). Spark runs one ``local[2]`` session for the
whole run.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from typing import Any

import edge_data
import pytest

from segdsl.engines.base import Session

# The engines compared with DuckDB and the oracle.
MATRIX_ENGINES = ["sqlite", "postgres", "clickhouse", "spark", "datafusion"]
REQUIRE = os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1"
PG_ENV = "SEGDSL_TEST_POSTGRES_DSN"
PACKAGES = {
    "postgres": "psycopg",
    "clickhouse": "chdb",
    "spark": "pyspark",
    "datafusion": "datafusion",
}


def unavailable(engine: str, why: str) -> None:
    """Skip on a developer's machine; fail in CI."""
    if REQUIRE:
        pytest.fail(f"{engine} is required here (SEGDSL_REQUIRE_ENGINES=1): {why}")
    pytest.skip(f"{engine}: {why}")


def require(engine: str) -> None:
    package = PACKAGES.get(engine)
    if package and importlib.util.find_spec(package) is None:
        unavailable(
            engine, f"the Python package {package} is not installed (pip install -e '.[engines]')"
        )
    if engine == "postgres" and not os.environ.get(PG_ENV):
        unavailable(engine, f"no server: set {PG_ENV} to a PostgreSQL DSN (.ci/run starts one)")


def postgres_database(name: str) -> str:
    """The DSN of a fresh database ``name`` on the test server — one per pytest-xdist
    worker (``name_gw0``, ``name_gw1``…), so that parallel workers never share one."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    name = f"{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

    admin = os.environ[PG_ENV]
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"'.encode())
        con.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0".encode())
    return make_conninfo(admin, dbname=name)


@pytest.fixture(scope="session")
def spark_base() -> Iterator[Any]:
    """The one Spark session of the test run (local[2])."""
    require("spark")
    from segdsl.engines.spark import spark_session

    spark = spark_session("local[2]")
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


def load_edge(session: Session) -> Session:
    for table, columns in edge_data.SCHEMA.items():
        rows = [[row[c] for c, _t in columns] for row in edge_data.TABLES[table]]
        session.create_table(table, columns, rows)
    return session


@pytest.fixture(scope="session")
def edge_session(request: pytest.FixtureRequest) -> Iterator[Callable[[str], Session]]:
    """``edge_session(engine)``: the engine's session with the edge dataset, opened once."""
    opened: dict[str, Session] = {}

    def get(engine: str) -> Session:
        if engine in opened:
            return opened[engine]
        require(engine)
        session: Session
        if engine == "duckdb":
            from segdsl.engines.duckdb import DuckDBSession

            session = DuckDBSession()
        elif engine == "sqlite":
            from segdsl.engines.sqlite import SQLiteSession

            session = SQLiteSession()
        elif engine == "postgres":
            from segdsl.engines.postgres import PostgresSession

            session = PostgresSession(postgres_database("segdsl_edge"))
        elif engine == "clickhouse":
            from segdsl.engines.clickhouse import ClickHouseSession

            session = ClickHouseSession()
        elif engine == "spark":
            from segdsl.engines.spark import SparkSQLSession

            session = SparkSQLSession(spark=request.getfixturevalue("spark_base"))
        else:
            from segdsl.engines.datafusion import DataFusionSession

            session = DataFusionSession()
        opened[engine] = load_edge(session)
        return session

    yield get
    for session in opened.values():
        session.close()
