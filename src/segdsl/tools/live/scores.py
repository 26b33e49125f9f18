"""Scores evaluated live with thresholds from the latest batch evaluation.

``score 1..N by X [per G]`` (language.md §14) is ``1 + floor(N·b/n)``, b counting the
entities of the group with a strictly smaller X and n those with X set: it depends on
every profile. Live, b and n come from the population of the latest batch evaluation.
For k = 2..N let ``m_k = ceil((k−1)·n/N)``; then

    score ≥ k  ⇔  N·b ≥ (k−1)·n  ⇔  b ≥ m_k  ⇔  x > v(m_k)

where ``v(m)`` is the m-th smallest X of the population (1-indexed). So a score is held
as n and the N−1 thresholds ``v(m_2) ≤ … ≤ v(m_N)`` per group, and the live score of x
is ``1 + #{k : x > v(m_k)}`` — x scored against the batch population. At the batch
instant this is the batch score of every profile of the population exactly (a
profile's own X is never strictly smaller than itself, so b is the same count); after
that it is an approximation until the next refresh: a profile whose X passes a
threshold changes score, and an X above every batch value scores N. Missing X (or G
with ``per``), a group the batch did not see, or no thresholds yet: a missing score.

Where the thresholds come from — SQL, not the profiles in the live state: one statement
per score computes X for every entity with the batch compiler (the same ``base`` as the
batch statement, at the same instant, in the same zone), counts per distinct value (and
group) how many are strictly smaller, and keeps only the rows holding a ``v(m_k)``:
at most N−1 rows per group cross into Python. Unlike the rankings' cut-offs (the batch
members' X taken from their live state), this needs no profile to be in the live state
and reads no value twice: a stream partition holding some of the profiles scores them
against the whole population. Which rows hold a threshold is decided with
``floor(N·b/n)`` spelled exactly as the batch statement spells a score (exact while
N·n < 2⁵³), so both read the same numbers; the statement is a sqlglot tree (user text
only as quoted names and literals), the same on DuckDB, PostgreSQL, SQLite,
ClickHouse, Spark and DataFusion (tests/engines/test_live_scores_engines.py).

Where the warehouse holds X as a binary float (a division, ``avg``, a ``DOUBLE``
column), the batch score compares floats; the live X (exact) is then rounded to the
nearest float before it is compared, so that a profile's own value meets its threshold
as in the warehouse. The thresholds are kept exact (a float as its exact fraction), so
they survive the state file unchanged.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from segdsl.catalog import Catalog
from segdsl.semantic import ir
from segdsl.sql.compiler.statement import Builder
from segdsl.sql.dialects import dialect_name
from segdsl.sql.literals import AsOf
from segdsl.sql.names import col, ident, unique_name
from segdsl.sql.nodes import aliased, and_, cast, new_select, num
from segdsl.tools.live.adapted import node_in_adapted
from segdsl.tools.live.ctx import Ctx, cached
from segdsl.tools.live.forms import Fn
from segdsl.tools.live.values import coerce
from segdsl.tools.live.values import num as exact_num

if TYPE_CHECKING:
    from segdsl.engines.base import Session
    from segdsl.project import Project

# A score's thresholds per group: [n, as_float, v(m_2), …, v(m_N)] (a list: the state
# file keeps it as it is).
HEAD = 2


@dataclass
class ScoreSpec:
    """One score used by live segments (each distinct score once per entity)."""

    id: int
    entity: str
    node: ir.Score
    by: Fn
    per: str | None  # the group attribute's column
    text: str
    segment: str  # a segment that uses it (to find it again in an adapted project)

    @property
    def key(self) -> int:
        """Its key among the evaluator's cut-offs (rankings use 0, 1, …)."""
        return -1 - self.id


def describe(node: ir.Score, measure: str | None) -> str:
    """How ``check --live`` names a score: its measure (`recency`), else the form
    (`score 1..5 by last(purchase)`)."""
    if measure:
        return f"`{measure}`"
    by = node.by
    if isinstance(by, ir.MeasureRef | ir.Attr):
        what = by.name
    elif isinstance(by, ir.Aggregate):
        func = {"count_distinct": "count distinct"}.get(by.func, by.func)
        field = f".{by.field.name}" if by.field is not None else ""
        window = f" in last {by.window}" if by.window is not None else ""
        where = " where …" if by.where is not None else ""
        what = f"{func}({by.event}{field}{window}{where})"
    else:
        what = "an expression"
    per = f" per {node.per.name}" if node.per is not None else ""
    return f"`score 1..{node.n} by {what}{per}`"


