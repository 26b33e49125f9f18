"""A writable connection to the warehouse that holds the membership history: a DuckDB
file or a PostgreSQL database. Statements are fixed text with ``?`` parameters (turned
into ``%s`` for psycopg); table names are sqlglot identifiers, always quoted."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlglot import exp

from segdsl.project import Project
from segdsl.tools.warehouse.config import WarehouseConfig
from segdsl.tools.warehouse.errors import fail

HISTORY_TABLE = "segdsl_membership_history"
RUNS_TABLE = "segdsl_sync_runs"
LOCK_TIMEOUT = 30.0  # seconds to wait for another process holding the DuckDB file


class Target:
    """An open connection; use :func:`open_target`."""

    def __init__(self, engine: str, con: Any, where: str, schema: str | None) -> None:
        self.engine = engine
        self.con = con
        self.where = where  # for messages: the file or the server
        self.schema = schema
        self.dialect = "postgres" if engine == "postgres" else "duckdb"

    def table(self, name: str) -> str:
        """A table's name as SQL text: quoted, with the schema when there is one."""
        return exp.table_(name, db=self.schema, quoted=True).sql(self.dialect)

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.engine == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self.engine == "postgres":
            with self.con.cursor() as cur:
                cur.execute(self._sql(sql).encode(), list(params))
        else:
            self.con.execute(sql, list(params))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.engine == "postgres":
            with self.con.cursor() as cur:
                cur.execute(self._sql(sql).encode(), list(params))
                return [tuple(r) for r in cur.fetchall()]
        return [tuple(r) for r in self.con.execute(sql, list(params)).fetchall()]

    def columns(self, name: str) -> list[str] | None:
        """The column names of table ``name`` in the schema, or None when it does not exist."""
        schema = self.schema or ("public" if self.engine == "postgres" else "main")
        found = self.rows(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, name],
        )
        return [str(r[0]) for r in found] or None

    def begin(self) -> None:
        self.execute("BEGIN TRANSACTION" if self.engine == "duckdb" else "BEGIN")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        with contextlib.suppress(Exception):
            self.execute("ROLLBACK")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.con.close()


def _duckdb(path: Path, read_only: bool) -> Any:
    import duckdb

    if read_only and not path.exists():
        raise fail(
            "X020",
            f"no membership history yet: {path} does not exist",
            "run `segdsl sync` first",
            path=str(path),
        )
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fail("X014", f"cannot create the folder {path.parent}: {exc.strerror}") from None
    deadline = time.monotonic() + LOCK_TIMEOUT
    pause = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("SET TimeZone = 'UTC'")
            return con
        except duckdb.IOException as exc:
            locked = "lock" in str(exc).lower()
            if not locked or time.monotonic() >= deadline:
                first = str(exc).splitlines()[0]
                raise fail(
                    "X014",
                    f"cannot open {path}: {first}",
                    "another process holds the file (wait for it), or the path is not a "
                    "DuckDB database",
                    path=str(path),
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
        except duckdb.Error as exc:
            raise fail(
                "X014",
                f"cannot open {path}: {str(exc).splitlines()[0]}",
                "point `path` under [warehouse] at a DuckDB database file",
                path=str(path),
            ) from None


@contextlib.contextmanager
def open_target(
    project: Project, config: WarehouseConfig, read_only: bool = False
) -> Iterator[Target]:
    """The warehouse of ``config``, open for the block."""
    if config.engine == "duckdb":
        assert config.path is not None
        target = Target("duckdb", _duckdb(config.path, read_only), str(config.path), config.schema)
    else:
        import importlib.util

        from segdsl.engines import open_session, settings_for

        if importlib.util.find_spec("psycopg") is None:
            raise fail(
                "X017",
                "sync to PostgreSQL needs the Python package psycopg, which is not installed",
                "pip install 'segdsl[warehouse]'",
            )

        session = open_session("postgres", settings_for(project.catalog, "postgres"), project.root)
        con = session.con  # type: ignore[attr-defined]
        target = Target("postgres", con, "postgres", config.schema)
    try:
        yield target
    finally:
        target.close()
