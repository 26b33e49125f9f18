"""Shared fixtures: the corpus project, the edge dataset loaded into DuckDB and SQLite,
and the independent oracle over the same rows.

Tables are created from ``edge_data.SCHEMA`` and filled with parameterised INSERTs
(``?`` placeholders); no value is ever pasted into SQL text.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import edge_data
import pytest
from oracle import Oracle

import segdsl
from segdsl.engines.sqlite_support import prepare as prepare_sqlite

CORPUS = Path(__file__).parent / "corpus"

# Spark's Python workers run this interpreter (the test environment's, with pandas for the
# live evaluator's stateful operator), whichever test starts the worker's one Spark session.
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

DUCKDB_TYPES = {
    "integer": "BIGINT",
    "number": "DOUBLE",
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "list<string>": "VARCHAR[]",
    "list<integer>": "BIGINT[]",
}

SQLITE_TYPES = {
    "integer": "INTEGER",
    "number": "REAL",
    "string": "TEXT",
    "boolean": "INTEGER",
    "date": "TEXT",
    "timestamp": "TEXT",
    "list<string>": "TEXT",
    "list<integer>": "TEXT",
}


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create_and_fill(
    execute: Callable[..., Any],
    executemany: Callable[..., Any],
    types: dict[str, str],
    convert: Callable[[Any, str], Any],
) -> None:
    for table, columns in edge_data.SCHEMA.items():
        cols = ", ".join(f"{quote_ident(c)} {types[t]}" for c, t in columns)
        execute(f"CREATE TABLE {quote_ident(table)} ({cols})")
        placeholders = ", ".join("?" for _ in columns)
        names = ", ".join(quote_ident(c) for c, _ in columns)
        rows = [tuple(convert(row[c], t) for c, t in columns) for row in edge_data.TABLES[table]]
        executemany(f"INSERT INTO {quote_ident(table)} ({names}) VALUES ({placeholders})", rows)


def _to_sqlite(value: Any, logical: str) -> Any:
    if value is None:
        return None
    if logical.startswith("list<"):
        return json.dumps(value)
    if logical == "timestamp":
        assert isinstance(value, dt.datetime)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if logical == "date":
        assert isinstance(value, dt.date)
        return value.isoformat()
    if logical == "boolean":
        return int(value)
    return value


@pytest.fixture(scope="session")
def T() -> dt.datetime:
    return edge_data.T


@functools.cache
def corpus_project() -> segdsl.Project:
    return segdsl.load_project(CORPUS)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``segment_name``: every segment of the corpus, of every entity."""
    if "segment_name" in metafunc.fixturenames:
        metafunc.parametrize("segment_name", list(corpus_project().segments))


@pytest.fixture(scope="session")
def project() -> segdsl.Project:
    return corpus_project()


@pytest.fixture(scope="session")
def oracle(project: segdsl.Project) -> Oracle:
    return Oracle(edge_data.TABLES, project.catalog, edge_data.T)


@pytest.fixture(scope="session")
def oracle_at(project: segdsl.Project) -> Callable[[dt.datetime], Oracle]:
    """The oracle at another as-of instant (one per instant, cached)."""
    return functools.cache(lambda as_of: Oracle(edge_data.TABLES, project.catalog, as_of))


@pytest.fixture(scope="session")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:")
    _create_and_fill(con.execute, con.executemany, DUCKDB_TYPES, lambda v, _t: v)
    yield con
    con.close()


@pytest.fixture(scope="session")
def sqlite_db() -> Iterator[sqlite3.Connection]:
    con = prepare_sqlite(sqlite3.connect(":memory:"))
    _create_and_fill(con.execute, con.executemany, SQLITE_TYPES, _to_sqlite)
    con.commit()
    yield con
    con.close()


def _fetch(con: Any, sql: str) -> list[tuple[Any, ...]]:
    cur = con.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


@pytest.fixture(scope="session")
def run_duckdb(duck: duckdb.DuckDBPyConnection) -> Callable[[str], list[tuple[Any, ...]]]:
    return lambda sql: _fetch(duck, sql)


@pytest.fixture(scope="session")
def run_sqlite(sqlite_db: sqlite3.Connection) -> Callable[[str], list[tuple[Any, ...]]]:
    return lambda sql: _fetch(sqlite_db, sql)


def key_set(rows: list[tuple[Any, ...]]) -> set[Any]:
    """The keys of a one-column result; each member must appear exactly once."""
    keys = [r[0] for r in rows]
    assert all(len(r) == 1 for r in rows), "a segment query returns exactly one column"
    assert len(keys) == len(set(keys)), f"duplicate members: {sorted(keys)}"
    return set(keys)


@pytest.fixture(scope="session")
def members_of(
    project: segdsl.Project,
    run_duckdb: Callable[[str], list[tuple[Any, ...]]],
    run_sqlite: Callable[[str], list[tuple[Any, ...]]],
) -> Callable[..., set[Any]]:
    """Compile one segment for an engine ("duckdb" or "sqlite") at T (or another as-of
    instant) and run it; the members, each checked to appear once."""
    from segdsl.sql.compiler import compile_segment

    runners = {"duckdb": run_duckdb, "sqlite": run_sqlite}

    @functools.cache
    def compiled(segment: Any, engine: str, as_of: dt.datetime) -> str:
        return compile_segment(segment, project.catalog, engine, as_of)

    def members(segment: Any, engine: str, as_of: dt.datetime = edge_data.T) -> set[Any]:
        return key_set(runners[engine](compiled(segment, engine, as_of)))

    return members


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many segment × engine comparisons the cross-engine matrix made
    (tests/engines/test_matrix.py)."""
    import matrix_stats

    line = matrix_stats.summary()
    if line:
        terminalreporter.write_sep("=", line)


# ---- running in parallel (pytest-xdist, `.ci/run` uses `-n 2 --dist loadgroup`) -------------

# Tests that must share one worker: every Spark test uses the run's one Spark session
# (a JVM each worker would otherwise start), and the tests that kill and time processes
# run one after the other rather than beside each other.
_SERIAL_FILES = {"test_interrupts.py": "kill", "test_stopping.py": "kill"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        group = _SERIAL_FILES.get(item.path.name)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "spark" in params.values() or "spark_base" in getattr(item, "fixturenames", ()):
            group = "spark"
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(name=group))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker: hand the matrix counts to the controller, which prints them."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        import matrix_stats

        output["matrix_comparisons"] = dict(matrix_stats.COMPARISONS)
        output["matrix_refused"] = {e: sorted(s) for e, s in matrix_stats.REFUSED.items()}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the xdist controller: add up the matrix counts of a worker that finished."""
    import matrix_stats

    output = getattr(node, "workeroutput", {})
    matrix_stats.COMPARISONS.update(output.get("matrix_comparisons", {}))
    for engine, names in output.get("matrix_refused", {}).items():
        matrix_stats.REFUSED.setdefault(engine, set()).update(names)
