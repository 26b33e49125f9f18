"""`segdsl profile`: who is in a segment, against the whole entity or another segment.

For each categorical attribute (text, yes/no) the values with their share in the
segment, in the base and the index (100 × ratio), and the missing shares; for each
list attribute the share holding each element; for each numeric attribute and each
measure the mean and the quartiles in both. Each section is sorted by how distinctive
each attribute is (see docs/measure.md).

The numbers come from one statement: the compiler's ``values_query`` gives each
entity's membership of both groups, the attributes and the measures (each event
source read once); UNION ALL branches over that relation count values, sum numbers
and pick the order statistics next to each quartile (ROW_NUMBER, integer arithmetic
only, so every engine agrees). The elements of list attributes are found first with a
small query over the entity's table.

Quartiles are pandas' default (linear interpolation, Hyndman & Fan type 7): with the
n values sorted x₁ ≤ … ≤ xₙ and h = (n − 1)·p, Q(p) = x_{⌊h⌋+1} + (h − ⌊h⌋)·(x_{⌊h⌋+2} − x_{⌊h⌋+1}).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from segdsl.semantic import ir
from segdsl.catalog import EntityDef
from segdsl.sql.compiler import col, ident, table_ref, to_sql, values_query
from segdsl.engines.base import Session
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.semantic.timecalc import now_utc
from segdsl.tools.measure.data import as_float, as_int, fresh, hoist, run, session_for, table_names
from segdsl.catalog.types import Type

TOP_VALUES = 10  # values shown per categorical attribute
MAX_ELEMENTS = 50  # elements counted per list attribute (the most frequent)
MAX_DISTINCT = 100  # a text attribute with more distinct values (names, e-mails) is skipped


@dataclass(frozen=True)
class ValueShare:
    value: str | None  # None: missing
    segment: int
    base: int
    segment_share: float
    base_share: float

    @property
    def index(self) -> float | None:
        return 100.0 * self.segment_share / self.base_share if self.base_share else None


@dataclass(frozen=True)
class Categorical:
    name: str
    kind: str  # "attribute" or "list"
    values: tuple[ValueShare, ...]  # top values (and the missing row), most common first
    missing_segment: float
    missing_base: float
    distinctiveness: float


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    q1: float | None
    median: float | None
    q3: float | None
    sd: float | None


@dataclass(frozen=True)
class Numeric:
    name: str
    kind: str  # "attribute" or "measure"
    segment: Summary
    base: Summary
    missing_segment: float
    missing_base: float
    distinctiveness: float


@dataclass
class Profile:
    segment: str
    base: str | None  # None: the whole entity
    entity: str
    as_of: dt.datetime
    segment_size: int
    base_size: int
    categorical: list[Categorical] = field(default_factory=list)
    lists: list[Categorical] = field(default_factory=list)
    numeric: list[Numeric] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # text attributes with too many values

    def to_json(self) -> dict[str, Any]:
        def cat(c: Categorical) -> dict[str, Any]:
            return {
                "name": c.name,
                "distinctiveness": _r(c.distinctiveness),
                "missing_segment": _r(c.missing_segment),
                "missing_base": _r(c.missing_base),
                "values": [
                    {
                        "value": v.value,
                        "segment": v.segment,
                        "base": v.base,
                        "segment_share": _r(v.segment_share),
                        "base_share": _r(v.base_share),
                        "index": _r(v.index),
                    }
                    for v in c.values
                ],
            }

        def summ(s: Summary) -> dict[str, Any]:
            return {
                "n": s.n,
                "mean": _r(s.mean),
                "q1": _r(s.q1),
                "median": _r(s.median),
                "q3": _r(s.q3),
                "sd": _r(s.sd),
            }

        return {
            "segment": self.segment,
            "base": self.base,
            "entity": self.entity,
            "as_of": self.as_of.isoformat(),
            "segment_size": self.segment_size,
            "base_size": self.base_size,
            "categorical": [cat(c) for c in self.categorical],
            "lists": [cat(c) for c in self.lists],
            "skipped": list(self.skipped),
            "numeric": [
                {
                    "name": n.name,
                    "kind": n.kind,
                    "distinctiveness": _r(n.distinctiveness),
                    "missing_segment": _r(n.missing_segment),
                    "missing_base": _r(n.missing_base),
                    "segment": summ(n.segment),
                    "base": summ(n.base),
                }
                for n in self.numeric
            ],
        }


def _r(x: float | None) -> float | None:
    if x is None or math.isnan(x) or math.isinf(x):
        return None
    return float(f"{x:.12g}")


# ---- which columns ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    categorical: list[tuple[str, ir.Attr]]  # (alias, attribute)
    lists: list[tuple[str, ir.Attr]]
    numeric: list[tuple[str, str, str, ir.Value]]  # (alias, name, kind, value)


def _plan(project: Project, entity: EntityDef) -> _Plan:
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
    return _Plan(cats, lists, nums)


# ---- list elements -------------------------------------------------------------------


def _elements(session: Session, entity: EntityDef, attr: ir.Attr) -> list[str]:
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
    rows = run(session, to_sql(outer, d, pretty=False, copy=False))
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
    return exp.Literal.number(v)


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
    plan: _Plan,
    elements: dict[str, list[str]],
    dialect: str,
    as_of: dt.datetime,
) -> exp.Expr:
    entity = project.catalog.entities[segment.entity]
    columns: list[tuple[str, ir.Value | ir.Cond]] = [
        ("in_s", segment.cond),
        ("in_b", base.cond if base is not None else ir.Literal(True)),
    ]
    columns += [(alias, attr) for alias, attr in plan.categorical]
    for alias, attr in plan.lists:
        columns.append((f"{alias}_missing", ir.IsMissing(attr)))
        for k, element in enumerate(elements[alias]):
            columns.append(
                (f"{alias}_{k}", ir.ListHas("any", attr, (ir.Const(element, Type.STRING),)))
            )
    columns += [(alias, value) for alias, _, _, value in plan.numeric]
    rows_tree = values_query(entity.name, columns, project.catalog, dialect, as_of)
    taken = table_names(project)
    ctes, settings = hoist([("profile_rows", rows_tree)], taken)
    src = "profile_rows"
    s, b = col("in_s"), col("in_b")
    branches: list[exp.Select] = [
        _select(_row("total", "", exp.Null(), exp.Sum(this=s), exp.Sum(this=b)), src)
    ]
    for alias, attr in plan.categorical:
        value: exp.Expr = col(alias)
        if attr.type is Type.BOOLEAN:
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


# ---- the command -----------------------------------------------------------------------


def _bad(code: str, message: str, hint: str) -> SegdslError:
    return SegdslError(Diagnostic(code, message, hint=hint))


def profile(
    project: Project,
    segment_name: str,
    base_name: str | None = None,
    as_of: dt.datetime | None = None,
    engine: str | None = None,
) -> Profile:
    """Profile ``segment_name`` against ``base_name`` (default: the whole entity)."""
    instant = as_of or now_utc()
    seg = project.segment(segment_name)
    if base_name is not None:
        base = project.segment(base_name)
        if base.entity != seg.entity:
            raise _bad(
                "M011",
                f"`{segment_name}` is a segment of {seg.entity} and `{base_name}` of {base.entity}",
                "compare with a segment of the same entity, or leave out --vs",
            )
    with session_for(project, engine) as (adapted, session):
        seg = adapted.segment(segment_name)
        base = adapted.segment(base_name) if base_name is not None else None
        entity = adapted.catalog.entities[seg.entity]
        plan = _plan(adapted, entity)
        elements = {alias: _elements(session, entity, attr) for alias, attr in plan.lists}
        tree = profile_query(adapted, seg, base, plan, elements, session.dialect, instant)
        rows = run(session, to_sql(tree, session.dialect, pretty=False, copy=False))
    return _assemble(seg, base_name, instant, plan, elements, rows)


def _assemble(
    seg: ir.Segment,
    base_name: str | None,
    instant: dt.datetime,
    plan: _Plan,
    elements: dict[str, list[str]],
    rows: list[tuple[Any, ...]],
) -> Profile:
    total = next(r for r in rows if r[0] == "total")
    n_s, n_b = as_int(total[3]), as_int(total[4])
    if n_s == 0:
        raise _bad(
            "M014",
            f"`{seg.name}` has no members at {instant.isoformat()}: nothing to profile",
            "check --as-of (`segdsl explain` shows why a segment is empty)",
        )
    if n_b == 0:
        raise _bad(
            "M014",
            f"the base `{base_name}` has no members at {instant.isoformat()}",
            "check --vs and --as-of",
        )
    out = Profile(seg.name, base_name, seg.entity, instant, n_s, n_b)
    by_part: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for r in rows:
        by_part.setdefault((str(r[0]), str(r[1])), []).append(r)
    for alias, attr in plan.categorical:
        shares = [
            ValueShare(
                None if r[2] is None else str(r[2]),
                as_int(r[3]),
                as_int(r[4]),
                as_int(r[3]) / n_s,
                as_int(r[4]) / n_b,
            )
            for r in by_part.get(("cat", alias), [])
        ]
        if sum(1 for v in shares if v.value is not None) > MAX_DISTINCT:
            out.skipped.append(attr.name)
            continue
        out.categorical.append(_categorical(attr.name, "attribute", shares))
    for alias, attr in plan.lists:
        shares = []
        for r in by_part.get(("list", alias), []):
            label = None if r[2] is None else elements[alias][int(str(r[2]))]
            shares.append(
                ValueShare(
                    label, as_int(r[3]), as_int(r[4]), as_int(r[3]) / n_s, as_int(r[4]) / n_b
                )
            )
        out.lists.append(_categorical(attr.name, "list", shares))
    for alias, name, kind, _value in plan.numeric:
        (num,) = by_part[("num", alias)]
        picks = by_part.get(("q", alias), [])
        summaries = []
        for g, k in (("s", 0), ("b", 1)):
            count = as_int(num[3 + k])
            mean = as_float(num[5 + k]) / count if count else None
            sd = None
            if count > 1 and mean is not None:
                var = (as_float(num[7 + k]) - count * mean * mean) / (count - 1)
                sd = math.sqrt(max(var, 0.0))
            order = {as_int(r[3]): as_float(r[5]) for r in picks if r[2] == g}
            q = [_quartile(order, count, k4) for k4 in (1, 2, 3)]
            summaries.append(Summary(count, mean, q[0], q[1], q[2], sd))
        s, b = summaries
        dist = 0.0
        if s.mean is not None and b.mean is not None:
            dist = abs(s.mean - b.mean) / b.sd if b.sd else (0.0 if s.mean == b.mean else math.inf)
        out.numeric.append(Numeric(name, kind, s, b, 1 - s.n / n_s, 1 - b.n / n_b, dist))
    out.categorical.sort(key=lambda c: (-c.distinctiveness, c.name))
    out.lists.sort(key=lambda c: (-c.distinctiveness, c.name))
    out.numeric.sort(key=lambda c: (-c.distinctiveness, c.name))
    return out


def _quartile(order: dict[int, float], n: int, k: int) -> float | None:
    """Q(k/4) by linear interpolation from the order statistics (1-based ranks)."""
    if n == 0:
        return None
    f, rem = divmod((n - 1) * k, 4)
    lo = order[f + 1]
    if rem == 0:
        return lo
    hi = order[f + 2]
    return lo + (rem / 4) * (hi - lo)


def _categorical(name: str, kind: str, shares: list[ValueShare]) -> Categorical:
    missing = next((v for v in shares if v.value is None), None)
    if kind == "attribute":
        # Total variation distance between the two distributions (missing a value).
        dist = 0.5 * sum(abs(v.segment_share - v.base_share) for v in shares)
    else:
        dist = max((abs(v.segment_share - v.base_share) for v in shares), default=0.0)
    present = [v for v in shares if v.value is not None and (v.segment or v.base)]
    present.sort(key=lambda v: (-v.segment, -v.base, v.value or ""))
    top = present[:TOP_VALUES]
    if missing is not None and (missing.segment or missing.base):
        top.append(missing)
    return Categorical(
        name,
        kind,
        tuple(top),
        missing.segment_share if missing else 0.0,
        missing.base_share if missing else 0.0,
        dist,
    )
