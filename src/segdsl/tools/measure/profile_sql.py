"""The SQL of `segdsl profile`: which columns, the elements of list attributes, and
the one statement (see :mod:`.profile`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from segdsl.catalog import EntityDef
from segdsl.catalog.types import Type
from segdsl.engines.base import Session
from segdsl.evaluation.evaluate import run_query
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.sql.compiler import col, ident, table_ref, to_sql, values_query
from segdsl.sql.dialects import capabilities
from segdsl.tools.measure.data import fresh, hoist, table_names

MAX_ELEMENTS = 50  # elements counted per list attribute (the most frequent)


# ---- which columns ---------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    categorical: list[tuple[str, ir.Attr]]  # (alias, attribute)
    lists: list[tuple[str, ir.Attr]]
    numeric: list[tuple[str, str, str, ir.Value]]  # (alias, name, kind, value)
    classes: list[tuple[str, str, ir.Value]]  # (alias, segmentation, its class name)


def plan_columns(project: Project, entity: EntityDef) -> Plan:
    cats: list[tuple[str, ir.Attr]] = []
    lists: list[tuple[str, ir.Attr]] = []
    nums: list[tuple[str, str, str, ir.Value]] = []
    for i, (name, column) in enumerate(entity.attributes.items()):
        attr = ir.Attr(entity.name, name, column.column, column.type)
        if column.type in (Type.STRING, Type.BOOLEAN):
            cats.append((f"c{i}", attr))
        elif column.type.is_list:
            lists.append((f"l{i}", attr))
        elif column.type.is_numeric:
            nums.append((f"n{i}", name, "attribute", attr))
    for j, m in enumerate(project.measures.values()):
        if m.entity == entity.name and m.expr.type.is_numeric:
            nums.append((f"m{j}", m.name, "measure", ir.MeasureRef(m.name, m.expr)))
    classes: list[tuple[str, str, ir.Value]] = [
        (f"g{k}", g.name, g.value)
        for k, g in enumerate(project.segmentations.values())
        if g.entity == entity.name
    ]
    return Plan(cats, lists, nums, classes)


# ---- list elements -------------------------------------------------------------------


def many_valued(
    session: Session, entity: EntityDef, plan: Plan, limit: int
) -> tuple[Plan, list[str]]:
    """``plan`` without the categorical attributes that have more than ``limit``
    distinct values in the entity's table (names, e-mails: no profile to read), found
    with one COUNT(DISTINCT …) per attribute in one pass; and their names."""
    if not plan.categorical:
        return plan, []
    counts = exp.Select(
        expressions=[
            exp.Count(this=exp.Distinct(expressions=[col(attr.column)]))
            for _, attr in plan.categorical
        ]
    )
    counts.set("from_", exp.From(this=table_ref(entity.source)))
    (row,) = run_query(session, to_sql(counts, session.dialect, pretty=False, copy=False))
    keep, skipped = [], []
    for (alias, attr), n in zip(plan.categorical, row, strict=True):
        if int(n or 0) > limit:
            skipped.append(attr.name)
        else:
            keep.append((alias, attr))
    return Plan(keep, plan.lists, plan.numeric, plan.classes), skipped


def list_elements(session: Session, entity: EntityDef, attr: ir.Attr) -> list[str]:
    """The most frequent elements of a list attribute over the whole entity table."""
    d = session.dialect
    src = table_ref(entity.source, "t")
    if d == "sqlite":
        inner = exp.Select(expressions=[exp.Alias(this=col("value", "j"), alias=ident("x"))])
        inner.set("from_", exp.From(this=src))
        inner.append(
            "joins",
            exp.Join(
                this=exp.Table(
                    this=exp.Anonymous(this="json_each", expressions=[col(attr.column, "t")]),
                    alias=exp.TableAlias(this=ident("j")),
                )
            ),
        )
    else:
        fn = {"spark": "explode", "clickhouse": "arrayJoin"}.get(d, "unnest")
        inner = exp.Select(
            expressions=[
                exp.Alias(
                    this=exp.Anonymous(this=fn, expressions=[col(attr.column, "t")]),
                    alias=ident("x"),
                )
            ]
        )
        inner.set("from_", exp.From(this=src))
    outer = exp.Select(expressions=[col("x"), exp.Count(this=exp.Star())])
    outer.set(
        "from_", exp.From(this=exp.Subquery(this=inner, alias=exp.TableAlias(this=ident("u"))))
    )
    outer.set("where", exp.Where(this=exp.Not(this=exp.Is(this=col("x"), expression=exp.Null()))))
    outer.set("group", exp.Group(expressions=[col("x")]))
    rows = run_query(session, to_sql(outer, d, pretty=False, copy=False))
    rows.sort(key=lambda r: (-int(r[1]), str(r[0])))
    return [str(r[0]) for r in rows[:MAX_ELEMENTS]]


# ---- the statement ---------------------------------------------------------------------


def _lit(s: str) -> exp.Expr:
    return exp.Literal.string(s)


def _dbl(e: exp.Expr) -> exp.Expr:
    return exp.Cast(this=e, to=exp.DataType.build("double"))


def _txt(e: exp.Expr) -> exp.Expr:
    return exp.Cast(this=e, to=exp.DataType.build("varchar"))


def _n(v: int) -> exp.Literal:
    return exp.Literal(this=str(v), is_string=False)


def _row(part: str, attr: str, label: exp.Expr, *nums: exp.Expr) -> list[exp.Expr]:
    cols: list[exp.Expr] = [
        exp.Alias(this=_lit(part), alias=ident("part")),
        exp.Alias(this=_lit(attr), alias=ident("attr")),
        exp.Alias(this=_txt(label), alias=ident("label")),
    ]
    padded = list(nums) + [exp.Null()] * (6 - len(nums))
    cols += [exp.Alias(this=_dbl(v), alias=ident(f"a{i + 1}")) for i, v in enumerate(padded)]
    return cols


def _select(cols: list[exp.Expr], source: str, **parts: Any) -> exp.Select:
    s = exp.Select(expressions=cols)
    s.set("from_", exp.From(this=exp.Table(this=ident(source))))
    for k, v in parts.items():
        s.set(k, v)
    return s


def profile_query(
    project: Project,
    segment: ir.Segment,
    base: ir.Segment | None,
    plan: Plan,
    elements: dict[str, list[str]],
    dialect: str,
    as_of: dt.datetime,
    materialize: bool = False,
) -> exp.Expr:
    entity = project.catalog.entities[segment.entity]
    columns: list[tuple[str, ir.Value | ir.Cond]] = [
        ("in_s", segment.cond),
        ("in_b", base.cond if base is not None else ir.Literal(True)),
    ]
    columns += [(alias, attr) for alias, attr in plan.categorical]
    columns += [(alias, value) for alias, _, value in plan.classes]
    nullable_lists = capabilities(dialect).nullable_lists
    for alias, attr in plan.lists:
        # ClickHouse's arrays are never missing, only empty.
        missing: ir.Cond = ir.IsMissing(attr) if nullable_lists else ir.Literal(False)
        columns.append((f"{alias}_missing", missing))
        for k, element in enumerate(elements[alias]):
            columns.append(
                (f"{alias}_{k}", ir.ListHas("any", attr, (ir.Const(element, Type.STRING),)))
            )
    columns += [(alias, value) for alias, _, _, value in plan.numeric]
    rows_tree = values_query(entity.name, columns, project.catalog, dialect, as_of)
    taken = table_names(project)
    ctes, settings, (src,) = hoist([("profile_rows", rows_tree)], taken)
    if materialize:
        # Every branch below reads `profile_rows`: computed once, not once per branch.
        ctes[-1].set("materialized", True)
    s, b = col("in_s"), col("in_b")
    branches: list[exp.Select] = [
        _select(_row("total", "", exp.Null(), exp.Sum(this=s), exp.Sum(this=b)), src)
    ]
    texts = [(alias, attr.type) for alias, attr in plan.categorical]
    texts += [(alias, Type.STRING) for alias, _, _ in plan.classes]
    for alias, kind in texts:
        value: exp.Expr = col(alias)
        if kind is Type.BOOLEAN:
            value = exp.Case(
                ifs=[
                    exp.If(this=exp.EQ(this=col(alias), expression=exp.true()), true=_lit("true")),
                    exp.If(
                        this=exp.EQ(this=col(alias), expression=exp.false()), true=_lit("false")
                    ),
                ]
            )
        branches.append(
            _select(
                _row("cat", alias, value, exp.Sum(this=s.copy()), exp.Sum(this=b.copy())),
                src,
                group=exp.Group(expressions=[col(alias)]),
            )
        )
    for alias, _attr in plan.lists:
        names = [f"{alias}_missing"] + [f"{alias}_{k}" for k in range(len(elements[alias]))]
        labels: list[exp.Expr] = [exp.Null()] + [_n(k) for k in range(len(elements[alias]))]
        for name, label in zip(names, labels, strict=True):
            branches.append(
                _select(
                    _row(
                        "list",
                        alias,
                        label,
                        exp.Sum(this=exp.Mul(this=s.copy(), expression=col(name))),
                        exp.Sum(this=exp.Mul(this=b.copy(), expression=col(name))),
                    ),
                    src,
                )
            )
    for alias, _name, _kind, _value in plan.numeric:
        v = _dbl(col(alias))
        set_ = exp.Case(
            ifs=[
                exp.If(
                    this=exp.Not(this=exp.Is(this=col(alias), expression=exp.Null())), true=_n(1)
                )
            ],
            default=_n(0),
        )
        branches.append(
            _select(
                _row(
                    "num",
                    alias,
                    exp.Null(),
                    exp.Sum(this=exp.Mul(this=s.copy(), expression=set_.copy())),
                    exp.Sum(this=exp.Mul(this=b.copy(), expression=set_.copy())),
                    exp.Sum(this=exp.Mul(this=s.copy(), expression=v.copy())),
                    exp.Sum(this=exp.Mul(this=b.copy(), expression=v.copy())),
                    exp.Sum(
                        this=exp.Mul(
                            this=s.copy(), expression=exp.Mul(this=v.copy(), expression=v.copy())
                        )
                    ),
                    exp.Sum(
                        this=exp.Mul(
                            this=b.copy(), expression=exp.Mul(this=v.copy(), expression=v.copy())
                        )
                    ),
                ),
                src,
            )
        )
        for group, flag in (("s", "in_s"), ("b", "in_b")):
            ranked = exp.Select(
                expressions=[
                    exp.Alias(this=v.copy(), alias=ident("v")),
                    exp.Alias(
                        this=exp.Window(
                            this=exp.RowNumber(),
                            order=exp.Order(expressions=[exp.Ordered(this=col(alias))]),
                        ),
                        alias=ident("rn"),
                    ),
                    exp.Alias(this=exp.Window(this=exp.Count(this=exp.Star())), alias=ident("n")),
                ]
            )
            ranked.set("from_", exp.From(this=exp.Table(this=ident(src))))
            ranked.set(
                "where",
                exp.Where(
                    this=exp.And(
                        this=exp.EQ(this=col(flag), expression=_n(1)),
                        expression=exp.Not(this=exp.Is(this=col(alias), expression=exp.Null())),
                    )
                ),
            )
            near = []
            for k in (1, 2, 3):
                # 4(rn − 2) ≤ (n − 1)k < 4 rn: rn − 1 is ⌊h⌋ or ⌊h⌋ + 1 for h = (n − 1)k/4
                pos = exp.Mul(
                    this=exp.Paren(this=exp.Sub(this=col("n"), expression=_n(1))), expression=_n(k)
                )
                near.append(
                    exp.Paren(
                        this=exp.And(
                            this=exp.LTE(
                                this=exp.Mul(
                                    this=_n(4),
                                    expression=exp.Paren(
                                        this=exp.Sub(this=col("rn"), expression=_n(2))
                                    ),
                                ),
                                expression=pos,
                            ),
                            expression=exp.LT(
                                this=pos.copy(),
                                expression=exp.Mul(this=_n(4), expression=col("rn")),
                            ),
                        )
                    )
                )
            cond: exp.Expr = near[0]
            for c in near[1:]:
                cond = exp.Or(this=cond, expression=c)
            picked = exp.Select(
                expressions=_row("q", alias, _lit(group), col("rn"), col("n"), col("v"))
            )
            picked.set(
                "from_",
                exp.From(this=exp.Subquery(this=ranked, alias=exp.TableAlias(this=ident("r")))),
            )
            picked.set("where", exp.Where(this=cond))
            branches.append(picked)
    union: exp.Expr = branches[0]
    for br in branches[1:]:
        union = exp.Union(this=union, expression=br, distinct=False)
    out = exp.Select(expressions=[exp.Star()])
    out.set(
        "from_",
        exp.From(
            this=exp.Subquery(this=union, alias=exp.TableAlias(this=ident(fresh("parts", taken))))
        ),
    )
    out.set("with_", exp.With(expressions=ctes))
    if settings:
        out.set("settings", [exp.EQ(this=exp.column("join_use_nulls"), expression=_n(1))])
    return out