def score_fn(spec: ScoreSpec, slot: int) -> Fn:
    """The live score: ``1 + #{k : x > v(m_k)}`` against the profile's group's
    thresholds; missing without thresholds, X or group."""
    key, by, per = spec.key, spec.by, spec.per

    def compute(ctx: Ctx) -> Any:
        table = ctx.cutoffs.get(key)
        if not table:
            return None
        group = None
        if per is not None:
            group = ctx.attrs.get(per)
            if group is None:
                return None
        row = table.get(group)
        if row is None:
            return None
        x = by(ctx)
        if x is None:
            return None
        if row[1]:  # the warehouse held X as a binary float: compare as it did
            x = float(x)
        return 1 + bisect_left(row, x, HEAD) - HEAD

    return cached(slot, compute)


def class_of_fn(node: ir.ClassOf, conds: list[Fn]) -> Fn:
    """A segmentation's value (§15): the name of the first class whose condition holds,
    else the catch-all's (missing without one). The classes after the first that holds
    are not looked at: they cannot change the answer before an earlier one does."""
    pairs = tuple(zip(node.names, conds, strict=True))
    other = node.catchall

    def class_of(ctx: Ctx) -> Any:
        for name, holds in pairs:
            if holds(ctx):
                return name
        return other

    return class_of


# ---- the thresholds from SQL ----------------------------------------------------------
def score_query(
    node: ir.Score, entity: str, catalog: Catalog, dialect: str, as_of: dt.datetime
) -> exp.Select:
    """One statement: the rows ``[g,] v, n, lo, hi`` from which :func:`thresholds`
    reads every ``v(m_k)`` of the score (per group g with ``per``) and n.

    ``score_values`` is X (and G) of every entity where they are set, computed as the
    batch statement computes them (the same ``base``); ``score_counts`` has per distinct
    value v (in its group) its count c, ``below`` (how many are strictly smaller) and n.
    v is ``v(m)`` for ``below < m ≤ below + c``, so it is ``v(m_k)`` for each
    j = k − 1 with ``N·below < j·n ≤ N·(below + c)``, i.e. ``lo < j ≤ hi`` where
    ``lo = floor(N·below/n)`` (the batch score of v, less one) and
    ``hi = floor(N·(below + c)/n)``; only rows with such a j ≤ N − 1 are returned (at
    most N − 1 per group). The floors are spelled as the batch compiler spells a
    score, so both read the same numbers."""
    ent = catalog.entities[entity]
    d = dialect_name(dialect)
    b = Builder(catalog, ent, AsOf(as_of, d, catalog.timezone), d)
    per = node.per
    needed: list[ir.Cond] = [ir.IsMissing(node.by)]
    if per is not None:
        needed.append(ir.IsMissing(per))
    b.plan(needed)
    x = b.value(node.by)
    present = [exp.Not(this=exp.Is(this=x.copy(), expression=exp.Null()))]
    columns: list[exp.Expr] = [aliased(x, ident("v"))]
    if per is not None:
        columns.append(aliased(col(per.name), ident("g")))
        present.append(exp.Not(this=exp.Is(this=col(per.name), expression=exp.Null())))
    values = b.statement(new_select(*columns, where=and_(*present)))
    with_ = values.args.get("with_")
    settings = values.args.get("settings")
    values.set("with_", None)
    values.set("settings", None)
    assert isinstance(with_, exp.With)
    values_name = unique_name("score_values", b.ctes)
    counts_name = unique_name("score_counts", b.ctes)

    grouped = [col("v")] + ([col("g")] if per is not None else [])
    part = [col("g")] if per is not None else None
    count = exp.Count(this=exp.Star())
    running = exp.Window(
        this=exp.Sum(this=count.copy()),
        partition_by=[p.copy() for p in part] if part else None,
        order=exp.Order(expressions=[exp.Ordered(this=col("v"), desc=False, nulls_first=True)]),
    )
    total = exp.Window(
        this=exp.Sum(this=count.copy()), partition_by=[p.copy() for p in part] if part else None
    )
    counts = new_select(
        *(c.copy() for c in grouped),
        aliased(count.copy(), ident("c")),
        # distinct values: the running sum up to v (its RANGE peers are itself) minus
        # its own count is how many are strictly smaller
        aliased(exp.Sub(this=running, expression=count.copy()), ident("below")),
        aliased(total, ident("n")),
        from_=exp.Table(this=ident(values_name)),
        group=[c.copy() for c in grouped],
    )
    # floor(N·b/n) for b = below and b = below + c, as the batch statement computes a
    # score (rankings.py): v is v(m_k) for the k − 1 = j in (lo, hi] (N·below < j·n ≤
    # N·(below + c)), and only the rows with such a j ≤ N − 1 are kept
    lo = _floor_ratio(node.n, col("below", counts_name), col("n", counts_name))
    hi = _floor_ratio(
        node.n,
        exp.Paren(this=exp.Add(this=col("below", counts_name), expression=col("c", counts_name))),
        col("n", counts_name),
    )
    final = new_select(
        *([col("g", counts_name)] if per is not None else []),
        col("v", counts_name),
        col("n", counts_name),
        aliased(lo.copy(), ident("lo")),
        aliased(hi.copy(), ident("hi")),
        from_=exp.Table(this=ident(counts_name)),
        where=and_(
            exp.LT(this=lo.copy(), expression=hi.copy()),
            exp.LT(this=lo.copy(), expression=num(node.n - 1)),
        ),
    )
    ctes = [*with_.expressions]
    ctes.append(exp.CTE(this=values, alias=ident(values_name)))
    ctes.append(exp.CTE(this=counts, alias=ident(counts_name)))
    final.set("with_", exp.With(expressions=ctes))
    if settings:
        final.set("settings", settings)
    return final


