"""Shared groundwork of `lift` and `profile`: a session on an engine with the project
resolved as the data types it, several compiled statements joined into one, and
running a statement with the errors a user can act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlglot import exp

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.engines.base import Session
from segdsl.project import Project
from segdsl.semantic.timecalc import parse_as_of
from segdsl.sql.compiler import ident


def parse_instant(text: str, option: str, zone: str = "UTC") -> dt.datetime:
    """``--from``/``--to``/``--as-of`` text → a naive UTC instant (M006 when not a date).
    A value without an offset is a wall-clock time in ``zone``, the project's time zone
    (as ``--as-of`` is everywhere)."""
    try:
        return parse_as_of(text, zone)
    except SegdslError:
        raise SegdslError(
            Diagnostic(
                "M006",
                f"{option} `{text}` is not a date or timestamp",
                hint=f"write e.g. {option} 2026-07-01 or {option} 2026-07-01T00:00:00 (UTC)",
            )
        ) from None


@contextmanager
def session_for(project: Project, engine: str | None) -> Iterator[tuple[Project, Session]]:
    """An open session on ``engine`` (default: embedded DuckDB) and ``project``
    resolved against the catalog as adapted to the data (dates or timestamps)."""
    from segdsl.engines import engine_name
    from segdsl.engines.sources import connect_engine

    name = engine_name(engine) if engine else "duckdb"
    session = connect_engine(project.catalog, project.root, name)
    try:
        yield project.for_data(session), session
    finally:
        session.close()


def hoist(
    trees: Sequence[tuple[str, exp.Select]], taken: set[str]
) -> tuple[list[exp.CTE], bool, list[str]]:
    """The common table expressions of several compiled statements, renamed so that
    they do not collide, followed by each statement's final SELECT as a CTE of the
    given name — so that one statement can join them. ``taken`` holds the names that
    must not be used (the catalog's table names); it is updated. Also returns whether
    a statement asked for ClickHouse's ``join_use_nulls``, and the names the final
    SELECTs got (the given names, unless a table of the catalog has one)."""
    out: list[exp.CTE] = []
    names: list[str] = []
    settings = False
    for name, tree in trees:
        tree = tree.copy()
        with_ = tree.args.get("with_")
        mapping: dict[str, str] = {}
        inner: list[tuple[str, exp.Expr]] = []
        if with_ is not None:
            for cte in with_.expressions:
                old = cte.alias
                new = fresh(f"{name}_{old}", taken)
                mapping[old] = new
                inner.append((new, cte.this))
        tree.set("with_", None)
        if tree.args.get("settings"):
            settings = True
            tree.set("settings", None)
        for _, body in [*inner, ("", tree)]:
            _rename(body, mapping)
        out += [exp.CTE(this=body, alias=ident(new)) for new, body in inner]
        names.append(fresh(name, taken))
        out.append(exp.CTE(this=tree, alias=ident(names[-1])))
    return out, settings, names


def fresh(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``, … when taken (compared lower-cased)."""
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name.lower())
    return name


def _rename(node: exp.Expr, mapping: dict[str, str]) -> None:
    for t in node.find_all(exp.Table):
        if not t.args.get("db") and t.name in mapping:
            t.set("this", ident(mapping[t.name]))
    for c in node.find_all(exp.Column):
        if c.table in mapping:
            c.set("table", ident(mapping[c.table]))


def table_names(project: Project) -> set[str]:
    """Every part of every table name the catalog reads, lower-cased (the statement's
    own relations must not take one of them)."""
    cat = project.catalog
    sources = [e.source for e in cat.entities.values()] + [e.source for e in cat.events.values()]
    return {part.lower() for src in sources for part in src.parts} | {"e"}


def as_float(value: Any) -> float:
    return float(value) if value is not None else 0.0


def as_int(value: Any) -> int:
    return int(value) if value is not None else 0
