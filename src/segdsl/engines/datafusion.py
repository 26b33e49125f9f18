"""Apache DataFusion, in process, through the ``datafusion`` package.

sqlglot has no DataFusion dialect; DataFusion reads the PostgreSQL dialect's SQL
(see ``DIALECT``). Tables are registered from Arrow data or read from Parquet/CSV.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from segdsl.engines.base import (
    Columns,
    Row,
    arrow_table,
    as_utc_naive,
    engine_error,
    logical_of,
    missing_package,
)

DIALECT = "postgres"


class DataFusionSession:
    name = "datafusion"
    dialect = DIALECT

    def __init__(self) -> None:
        try:
            from datafusion import SessionContext
        except ImportError:
            raise missing_package("datafusion", "datafusion") from None
        self.ctx = SessionContext()

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            table = self.ctx.sql(sql).to_arrow_table()
        except Exception as exc:
            raise engine_error(
                "datafusion",
                f"the query failed: {str(exc).strip().splitlines()[0]}",
                f"`segdsl compile -d {DIALECT}` shows the SQL",
            ) from exc
        names = table.column_names
        return [tuple(as_utc_naive(r[n]) for n in names) for r in table.to_pylist()]

    def create_table(self, table: str, columns: Columns, rows: Iterable[Row]) -> None:
        data = arrow_table(columns, rows)
        if self.ctx.table_exist(table):
            self.ctx.deregister_table(table)
        self.ctx.register_record_batches(table, [data.to_batches()])

    def register_file(self, table: str, path: Path) -> None:
        if self.ctx.table_exist(table):
            self.ctx.deregister_table(table)
        if path.suffix.lower() == ".parquet":
            self.ctx.register_parquet(table, str(path))
        else:
            self.ctx.register_csv(table, str(path))

    def column_types(self, table: str) -> dict[str, str]:
        schema = self.ctx.table(table).schema()
        return {f.name: logical_of(str(f.type)) for f in schema}

    def close(self) -> None:
        pass
