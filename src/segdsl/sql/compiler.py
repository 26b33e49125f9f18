"""Typed IR → one sqlglot expression tree → SQL text for any sqlglot dialect.

The shape of every statement::

    WITH agg_orders AS (            -- one grouped pass per event source, all aggregates
      SELECT customer_id, SUM(CASE WHEN … THEN 1 ELSE 0 END) AS purchase_count_90d, …
      FROM orders WHERE ordered_at <= <as-of> GROUP BY customer_id
    ), base AS (                    -- the entity with the attributes and aggregates used
      SELECT e.customer_id, e.age, COALESCE(agg_orders.purchase_count_90d, 0) AS …
      FROM customers AS e LEFT JOIN agg_orders ON e.customer_id = agg_orders.customer_id
    ), valued AS (                  -- only when a rule ranks: each ranked value X
      SELECT *, <X> AS rank_1_value FROM base
    ), ranks_1 AS (                 -- per distinct X: how many are strictly better, and n
      SELECT rank_1_value AS v, SUM(COUNT(*)) OVER (ORDER BY rank_1_value DESC) - COUNT(*)
        AS better, SUM(COUNT(*)) OVER () AS n FROM valued WHERE … IS NOT NULL GROUP BY …
    ), ranked AS (                  -- the counts joined back on X
      SELECT valued.*, ranks_1.better AS rank_1_better, … FROM valued LEFT JOIN ranks_1 …
    )
    SELECT customer_id FROM base WHERE <condition>

The meaning of each construct (sections 6–8 of the contract) is decided here, once:
two-valued truth, 0 for count/sum over no events, windows, calendar months, rankings.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, UnsupportedError
from sqlglot.expressions import DType

from segdsl.catalog.model import Catalog, EntityDef, EventDef, SourceTable
from segdsl.catalog.types import Type
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.semantic import ir
from segdsl.semantic.timecalc import minus, minus_date
from segdsl.sql.dialects import (
    Capabilities,
    capabilities,
    current_instant,
    dialect_name,
    minus_interval,
    timestamp_type,
    unsupported,
)

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")
_UNIT_ABBR = {"day": "d", "week": "w", "month": "m", "year": "y"}


# Words reserved in standard SQL and by most engines: a column or table with such a
# name must be quoted everywhere.
_RESERVED = frozenset(
    """all and any array as asc between both by case cast check collate column constraint
    create cross current_date current_time current_timestamp current_user default delete
    desc distinct drop else end except exists false fetch for foreign from full grant group
    having in inner insert intersect interval into is join lateral leading left like limit
    natural not null offset on or order outer over partition primary range references right
    rows select session_user some table then to trailing true union unique update user using
    values when where window with
    add alter analyze anti asof autoincrement begin binary commit deferrable describe do
    escape glob if ignore ilike index initially isnull key map nothing notnull overlaps
    partitioned_by pivot qualify raise regexp returning revoke rlike rollback semi set show
    straight_join tablesample transaction uncache unpivot xor""".split()
)


def ident(name: str) -> exp.Identifier:
    """An identifier, quoted only when it must be: not a plain lower-case name, or a
    reserved word."""
    return exp.Identifier(this=name, quoted=_must_quote(name))


@functools.lru_cache(maxsize=4096)
def _must_quote(name: str) -> bool:
    return not _PLAIN.match(name) or name in _RESERVED


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def table_ref(src: SourceTable, alias: str | None = None) -> exp.Table:
    parts = src.parts
    t = exp.Table(
        this=ident(parts[-1]),
        db=ident(parts[-2]) if len(parts) >= 2 else None,
        catalog=ident(parts[-3]) if len(parts) >= 3 else None,
    )
    if alias:
        t.set("alias", exp.TableAlias(this=ident(alias)))
    return t


# ---- literals and the as-of instant ------------------------------------------------


def literal(value: ir.Scalar, t: Type, dialect: str | None = None) -> exp.Expr:
    if t is Type.BOOLEAN:
        return exp.true() if value else exp.false()
    if t is Type.STRING:
        return exp.Literal.string(str(value))
    if t is Type.DATE:
        assert isinstance(value, dt.date)
        return _cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    if t is Type.TIMESTAMP:
        assert isinstance(value, dt.datetime)
        to = (
            timestamp_type(capabilities(dialect), dialect)
            if dialect
            else exp.DataType.Type.TIMESTAMP
        )
        return _cast(exp.Literal.string(value.isoformat(sep=" ")), to)
    if isinstance(value, bool):  # pragma: no cover - booleans handled above
        raise TypeError(value)
    if isinstance(value, int):
        return _num(value) if value >= 0 else exp.Neg(this=_num(-value))
    dec = Decimal(str(value))
    text = format(dec.normalize(), "f") if dec == dec.to_integral_value() else format(dec, "f")
    if dec < 0:
        return exp.Neg(this=_num(text.lstrip("-")))
    return _num(text)


@dataclass(frozen=True)
class AsOf:
    """The as-of instant T: a literal when known, else the engine's current time."""

    instant: dt.datetime | None
    # The dialect decides the literal's type and, without an instant, how the current
    # UTC time and intervals are spelled (dialects.current_instant, minus_interval).
    dialect: str | None = None

    def now(self, t: Type) -> exp.Expr:
        if self.instant is None:
            return current_instant(capabilities(self.dialect or ""), t)
        if t is Type.DATE:
            return literal(self.instant.date(), Type.DATE)
        return literal(self.instant, Type.TIMESTAMP, self.dialect)

    def ago(self, d: ir.Duration, t: Type) -> exp.Expr:
        if self.instant is not None:
            if t is Type.DATE:
                return literal(minus_date(self.instant.date(), d), Type.DATE)
            return literal(minus(self.instant, d), Type.TIMESTAMP, self.dialect)
        caps = capabilities(self.dialect or "")
        return minus_interval(caps, self.now(t), d.amount, d.unit, t)

    def sort_key(self, d: ir.Duration) -> dt.datetime | None:
        return minus(self.instant, d) if self.instant is not None else None