def _floor_ratio(n: int, count: exp.Expr, total: exp.Expr) -> exp.Expr:
    """``floor(n · count / total)``, spelled as the batch statement spells a score."""
    scaled = exp.Mul(this=num(n), expression=count)
    ratio = exp.Div(this=cast(scaled, exp.DataType.Type.DOUBLE), expression=total)
    return cast(exp.Floor(this=ratio), exp.DataType.Type.BIGINT)


def thresholds(node: ir.Score, rows: Iterable[tuple[Any, ...]]) -> dict[Any, list[Any]]:
    """The cut-off table of a score from :func:`score_query`'s rows."""
    per = node.per
    by_type = node.by.type
    found: dict[Any, dict[int, Any]] = {}
    sizes: dict[Any, int] = {}
    as_float: dict[Any, bool] = {}
    last = node.n - 1
    for row in rows:
        if per is not None:
            raw_g, v, n, lo, hi = row
            group = coerce(per.type, list(raw_g) if isinstance(raw_g, tuple) else raw_g)
        else:
            v, n, lo, hi = row
            group = None
        if by_type.is_temporal:
            value = coerce(by_type, v)
        else:
            as_float[group] = as_float.get(group, False) or isinstance(v, float)
            value = exact_num(v)
        picks = found.setdefault(group, {})
        for j in range(int(lo) + 1, min(int(hi), last) + 1):
            picks[j] = value
        sizes[group] = int(n)
    out: dict[Any, list[Any]] = {}
    for group, picks in found.items():
        if sorted(picks) != list(range(1, node.n)):  # pragma: no cover - each j is picked
            continue
        out[group] = [sizes[group], as_float.get(group, False), *(picks[j] for j in sorted(picks))]
    return out


def score_cutoffs(
    project: Project,
    scores: Iterable[ScoreSpec],
    at: dt.datetime,
    session: Session,
    adapted: Project | None = None,
) -> dict[int, dict[Any, list[Any]]]:
    """Every score's thresholds at ``at``, one statement per score on ``session``;
    ``adapted``: ``project.for_data(session)`` when the caller has it already."""
    from segdsl.sql.compiler import to_sql

    if adapted is None:
        adapted = project.for_data(session)
    out: dict[int, dict[Any, list[Any]]] = {}
    for spec in scores:
        # the score as the batch resolves it (against the catalog adapted to the data)
        node = node_in_adapted(spec.node, spec.entity, project, adapted, [spec.segment])
        tree = score_query(node, spec.entity, adapted.catalog, session.dialect, at)
        rows = session.query(to_sql(tree, session.dialect, pretty=False, copy=False))
        # read as live evaluation holds X (the rules' own types: a date the data holds
        # where the catalog says timestamp is compared as that day's midnight)
        out[spec.key] = thresholds(spec.node, rows)
    return out
