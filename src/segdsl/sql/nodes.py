"""sqlglot nodes built directly.

sqlglot's builders (``exp.select``, ``exp.and_``, ``exp.alias_``, ``exp.cast`` …) parse
and copy their arguments; the compiler builds each node once, so it makes them
directly — most of the compile time of a segment otherwise."""

from __future__ import annotations

from collections.abc import Iterable

from sqlglot import exp
from sqlglot.expressions import DType


def num(n: int | str) -> exp.Literal:
    """A non-negative number literal (``exp.Literal.number`` also checks the sign by
    converting the text back: slow, and never needed here)."""
    return exp.Literal(this=str(n), is_string=False)


def connect(kind: type[exp.Connector], parts: Iterable[exp.Expr]) -> exp.Expr:
    """``a AND b AND …`` (or OR) built directly, as ``exp.and_`` would (connectors among
    the parts in parentheses) but without its parsing and copying."""
    items = list(parts)
    if len(items) == 1:
        return items[0]
    items = [exp.Paren(this=p) if isinstance(p, exp.Connector) else p for p in items]
    node: exp.Expr = items[0]
    for item in items[1:]:
        node = kind(this=node, expression=item)
    return node


def and_(*parts: exp.Expr) -> exp.Expr:
    return connect(exp.And, parts)


def or_(*parts: exp.Expr) -> exp.Expr:
    return connect(exp.Or, parts)


def new_select(
    *columns: exp.Expr,
    from_: exp.Expr | None = None,
    where: exp.Expr | None = None,
    group: list[exp.Expr] | None = None,
) -> exp.Select:
    """A SELECT built directly (``exp.select`` and its chained builders parse and copy
    every argument: most of the compile time of a segment)."""
    select = exp.Select(expressions=list(columns))
    if from_ is not None:
        select.set("from_", exp.From(this=from_))
    if where is not None:
        select.set("where", exp.Where(this=where))
    if group:
        select.set("group", exp.Group(expressions=group))
    return select


def add_columns(select: exp.Select, *columns: exp.Expr) -> exp.Select:
    for c in columns:
        select.append("expressions", c)
    return select


def aliased(e: exp.Expr, name: exp.Identifier) -> exp.Alias:
    # The builders exp.alias_/exp.cast copy their argument; the compiler builds each
    # node once, so it makes them directly (compile speed).
    return exp.Alias(this=e, alias=name)


def cast(e: exp.Expr, to: DType | exp.DataType) -> exp.Cast:
    return exp.Cast(this=e, to=to if isinstance(to, exp.DataType) else exp.DataType(this=to))
