"""Copying a project's data into an engine: every catalog source, read where segdsl
reads it by default (the catalog's database file or its Parquet/CSV files, through the
embedded DuckDB), written as a table of the same name in the engine.

This is how PostgreSQL and SQLite, which cannot read Parquet themselves, get the
example data: ``segdsl load --engine postgres -p examples/retail``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlglot import exp

from segdsl.catalog.model import Catalog
from segdsl.diagnostics import Diagnostic, SegdslError, codes
from segdsl.engines.base import Session, logical_of
from segdsl.sql.compiler import table_ref


@dataclass(frozen=True)
class Loaded:
    table: str
    rows: int
    columns: int


def _tables(catalog: Catalog) -> list[Any]:
    seen: dict[str, Any] = {}
    for ent in catalog.entities.values():
        seen.setdefault(ent.source.table, ent.source)
    for ev in catalog.events.values():
        seen.setdefault(ev.source.table, ev.source)
    return list(seen.values())


def _plain(value: Any) -> Any:
    """A decimal becomes a float (every engine's `number` is a double)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_data(catalog: Catalog, root: Path, target: Session) -> list[Loaded]:
    """Create and fill, in ``target``, one table per catalog source."""
    from segdsl.engines.sources import check_sources, connect

    con = connect(catalog, root)
    try:
        check_sources(catalog, con)
        out: list[Loaded] = []
        for src in _tables(catalog):
            select = exp.select(exp.Star()).from_(table_ref(src)).sql("duckdb")
            described = con.execute("DESCRIBE " + select).fetchall()
            columns: list[tuple[str, str]] = []
            for name, kind, *_ in described:
                logical = logical_of(str(kind))
                if not logical:
                    raise SegdslError(
                        Diagnostic(
                            codes.D005,
                            f"column `{name}` of `{src.table}` has the type {kind}, which "
                            f"segdsl cannot copy to {target.name}",
                            hint="give it one of segdsl's types (a number, text, a "
                            "boolean, a date, a timestamp or a list of text or numbers)",
                        )
                    )
                columns.append((str(name), logical))
            rows = [tuple(_plain(v) for v in r) for r in con.execute(select).fetchall()]
            target.create_table(src.table, columns, rows)
            out.append(Loaded(src.table, len(rows), len(columns)))
        return out
    finally:
        con.close()
