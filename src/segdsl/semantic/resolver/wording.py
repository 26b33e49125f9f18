"""How the resolver names what it found in its messages, and the hints it gives."""

from __future__ import annotations

import datetime as dt

from segdsl.catalog.model import EventDef
from segdsl.catalog.types import Type
from segdsl.syntax import ast


def show(v: ast.Value | ast.Literal) -> str:
    if isinstance(v, ast.Ago):
        d = v.duration
        return f"{d.amount} {d.unit}{'' if d.amount == 1 else 's'} ago"
    if v.kind == "string":
        return '"' + str(v.value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if v.kind == "boolean":
        return "true" if v.value else "false"
    if v.kind == "timestamp":
        assert isinstance(v.value, dt.datetime)
        return v.value.isoformat()
    return str(v.value)


def show_expr(e: ast.Expr) -> str:
    if isinstance(e, ast.Name):
        return e.name
    return "x"


def what_is(e: ast.Expr) -> str:
    if isinstance(e, ast.Name):
        return f"`{e.name}`"
    if isinstance(e, ast.Aggregate):
        if e.field_name is not None:
            return f"`{func_word(e.func)}({e.event}.{e.field_name}…)`"
        return f"`{func_word(e.func)}({e.event}…)`"
    if isinstance(e, ast.FieldRef):
        return f"`{e.event}.{e.field_name}`"
    if isinstance(e, ast.Number):
        return f"`{e.value}`"
    return "this expression"


def func_word(func: str) -> str:
    return "count distinct" if func == "count_distinct" else func


def example_field(ev: EventDef) -> str:
    for name, col in ev.fields.items():
        if col.type.is_numeric:
            return name
    return next(iter(ev.fields), "amount")


def literal_hint(t: Type) -> str:
    return {
        Type.INTEGER: "write a number, e.g. 30",
        Type.NUMBER: "write a number, e.g. 49.90",
        Type.STRING: 'write text in quotes, e.g. "US"',
        Type.BOOLEAN: "write true or false",
        Type.DATE: "write a date, e.g. 2024-03-01, or `30 days ago`",
        Type.TIMESTAMP: "write a timestamp, e.g. 2024-03-01T12:00:00, a date, or `30 days ago`",
        Type.LIST_STRING: 'test a list with `has`, e.g. has "running"',
        Type.LIST_INTEGER: "test a list with `has`, e.g. has 3",
    }[t]


def condition_hint(e: ast.Expr, t: Type) -> str:
    name = show_expr(e) if isinstance(e, ast.Name) else None
    if t.is_numeric:
        return f"compare it, e.g. `{name or 'count(purchase)'} > 0`"
    if t is Type.STRING:
        return f'compare it, e.g. `{name or "country"} = "US"`'
    if t.is_temporal:
        return f"test it, e.g. `{name or 'last(purchase)'} in last 30 days`"
    if t.is_list:
        return f'test it, e.g. `{name or "interests"} has "running"`'
    return "write a comparison"