# ---- collecting what a statement needs ---------------------------------------------


@dataclass
class _Needs:
    attrs: dict[str, ir.Attr] = field(default_factory=dict)
    aggregates: dict[ir.Aggregate, str] = field(default_factory=dict)
    ranks: dict[ir.Rank, str] = field(default_factory=dict)
    sequences: dict[ir.Sequence, str] = field(default_factory=dict)


def _collect(conds: Iterable[ir.Cond], needs: _Needs) -> None:
    for cond in conds:
        _collect_node(cond, needs)


def _collect_node(node: ir.Cond | ir.Value, needs: _Needs) -> None:
    for v in ir.walk_values(node):
        if isinstance(v, ir.Attr):
            needs.attrs.setdefault(v.name, v)
        elif isinstance(v, ir.Aggregate):
            needs.aggregates.setdefault(v, "")
    for c in _walk_conds(node):
        if isinstance(c, ir.Rank):
            needs.ranks.setdefault(c, "")
        elif isinstance(c, ir.Sequence):
            needs.sequences.setdefault(c, "")


def _walk_conds(node: ir.Cond | ir.Value) -> list[ir.Cond]:
    out: list[ir.Cond] = []

    def visit(n: ir.Cond) -> None:
        out.append(n)
        if isinstance(n, ir.Not):
            visit(n.operand)
        elif isinstance(n, ir.And | ir.Or):
            for item in n.items:
                visit(item)
        elif isinstance(n, ir.InSegment):
            visit(n.cond)

    if isinstance(node, ir.Cond):
        visit(node)
    return out


def _agg_alias(agg: ir.Aggregate) -> str:
    func = {"count_distinct": "distinct"}.get(agg.func, agg.func)
    parts = [agg.event, func]
    if agg.field is not None:
        parts.append(agg.field.name)
    if agg.window is not None:
        parts.append(f"{agg.window.amount}{_UNIT_ABBR[agg.window.unit]}")
    if agg.until is not None:
        parts.append(f"to{agg.until.amount}{_UNIT_ABBR[agg.until.unit]}")
    if agg.where is not None:
        parts.append("if")
    return "_".join(parts)


def _num(n: int | str) -> exp.Literal:
    """A non-negative number literal (``exp.Literal.number`` also checks the sign by
    converting the text back: slow, and never needed here)."""
    return exp.Literal(this=str(n), is_string=False)


def _connect(kind: type[exp.Connector], parts: Iterable[exp.Expr]) -> exp.Expr:
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


def _and(*parts: exp.Expr) -> exp.Expr:
    return _connect(exp.And, parts)


def _or(*parts: exp.Expr) -> exp.Expr:
    return _connect(exp.Or, parts)


def _select(
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


def _add(select: exp.Select, *columns: exp.Expr) -> exp.Select:
    for c in columns:
        select.append("expressions", c)
    return select


def _alias(e: exp.Expr, name: exp.Identifier) -> exp.Alias:
    # The builders exp.alias_/exp.cast copy their argument; the compiler builds each
    # node once, so it makes them directly (compile speed).
    return exp.Alias(this=e, alias=name)


def _cast(e: exp.Expr, to: DType | exp.DataType) -> exp.Cast:
    return exp.Cast(this=e, to=to if isinstance(to, exp.DataType) else exp.DataType(this=to))


def _seq_alias(seq: ir.Sequence) -> str:
    return f"{seq.first}_then_{'not_' if seq.absent else ''}{seq.second}"


def _number(value: Decimal) -> exp.Expr:
    return literal(value, Type.NUMBER)


EARTH_RADIUS_KM = Decimal("6371.0088")
# `within D km` holds up to 1 mm beyond D, so that a point on the circle is inside on
# every engine, whatever the last bit of its sine.
DISTANCE_TOLERANCE_KM = Decimal("0.000001")


def haversine_limit(km: Decimal) -> Decimal | None:
    """hav((D + tolerance) / R), or None when the circle covers the whole globe."""
    angle = float(km + DISTANCE_TOLERANCE_KM) / float(EARTH_RADIUS_KM)
    if angle >= math.pi:
        return None
    return Decimal(repr(math.sin(angle / 2) ** 2))


def sample_threshold(percent: Decimal) -> int | None:
    """Members of `sample P%` are the keys whose hash, read as a 32-bit number, is
    below this threshold; None for 0%."""
    t = int(Fraction(percent) * (1 << 32) / 100)
    return t if t > 0 else None


def _table_names(catalog: Catalog) -> set[str]:
    """Every part of every table name the catalog reads, lower-cased."""
    sources = [e.source for e in catalog.entities.values()]
    sources += [e.source for e in catalog.events.values()]
    return {part.lower() for src in sources for part in src.parts}


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name = f"{base}_{n}"
        n += 1
    taken.add(name)
    return name


# ---- the statement builder ---------------------------------------------------------


class _Builder:
    def __init__(self, catalog: Catalog, entity: EntityDef, as_of: AsOf, dialect: str) -> None:
        self.catalog = catalog
        self.entity = entity
        self.as_of = as_of
        self.dialect = dialect
        self.caps: Capabilities = capabilities(dialect)
        self.needs = _Needs()
        # Segments whose membership is a column of an earlier layer (--membership).
        self.computed: dict[str, str] = {}
        self.columns: set[str] = set()  # set by plan()
        # The statement's own relations (CTEs) must not take the name of a table the
        # catalog reads: `FROM agg_orders` would read the CTE instead of the table.
        self.ctes: set[str] = {"e"} | _table_names(catalog)
        self.base_name = _unique("base", self.ctes)
        self.valued_name = _unique("valued", self.ctes)
        self.ranked_name = _unique("ranked", self.ctes)

    # -- values -----------------------------------------------------------------------------
    def value(self, v: ir.Value, event: EventDef | None = None) -> exp.Expr:
        if isinstance(v, ir.Const):
            return literal(v.value, v.type, self.dialect)
        if isinstance(v, ir.Ago):
            return self.as_of.ago(v.duration, v.type)
        if isinstance(v, ir.Attr):
            return col(v.name)
        if isinstance(v, ir.EventField):
            return col(v.column)
        if isinstance(v, ir.Aggregate):
            return col(self.needs.aggregates[v])
        if isinstance(v, ir.MeasureRef):
            return self.value(v.expr, event)
        if isinstance(v, ir.Neg):
            return exp.Neg(this=self._operand(v.operand, event))
        if isinstance(v, ir.Arith):
            left = self._operand(v.left, event)
            right = self._operand(v.right, event)
            if v.op == "+":
                return exp.Add(this=left, expression=right)
            if v.op == "-":
                return exp.Sub(this=left, expression=right)
            if v.op == "*":
                return exp.Mul(this=left, expression=right)
            # Real division; division by zero gives a missing value.
            return exp.Div(
                this=_cast(left, exp.DataType.Type.DOUBLE),
                expression=exp.Nullif(this=right, expression=_num(0)),
            )
        raise TypeError(f"cannot compile {v!r}")  # pragma: no cover

    def _operand(self, v: ir.Value, event: EventDef | None) -> exp.Expr:
        out = self.value(v, event)
        if isinstance(v, ir.Arith | ir.Neg) or (
            isinstance(v, ir.MeasureRef) and isinstance(v.expr, ir.Arith | ir.Neg)
        ):
            return exp.Paren(this=out)
        return out

    # -- conditions -----------------------------------------------------------------------------
    def cond(self, c: ir.Cond, safe: bool, event: EventDef | None = None) -> exp.Expr:
        """SQL for a condition. With ``safe``, the result is never NULL (it is used under
        `not` or as a value); without it, NULL may stand for false (a positive context,
        where SQL's three-valued logic gives the same answer)."""
        if isinstance(c, ir.And):
            return _and(*(self.cond(x, safe, event) for x in c.items))
        if isinstance(c, ir.Or):
            return _or(*(self.cond(x, safe, event) for x in c.items))
        if isinstance(c, ir.Not):
            inner = c.operand
            while isinstance(inner, ir.InSegment) and inner.name not in self.computed:
                inner = inner.cond
            if isinstance(inner, ir.Not):  # not not C is C
                return self.cond(inner.operand, safe, event)
            return exp.not_(self.cond(c.operand, True, event), copy=False)
        if isinstance(c, ir.InSegment):
            if c.name in self.computed:
                # Already a (never missing) column of an earlier layer: reuse it.
                return col(self.computed[c.name])
            return self.cond(c.cond, safe, event)
        if isinstance(c, ir.Literal):
            return exp.true() if c.value else exp.false()
        if isinstance(c, ir.IsMissing):
            if c.left.type.is_list and not self.caps.nullable_lists:
                raise unsupported(
                    self.dialect,
                    "a missing list (`is missing` / `is set` on a list attribute)",
                    hint="its arrays are never missing, only empty: use `has any (…)`",
                )
            return exp.Is(this=self.value(c.left, event), expression=exp.Null())
        if isinstance(c, ir.Rank):
            return self._rank_cond(c)
        if isinstance(c, ir.Sequence):
            # A 0/1 column of `base`, never missing.
            return exp.EQ(this=col(self.needs.sequences[c]), expression=_num(1))
        if isinstance(c, ir.Sample):
            return self._sample(c)
        pred, nullable = self._atom(c, event)
        if safe and nullable:
            return exp.Coalesce(this=pred, expressions=[exp.false()])
        return pred

    def _atom(self, c: ir.Cond, event: EventDef | None) -> tuple[exp.Expr, bool]:
        if isinstance(c, ir.Compare):
            left = self.value(c.left, event)
            right = self.value(c.right, event)
            node: exp.Expr = {
                "=": exp.EQ,
                "<": exp.LT,
                "<=": exp.LTE,
                ">": exp.GT,
                ">=": exp.GTE,
            }[c.op](this=left, expression=right)
            return node, c.left.nullable or c.right.nullable
        if isinstance(c, ir.Between):
            between: exp.Expr = exp.Between(
                this=self.value(c.left, event),
                low=self.value(c.low, event),
                high=self.value(c.high, event),
            )
            return between, c.left.nullable
        if isinstance(c, ir.InValues):
            if not c.values:
                return exp.false(), False
            in_: exp.Expr = exp.In(
                this=self.value(c.left, event),
                expressions=[self.value(v, event) for v in c.values],
            )
            return in_, c.left.nullable
        if isinstance(c, ir.TextMatch):
            return self._text(c, event), c.left.nullable
        if isinstance(c, ir.ListHas):
            return self._list_has(c, event), c.left.nullable
        if isinstance(c, ir.InLast):
            left = self.value(c.left, event)
            t = c.left.type
            window: exp.Expr = _and(
                exp.GT(this=left, expression=self.as_of.ago(c.duration, t)),
                exp.LTE(this=left.copy(), expression=self.as_of.now(t)),
            )
            return window, c.left.nullable
        if isinstance(c, ir.IsTrue):
            return exp.EQ(this=self.value(c.value, event), expression=exp.true()), c.value.nullable
        if isinstance(c, ir.Within):
            return self._within(c), True
        raise TypeError(f"cannot compile {c!r}")  # pragma: no cover

    def _text(self, c: ir.TextMatch, event: EventDef | None) -> exp.Expr:
        # Characters, not bytes: ClickHouse spells the functions with a UTF8 suffix.
        utf8 = self.caps.utf8_text

        def fn(generic: type[exp.Func], name: str, **args: exp.Expr) -> exp.Expr:
            if utf8:
                return exp.Anonymous(this=name + "UTF8", expressions=list(args.values()))
            return generic(**args)

        subject = fn(exp.Lower, "lower", this=self.value(c.left, event))
        needle = fn(exp.Lower, "lower", this=exp.Literal.string(c.text))
        n = len(c.text)
        if c.op == "contains":
            return exp.GT(
                this=fn(exp.StrPosition, "position", this=subject, substr=needle),
                expression=_num(0),
            )
        if c.op == "starts":
            return exp.EQ(
                this=fn(
                    exp.Substring,
                    "substring",
                    this=subject,
                    start=_num(1),
                    length=_num(n),
                ),
                expression=needle,
            )
        # ends with: compare the last n characters (guarded so the start is ≥ 1).
        length = fn(exp.Length, "length", this=subject.copy())
        start = exp.Add(
            this=exp.Sub(this=length, expression=_num(n)),
            expression=_num(1),
        )
        return _and(
            exp.GTE(this=length.copy(), expression=_num(n)),
            exp.EQ(
                this=fn(exp.Substring, "substring", this=subject.copy(), start=start),
                expression=needle,
            ),
        )

    def _list_has(self, c: ir.ListHas, event: EventDef | None) -> exp.Expr:
        subject = self.value(c.left, event)
        if not c.values:
            # `has any ()` holds for no one; `has all ()` for everyone whose list is set.
            if c.mode == "any":
                return exp.false()
            if not self.caps.nullable_lists:
                raise unsupported(
                    self.dialect,
                    "`has all ()` (true for every list that is set)",
                    hint="its arrays are never missing, only empty",
                )
            return exp.Not(this=exp.Is(this=subject, expression=exp.Null()))
        if self.caps.lists is None:
            raise unsupported(self.dialect, "list attributes (`has`)")
        parts: list[exp.Expr] = []
        for v in dict.fromkeys(c.values):
            item = self.value(v, event)
            if self.caps.lists == "json":
                probe = (
                    exp.select(_num(1))
                    .from_(
                        exp.Anonymous(this="json_each", expressions=[subject.copy()]), copy=False
                    )
                    .where(exp.EQ(this=exp.column("value"), expression=item), copy=False)
                )
                parts.append(exp.Exists(this=probe))
            else:
                parts.append(exp.ArrayContains(this=subject.copy(), expression=item))
        if c.mode == "any":
            node = _or(*parts) if len(parts) > 1 else parts[0]
        else:
            node = _and(*parts) if len(parts) > 1 else parts[0]
        if self.caps.lists == "json":
            # A missing list has no rows in json_each: keep the positive form false.
            node = _and(exp.Not(this=exp.Is(this=subject.copy(), expression=exp.Null())), node)
        return node

    def _rank_cond(self, c: ir.Rank) -> exp.Expr:
        alias = self.needs.ranks[c]
        frac = Fraction(c.percent)
        # member ⇔ X is set and (#strictly better) < P/100 · n, in exact integers:
        #        better · 100 · den < num · n
        lhs = exp.Mul(
            this=col(alias + "_better"),
            expression=_num(100 * frac.denominator),
        )
        rhs = exp.Mul(this=_num(frac.numerator), expression=col(alias + "_n"))
        parts: list[exp.Expr] = [
            exp.Not(this=exp.Is(this=col(alias + "_value"), expression=exp.Null())),
            exp.LT(this=lhs, expression=rhs),
        ]
        if c.per is not None:
            # Entities whose group is missing are in no group.
            parts.insert(0, exp.Not(this=exp.Is(this=col(c.per.name), expression=exp.Null())))
        return _and(*parts)

    def _within(self, c: ir.Within) -> exp.Expr:
        """Haversine: hav(d/R) = sin²(Δφ/2) + cos φ · cos φ0 · sin²(Δλ/2), compared with
        hav((D + 1 mm)/R) computed here, so each row needs only SIN and COS."""
        lat = _cast(col(c.lat.name), exp.DataType.Type.DOUBLE)
        lon = _cast(col(c.lon.name), exp.DataType.Type.DOUBLE)
        half_rad = Decimal(repr(math.pi / 360))

        def sin_sq(v: exp.Expr, center: Decimal) -> exp.Expr:
            arg = exp.Mul(
                this=exp.Paren(this=exp.Sub(this=v, expression=_number(center))),
                expression=_number(half_rad),
            )
            return exp.Mul(this=exp.Sin(this=arg), expression=exp.Sin(this=arg.copy()))

        cos_lat = exp.Cos(this=exp.Mul(this=lat.copy(), expression=_number(2 * half_rad)))
        cos_center = Decimal(repr(math.cos(math.radians(float(c.center_lat)))))
        h = exp.Add(
            this=sin_sq(lat, c.center_lat),
            expression=exp.Mul(
                this=exp.Mul(this=cos_lat, expression=_number(cos_center)),
                expression=sin_sq(lon, c.center_lon),
            ),
        )
        limit = haversine_limit(c.km)
        if limit is None:  # the whole globe
            return _and(
                exp.Not(this=exp.Is(this=lat.copy(), expression=exp.Null())),
                exp.Not(this=exp.Is(this=lon.copy(), expression=exp.Null())),
            )
        return exp.LTE(this=h, expression=_number(limit))

    def _sample(self, c: ir.Sample) -> exp.Expr:
        threshold = sample_threshold(c.percent)
        if threshold is None:
            return exp.false()
        if threshold >= 1 << 32:
            return exp.true()
        if not self.caps.md5_hex:
            raise unsupported(self.dialect, "`sample` (MD5 as hexadecimal text)")
        text = exp.Concat(
            expressions=[
                exp.Literal.string(c.seed + ":"),
                _cast(col(c.key), exp.DataType.Type.VARCHAR),
            ]
        )
        prefix = exp.Substring(this=exp.MD5(this=text), start=_num(1), length=_num(8))
        return exp.LT(this=prefix, expression=exp.Literal.string(f"{threshold:08x}"))

    def _plus(self, ts: exp.Expr, d: ir.Duration, t: Type) -> exp.Expr:
        """``ts + d`` per row, for a fixed-length ``d`` (days or weeks)."""
        days = d.amount * (7 if d.unit == "week" else 1)
        how = self.caps.time_add
        if how == "sqlite":
            shift = exp.Literal.string(f"+{days} days")
            if t is Type.DATE:
                return exp.Anonymous(this="date", expressions=[ts, shift])
            # %f keeps milliseconds (DATETIME() would drop the fraction of a second).
            fmt = exp.Literal.string("%Y-%m-%d %H:%M:%f")
            return exp.Anonymous(this="strftime", expressions=[fmt, ts, shift])
        if how == "dateadd":
            return exp.DateAdd(this=ts, expression=_num(days), unit=exp.Var(this="DAY"))
        return exp.Add(
            this=ts,
            expression=exp.Interval(this=exp.Literal.string(str(days)), unit=exp.Var(this="DAY")),
        )

    def _sequence_cte(self, s: ir.Sequence) -> exp.Select:
        """One row per entity with ``seq_hit`` = 1 when the sequence holds.

        The matching E1 and E2 rows are stacked (E2 tagged 0, E1 tagged 1) and ordered
        by time, E2 before E1 at equal times; for each E1 row, the smallest E2 time
        among the rows after it is the first E2 strictly later — no per-entity loop and
        no self-join."""
        first = self.catalog.events[s.first]
        second = self.catalog.events[s.second]
        t = first.timestamp_type

        def rows(ev: EventDef, tag: int, extra: list[exp.Expr]) -> exp.Select:
            conds: list[exp.Expr] = []
            if ev.kind is not None:
                conds.append(
                    exp.EQ(this=col(ev.kind[0]), expression=exp.Literal.string(ev.kind[1]))
                )
            conds.append(exp.LTE(this=col(ev.timestamp), expression=self.as_of.now(t)))
            conds.extend(extra)
            return (
                exp.select(
                    _alias(col(ev.key), ident("seq_key")),
                    _alias(col(ev.timestamp), ident("seq_ts")),
                    _alias(_num(tag), ident("seq_tag")),
                )
                .from_(table_ref(ev.source), copy=False)
                .where(_and(*conds), copy=False)
            )

        ts = col(first.timestamp)
        e1: list[exp.Expr] = []
        e2: list[exp.Expr] = []
        if s.window is not None:
            lower = self.as_of.ago(s.window, t)
            e1.append(exp.GT(this=ts.copy(), expression=lower))
            # An E2 counts only after some E1, so never before the window starts.
            e2.append(exp.GT(this=col(second.timestamp), expression=lower.copy()))
        if s.until is not None:
            e1.append(exp.LTE(this=ts.copy(), expression=self.as_of.ago(s.until, t)))
        if s.absent:
            # Only an E1 whose follow-up time has fully elapsed at T can show an absence.
            e1.append(exp.LTE(this=ts.copy(), expression=self.as_of.ago(s.within, t)))
        if s.first_where is not None:
            e1.append(self.cond(s.first_where, False, first))
        if s.second_where is not None:
            e2.append(self.cond(s.second_where, False, second))
        stacked = exp.union(rows(second, 0, e2), rows(first, 1, e1), distinct=False)
        later = exp.Window(
            this=exp.Min(
                this=exp.Case(
                    ifs=[
                        exp.If(
                            this=exp.EQ(this=col("seq_tag"), expression=_num(0)),
                            true=col("seq_ts"),
                        )
                    ]
                )
            ),
            partition_by=[col("seq_key")],
            order=exp.Order(
                expressions=[
                    # Neither is ever NULL; NULLS FIRST is the order every dialect
                    # can spell (BigQuery has no NULLS LAST in window functions).
                    exp.Ordered(this=col("seq_ts"), nulls_first=True),
                    exp.Ordered(this=col("seq_tag"), nulls_first=True),
                ]
            ),
            spec=exp.WindowSpec(
                kind="ROWS",
                start=_num(1),
                start_side="FOLLOWING",
                end="UNBOUNDED",
                end_side="FOLLOWING",
            ),
        )
        ordered = exp.select(
            col("seq_key"), col("seq_ts"), col("seq_tag"), _alias(later, ident("seq_next"))
        ).from_(exp.Subquery(this=stacked, alias=exp.TableAlias(this=ident("seq_rows"))))
        limit = self._plus(col("seq_ts"), s.within, t)
        if s.absent:
            hit: exp.Expr = _or(
                exp.Is(this=col("seq_next"), expression=exp.Null()),
                exp.GT(this=col("seq_next"), expression=limit),
            )
        else:
            hit = exp.LTE(this=col("seq_next"), expression=limit)
        flag = exp.Case(
            ifs=[
                exp.If(
                    this=_and(
                        exp.EQ(this=col("seq_tag"), expression=_num(1)),
                        exp.Paren(this=hit),
                    ),
                    true=_num(1),
                )
            ],
            default=_num(0),
        )
        return (
            exp.select(col("seq_key"), _alias(exp.Max(this=flag), ident("seq_hit")))
            .from_(
                exp.Subquery(this=ordered, alias=exp.TableAlias(this=ident("seq_ordered"))),
                copy=False,
            )
            .group_by(col("seq_key"), copy=False)
        )

    # -- the relations ----------------------------------------------------------------------------
    def plan(self, conds: list[ir.Cond]) -> None:
        _collect(conds, self.needs)
        taken = {self.entity.key, *self.needs.attrs}
        for agg in self.needs.aggregates:
            self.needs.aggregates[agg] = _unique(_agg_alias(agg), taken)
        for i, rank in enumerate(self.needs.ranks, start=1):
            self.needs.ranks[rank] = _unique(f"rank_{i}", taken)
        for seq in self.needs.sequences:
            self.needs.sequences[seq] = _unique(_seq_alias(seq), taken)
        taken |= {r + sfx for r in self.needs.ranks.values() for sfx in ("_value", "_better", "_n")}
        # Every column name of `base`/`ranked`: new columns (layers) must avoid them.
        self.columns = taken

    def _event_groups(self) -> dict[tuple[SourceTable, str], list[ir.Aggregate]]:
        groups: dict[tuple[SourceTable, str], list[ir.Aggregate]] = {}
        for agg in self.needs.aggregates:
            ev = self.catalog.events[agg.event]
            groups.setdefault((ev.source, ev.key), []).append(agg)
        return groups

    def _agg_sql(self, agg: ir.Aggregate, multi_kind: bool) -> exp.Expr:
        ev = self.catalog.events[agg.event]
        conds: list[exp.Expr] = []
        if multi_kind and ev.kind is not None:
            conds.append(exp.EQ(this=col(ev.kind[0]), expression=exp.Literal.string(ev.kind[1])))
        if agg.window is not None:
            conds.append(
                exp.GT(
                    this=col(ev.timestamp),
                    expression=self.as_of.ago(agg.window, ev.timestamp_type),
                )
            )
        if agg.until is not None:
            conds.append(
                exp.LTE(
                    this=col(ev.timestamp),
                    expression=self.as_of.ago(agg.until, ev.timestamp_type),
                )
            )
        if agg.where is not None:
            conds.append(self.cond(agg.where, False, ev))
        cond = _and(*conds) if conds else None

        def when(then: exp.Expr, other: exp.Expr | None = None) -> exp.Expr:
            if cond is None:
                return then
            # (each aggregate calls this once: the condition needs no copy)
            case = exp.Case(ifs=[exp.If(this=cond, true=then)])
            if other is not None:
                case.set("default", other)
            return case

        f = agg.func
        if f == "count":
            if cond is None:
                return exp.Count(this=exp.Star())
            return exp.Sum(this=when(_num(1), _num(0)))
        if f in ("first", "last"):
            target = col(ev.timestamp)
            inner = when(target)
            return exp.Min(this=inner) if f == "first" else exp.Max(this=inner)
        assert agg.field is not None
        inner = when(col(agg.field.column))
        if f == "count_distinct":
            return exp.Count(this=exp.Distinct(expressions=[inner]))
        return {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}[f](this=inner)

    def _group_cte(self, src: SourceTable, key: str, aggs: list[ir.Aggregate]) -> exp.Select:
        events: list[EventDef] = list(dict.fromkeys(self.catalog.events[a.event] for a in aggs))
        multi_kind = len(events) > 1
        select = _select(
            col(key),
            *(
                _alias(self._agg_sql(agg, multi_kind), ident(self.needs.aggregates[agg]))
                for agg in aggs
            ),
            from_=table_ref(src),
            group=[col(key)],
        )
        filters: list[exp.Expr] = []
        for ev in events:
            parts: list[exp.Expr] = []
            if ev.kind is not None:
                parts.append(
                    exp.EQ(this=col(ev.kind[0]), expression=exp.Literal.string(ev.kind[1]))
                )
            # Events stamped after the as-of instant do not exist for this evaluation.
            parts.append(
                exp.LTE(this=col(ev.timestamp), expression=self.as_of.now(ev.timestamp_type))
            )
            lower = self._common_lower_bound([a for a in aggs if a.event == ev.name], ev)
            if lower is not None:
                parts.append(exp.GT(this=col(ev.timestamp), expression=lower))
            filters.append(_and(*parts))
        select.set("where", exp.Where(this=_or(*filters)))
        return select

    def _common_lower_bound(self, aggs: list[ir.Aggregate], ev: EventDef) -> exp.Expr | None:
        """When every aggregate of an event has a window, rows older than the widest
        window are read by none of them: filter them out before grouping."""
        if not aggs or any(a.window is None for a in aggs):
            return None
        windows = {a.window for a in aggs if a.window is not None}
        if self.as_of.instant is None:
            if len({w.unit for w in windows}) != 1:
                return None
            widest = max(windows, key=lambda w: w.amount)
        else:
            widest = min(windows, key=lambda w: (self.as_of.sort_key(w), w.amount, w.unit))
        return self.as_of.ago(widest, ev.timestamp_type)

    def base(self) -> tuple[exp.Select, list[tuple[str, exp.Select]]]:
        """The `base` relation (entity + attributes + aggregates) and the group CTEs."""
        key = self.entity.key
        alias_all = self.caps.alias_join_columns
        select = _select(_alias(col(key, "e"), ident(key)) if alias_all else col(key, "e"))
        for name, attr in self.needs.attrs.items():
            if name == key and attr.column == key:
                continue  # the key is selected already
            column = col(attr.column, "e")
            _add(
                select,
                column if attr.column == name and not alias_all else _alias(column, ident(name)),
            )
        ctes: list[tuple[str, exp.Select]] = []
        joins: list[tuple[str, str]] = []
        taken = self.ctes
        for (src, ev_key), aggs in self._event_groups().items():
            cte_name = _unique("agg_" + re.sub(r"\W", "_", src.parts[-1]).lower(), taken)
            ctes.append((cte_name, self._group_cte(src, ev_key, aggs)))
            joins.append((cte_name, ev_key))
            for agg in aggs:
                alias = self.needs.aggregates[agg]
                ref: exp.Expr = col(alias, cte_name)
                if agg.func in ("count", "count_distinct", "sum"):
                    ref = exp.Coalesce(this=ref, expressions=[_num(0)])
                _add(select, _alias(ref, ident(alias)))
        for seq, alias in self.needs.sequences.items():
            cte_name = _unique(alias, taken)
            ctes.append((cte_name, self._sequence_cte(seq)))
            joins.append((cte_name, "seq_key"))
            hit = exp.Coalesce(this=col("seq_hit", cte_name), expressions=[_num(0)])
            _add(select, _alias(hit, ident(alias)))
        select.set("from_", exp.From(this=table_ref(self.entity.source, "e")))
        for cte_name, ev_key in joins:
            # Built directly: Select.join() would run sqlglot's parser on its arguments.
            select.append(
                "joins",
                exp.Join(
                    this=exp.Table(this=ident(cte_name)),
                    on=exp.EQ(this=col(key, "e"), expression=col(ev_key, cte_name)),
                    side="LEFT",
                ),
            )
        return select, ctes

    def ranked(self) -> list[tuple[str, exp.Select]]:
        """The CTEs that rank (none when no rule ranks): ``valued`` adds each ranked
        value X to ``base``; ``ranks_N`` groups by the distinct values of X (and the
        group G) and counts, per value, the entities strictly better (a running sum
        over the distinct values only, not a sort of every entity); ``ranked`` joins
        those counts back on X."""
        if not self.needs.ranks:
            return []
        vname = self.valued_name
        valued = _select(exp.Star(), from_=exp.Table(this=ident(self.base_name)))
        ranked = _select(
            exp.Column(this=exp.Star(), table=ident(vname)),
            from_=exp.Table(this=ident(vname)),
        )
        ctes: list[tuple[str, exp.Select]] = []
        for i, (rank, alias) in enumerate(self.needs.ranks.items(), start=1):
            value = alias + "_value"
            _add(valued, _alias(self.value(rank.by), ident(value)))
            per = rank.per.name if rank.per is not None else None
            cte = _unique(f"ranks_{i}", self.ctes)
            ctes.append((cte, self._rank_cte(value, per, rank.direction == "top")))
            on: exp.Expr = exp.EQ(this=col(value, vname), expression=col("v", cte))
            if per is not None:
                on = _and(on, exp.EQ(this=col(per, vname), expression=col("g", cte)))
            ranked.append("joins", exp.Join(this=exp.Table(this=ident(cte)), on=on, side="LEFT"))
            _add(
                ranked,
                _alias(col("better", cte), ident(alias + "_better")),
                _alias(col("n", cte), ident(alias + "_n")),
            )
        return [(vname, valued), *ctes, (self.ranked_name, ranked)]

    def _rank_cte(self, value: str, per: str | None, desc: bool) -> exp.Select:
        """Per distinct value v of X (within group g): how many entities have a
        strictly better X (``better``) and how many have X set (``n``)."""
        group = [col(value)] + ([col(per)] if per is not None else [])
        part = [col(per)] if per is not None else None
        count = exp.Count(this=exp.Star())
        running = exp.Window(
            this=exp.Sum(this=count.copy()),
            partition_by=[p.copy() for p in part] if part else None,
            # X is never missing here; NULLS placed as each engine's default for
            # the direction, so that no dialect needs to spell it.
            order=exp.Order(
                expressions=[exp.Ordered(this=col(value), desc=desc, nulls_first=not desc)]
            ),
        )
        total = exp.Window(
            this=exp.Sum(this=count.copy()),
            partition_by=[p.copy() for p in part] if part else None,
        )
        select = _select(_alias(col(value), ident("v")))
        if per is not None:
            _add(select, _alias(col(per), ident("g")))
        # The distinct values are distinct, so the running sum up to and including
        # v (RANGE frame: its peers) minus v's own count is the count strictly better.
        _add(
            select,
            _alias(exp.Sub(this=running, expression=count), ident("better")),
            _alias(total, ident("n")),
        )
        cond: exp.Expr = exp.Not(this=exp.Is(this=col(value), expression=exp.Null()))
        if per is not None:
            cond = _and(cond, exp.Not(this=exp.Is(this=col(per), expression=exp.Null())))
        select.set("from_", exp.From(this=exp.Table(this=ident(self.valued_name))))
        select.set("where", exp.Where(this=cond))
        select.set("group", exp.Group(expressions=group))
        return select

    def statement(
        self, final: exp.Select, layers: list[list[tuple[str, exp.Expr]]] | None = None
    ) -> exp.Select:
        """The whole statement; ``layers`` are CTEs of (column, condition) computed
        in order over the previous relation, before ``final``."""
        base, ctes = self.base()
        ctes.append((self.base_name, base))
        source = self.base_name
        for name, cte in self.ranked():
            ctes.append((name, cte))
            source = name
        for i, layer in enumerate(layers or [], start=1):
            select = _select(
                exp.Star(),
                *(_alias(cond, ident(column)) for column, cond in layer),
                from_=exp.Table(this=ident(source)),
            )
            source = _unique(f"segments_{i}", self.ctes)
            ctes.append((source, select))
        final.set("from_", exp.From(this=exp.Table(this=ident(source))))
        final.set(
            "with_",
            exp.With(
                # The alias a bare identifier, as sqlglot's own builder leaves it.
                expressions=[exp.CTE(this=cte, alias=ident(name)) for name, cte in ctes]
            ),
        )
        if self.caps.join_use_nulls:
            # Missing stays missing through LEFT JOIN (ClickHouse fills in 0 otherwise).
            setting = exp.EQ(this=exp.column("join_use_nulls"), expression=_num(1))
            final.set("settings", [setting])
        return final


# ---- public API --------------------------------------------------------------------


def _entity_of(segments: list[ir.Segment], catalog: Catalog) -> EntityDef:
    entities = {s.entity for s in segments}
    if len(entities) != 1:
        raise SegdslError(
            Diagnostic(
                "U003",
                "segments of different entities cannot share one statement: "
                + ", ".join(f"{s.name} ({s.entity})" for s in segments),
                hint="compile each entity's segments separately",
            )
        )
    return catalog.entities[entities.pop()]


def segment_query(
    segment: ir.Segment, catalog: Catalog, dialect: str, as_of: dt.datetime | None
) -> exp.Select:
    """The sqlglot tree of one segment: one column, the entity key, each member once."""
    entity = catalog.entities[segment.entity]
    b = _Builder(catalog, entity, AsOf(as_of, dialect_name(dialect)), dialect_name(dialect))
    b.plan([segment.cond])
    final = _select(col(entity.key), where=b.cond(segment.cond, False))
    return b.statement(final)


def membership_query(
    segments: list[ir.Segment], catalog: Catalog, dialect: str, as_of: dt.datetime | None
) -> exp.Select:
    """One statement: the key and one boolean column per segment, for every entity."""
    entity = _entity_of(segments, catalog)
    d = dialect_name(dialect)
    b = _Builder(catalog, entity, AsOf(as_of, d), d)
    if not b.caps.boolean_values:
        raise unsupported(d, "--membership (boolean columns)")
    b.plan([s.cond for s in segments])
    # A segment that others in this statement use (`in segment S`) is computed once, in
    # a layer before them, and they read its column.
    level = _levels(segments)
    top = max(level.values(), default=0)
    taken = set(b.columns)
    layers: list[list[tuple[str, exp.Expr]]] = [[] for _ in range(top)]
    for k in range(top):
        for s in segments:
            if level[s.name] == k:
                column = _unique(f"in_{s.name}", taken)
                layers[k].append((column, b.cond(s.cond, True)))
                b.computed[s.name] = column
    final = _select(col(entity.key))
    for s in segments:
        value = col(b.computed[s.name]) if s.name in b.computed else b.cond(s.cond, True)
        _add(final, _alias(value, ident(s.name)))
    return b.statement(final, layers)


def values_query(
    entity_name: str,
    values: Sequence[tuple[str, ir.Value]],
    catalog: Catalog,
    dialect: str,
    as_of: dt.datetime | None,
    where: ir.Cond | None = None,
) -> exp.Select:
    """One statement: the key and one column per named value (an attribute, a measure,
    an aggregate or arithmetic over them), for every entity (or those meeting
    ``where``). Aggregates are computed in the same one pass as for segments."""
    entity = catalog.entities[entity_name]
    d = dialect_name(dialect)
    b = _Builder(catalog, entity, AsOf(as_of, d), d)
    b.plan([ir.IsMissing(v) for _, v in values] + ([where] if where is not None else []))
    final = _select(col(entity.key))
    for name, v in values:
        _add(final, _alias(b.value(v), ident(name)))
    if where is not None:
        final.set("where", exp.Where(this=b.cond(where, False)))
    return b.statement(final)


def _levels(segments: list[ir.Segment]) -> dict[str, int]:
    """0 for a segment that uses none of the others; else one more than the deepest
    of the others it uses (through `in segment`, possibly via segments not listed)."""
    by_name = {s.name: s for s in segments}
    level: dict[str, int] = {}

    def uses(c: ir.Cond) -> set[str]:
        out: set[str] = set()

        def visit(n: ir.Cond) -> None:
            if isinstance(n, ir.InSegment):
                if n.name in by_name:
                    out.add(n.name)
                    return
                visit(n.cond)
            elif isinstance(n, ir.Not):
                visit(n.operand)
            elif isinstance(n, ir.And | ir.Or):
                for item in n.items:
                    visit(item)

        visit(c)
        return out

    def of(name: str) -> int:
        if name not in level:
            deps = uses(by_name[name].cond) - {name}
            level[name] = 1 + max((of(d) for d in deps), default=-1)
        return level[name]

    for s in segments:
        of(s.name)
    return level


def to_sql(tree: exp.Expr, dialect: str, pretty: bool = True, copy: bool = True) -> str:
    """SQL text of ``tree``. sqlglot's generator may rewrite the tree for the dialect,
    so it works on a copy unless ``copy=False`` (a tree used once, then dropped: a
    deep copy costs as much as half the generation)."""
    d = dialect_name(dialect)
    try:
        return Dialect.get_or_raise(d).generate(
            tree, copy=copy, pretty=pretty, unsupported_level=ErrorLevel.RAISE
        )
    except UnsupportedError as exc:
        raise unsupported(d, f"this rule ({exc})") from None


def compile_segment(
    segment: ir.Segment, catalog: Catalog, dialect: str = "duckdb", as_of: dt.datetime | None = None
) -> str:
    return to_sql(segment_query(segment, catalog, dialect, as_of), dialect, copy=False)


def compile_membership(
    segments: list[ir.Segment],
    catalog: Catalog,
    dialect: str = "duckdb",
    as_of: dt.datetime | None = None,
) -> str:
    return to_sql(membership_query(segments, catalog, dialect, as_of), dialect, copy=False)


__all__ = [
    "AsOf",
    "compile_membership",
    "compile_segment",
    "membership_query",
    "segment_query",
    "sqlglot",
    "to_sql",
    "values_query",
]
