"""`segdsl lift`: what a campaign did to the treated group, against a holdout.

Membership of both groups is taken at ``--from`` (T0, the campaign start); the metric
is an aggregate of each entity's events in ``[T0, T1)``. One statement on the engine
joins the membership (compiled at T0) with the metric (compiled at T1, and with
``--pre-days N`` the same metric over ``[T0 − N days, T0)`` as CUPED's covariate) and
aggregates per group: counts, sums, sums of squares and cross-products about the
group's mean. Only those few numbers come back; :mod:`.stats` does the rest.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.evaluation.evaluate import run_query
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.sql.compiler import col, ident, membership_query, to_sql, values_query
from segdsl.tools.measure import stats
from segdsl.tools.measure.data import as_float, as_int, hoist, session_for, table_names
from segdsl.tools.measure.metric import Metric, over_period, parse_metric

TREATED, CONTROL, BOTH = 1, 2, 3


@dataclass(frozen=True)
class Group:
    segment: str
    members: int  # in the segment at T0 (and not in the other group)
    moments: stats.Moments  # of the entities whose metric is set

    @property
    def missing(self) -> int:
        return self.members - self.moments.n


@dataclass(frozen=True)
class Srm:
    expected_share: float
    observed_share: float
    p_value: float
    source: str  # "given" or "rule"


@dataclass(frozen=True)
class Lift:
    metric: str
    is_rate: bool
    start: dt.datetime
    end: dt.datetime
    treatment: Group
    control: Group
    welch: stats.Welch
    relative: tuple[float, tuple[float, float]] | None
    cuped: stats.Cuped | None
    pre_days: int | None
    srm: Srm | None
    mde: float

    def to_json(self) -> dict[str, Any]:
        def group(g: Group) -> dict[str, Any]:
            return {
                "segment": g.segment,
                "members": g.members,
                "n": g.moments.n,
                "mean": _num(g.moments.mean),
                "sd": _num(g.moments.sd),
            }

        rel = self.relative
        return {
            "metric": self.metric,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "treatment": group(self.treatment),
            "control": group(self.control),
            "difference": _num(self.welch.difference),
            "difference_ci95": [_num(x) for x in self.welch.ci95],
            "p_value": _num(self.welch.p_value),
            "relative_lift": _num(rel[0]) if rel else None,
            "relative_lift_ci95": [_num(x) for x in rel[1]] if rel else None,
            "cuped": (
                {
                    "pre_days": self.pre_days,
                    "theta": _num(self.cuped.theta),
                    "variance_reduction": _num(self.cuped.variance_reduction),
                    "difference": _num(self.cuped.welch.difference),
                    "difference_ci95": [_num(x) for x in self.cuped.welch.ci95],
                    "p_value": _num(self.cuped.welch.p_value),
                }
                if self.cuped
                else None
            ),
            "srm": (
                {
                    "expected_share": _num(self.srm.expected_share),
                    "observed_share": _num(self.srm.observed_share),
                    "p_value": _num(self.srm.p_value),
                }
                if self.srm
                else None
            ),
            "mde": _num(self.mde),
            "mde_relative": _num(self.mde / self.control.moments.mean)
            if self.control.moments.mean
            else None,
        }


def _num(x: float) -> float | None:
    """12 significant digits: the same report on every run, whatever order the
    engine summed in; None for a number that does not exist."""
    if math.isnan(x) or math.isinf(x):
        return None
    return float(f"{x:.12g}")


# ---- the statement ---------------------------------------------------------------------


def lift_query(
    project: Project,
    treated: ir.Segment,
    control: ir.Segment,
    metric: Metric,
    start: dt.datetime,
    end: dt.datetime,
    pre_days: int | None,
    dialect: str,
) -> exp.Select:
    """One statement: per group (1 treated, 2 control, 3 both) the count, and the sums
    of the metric y (and covariate x) about the group's mean."""
    catalog = project.catalog
    entity = catalog.entities[treated.entity]
    key = entity.key
    columns: list[tuple[str, ir.Value | ir.Cond]] = [
        ("y", over_period(metric.node, catalog, start, end))
    ]
    if pre_days is not None:
        pre = start - dt.timedelta(days=pre_days)
        columns.append(("x", over_period(metric.node, catalog, pre, start)))
    members = membership_query([treated, control], catalog, dialect, start)
    values = values_query(entity.name, columns, catalog, dialect, end)
    taken = table_names(project)
    ctes, settings, (m_name, v_name) = hoist([("members", members), ("metric", values)], taken)

    def flag(name: str) -> exp.Expr:
        return exp.Case(ifs=[exp.If(this=col(name, "m"), true=_n(1))], default=_n(0))

    def dbl(e: exp.Expr) -> exp.Expr:
        return exp.Cast(this=e, to=exp.DataType.build("double"))

    joined = exp.Select(
        expressions=[
            exp.Alias(
                this=exp.Add(
                    this=flag(treated.name),
                    expression=exp.Mul(this=_n(2), expression=flag(control.name)),
                ),
                alias=ident("g"),
            ),
            exp.Alias(this=dbl(col("y", "v")), alias=ident("y")),
            exp.Alias(
                this=dbl(col("x", "v")) if pre_days is not None else exp.Null(), alias=ident("x")
            ),
        ]
    )
    joined.set(
        "from_",
        exp.From(this=exp.Table(this=ident(m_name), alias=exp.TableAlias(this=ident("m")))),
    )
    joined.append(
        "joins",
        exp.Join(
            this=exp.Table(this=ident(v_name), alias=exp.TableAlias(this=ident("v"))),
            on=exp.EQ(this=col(key, "m"), expression=col(key, "v")),
        ),
    )
    joined.set(
        "where",
        exp.Where(this=exp.Or(this=col(treated.name, "m"), expression=col(control.name, "m"))),
    )
    j_name = _fresh_name("joined", taken)
    c_name = _fresh_name("centre", taken)

    # Each group's means beside every row (a window, so that `joined` is read once).
    def mean_of(name: str) -> exp.Expr:
        return exp.Window(this=exp.Avg(this=col(name)), partition_by=[col("g")])

    centre = exp.Select(
        expressions=[
            col("g"),
            col("y"),
            col("x"),
            exp.Alias(this=mean_of("y"), alias=ident("cy")),
            exp.Alias(this=mean_of("x"), alias=ident("cx")),
        ]
    )
    centre.set("from_", exp.From(this=exp.Table(this=ident(j_name))))

    y = exp.Paren(this=exp.Sub(this=col("y", "j"), expression=col("cy", "j")))
    x = exp.Paren(this=exp.Sub(this=col("x", "j"), expression=col("cx", "j")))

    def when_set(other: str, e: exp.Expr) -> exp.Expr:
        return exp.Case(
            ifs=[
                exp.If(
                    this=exp.Not(this=exp.Is(this=col(other, "j"), expression=exp.Null())),
                    true=e,
                )
            ]
        )

    final = exp.Select(
        expressions=[
            col("g", "j"),
            exp.Count(this=exp.Star()),
            exp.Count(this=col("y", "j")),
            exp.Max(this=col("cy", "j")),
            exp.Sum(this=y.copy()),
            exp.Sum(this=exp.Mul(this=y.copy(), expression=y.copy())),
            exp.Sum(this=exp.Case(ifs=[exp.If(this=_both_set(), true=_n(1))], default=_n(0))),
            exp.Max(this=col("cx", "j")),
            exp.Sum(this=when_set("x", y.copy())),
            exp.Sum(this=when_set("x", exp.Mul(this=y.copy(), expression=y.copy()))),
            exp.Sum(this=when_set("y", x.copy())),
            exp.Sum(this=when_set("y", exp.Mul(this=x.copy(), expression=x.copy()))),
            exp.Sum(this=exp.Mul(this=x.copy(), expression=y.copy())),
        ]
    )
    final.set(
        "from_", exp.From(this=exp.Table(this=ident(c_name), alias=exp.TableAlias(this=ident("j"))))
    )
    final.set("group", exp.Group(expressions=[col("g", "j")]))
    final.set("order", exp.Order(expressions=[exp.Ordered(this=col("g", "j"))]))
    ctes += [
        exp.CTE(this=joined, alias=ident(j_name)),
        exp.CTE(this=centre, alias=ident(c_name)),
    ]
    final.set("with_", exp.With(expressions=ctes))
    if settings:
        final.set("settings", [exp.EQ(this=exp.column("join_use_nulls"), expression=_n(1))])
    return final


def _both_set() -> exp.Expr:
    return exp.And(
        this=exp.Not(this=exp.Is(this=col("y", "j"), expression=exp.Null())),
        expression=exp.Not(this=exp.Is(this=col("x", "j"), expression=exp.Null())),
    )


def _n(v: int) -> exp.Literal:
    return exp.Literal(this=str(v), is_string=False)


def _fresh_name(base: str, taken: set[str]) -> str:
    from segdsl.tools.measure.data import fresh

    return fresh(base, taken)


# ---- the command -----------------------------------------------------------------------


def _expected_share(control: ir.Segment) -> float | None:
    """P/100 when the control's rule is `… and sample P% …` (a sample not negated)."""
    items = control.cond.items if isinstance(control.cond, ir.And) else (control.cond,)
    for c in items:
        if isinstance(c, ir.Sample):
            return float(c.percent) / 100.0
    return None


def _bad(code: str, message: str, hint: str) -> SegdslError:
    return SegdslError(Diagnostic(code, message, hint=hint))


def lift(
    project: Project,
    treated_name: str,
    control_name: str,
    metric_text: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    pre_days: int | None = None,
    expected_control_share: float | None = None,
    engine: str | None = None,
) -> Lift:
    """Measure the difference the treatment made to ``metric_text`` over ``[start, end)``."""
    if end <= start:
        raise _bad(
            "M007",
            f"--to ({end.isoformat()}) is not after --from ({start.isoformat()})",
            "the period is [--from, --to): give a --to later than --from",
        )
    if pre_days is not None and pre_days < 1:
        raise _bad("M008", f"--pre-days must be at least 1, not {pre_days}", "e.g. --pre-days 90")
    if expected_control_share is not None and not 0 < expected_control_share < 1:
        raise _bad(
            "M009",
            f"--expected-control-share must be between 0 and 1, not {expected_control_share}",
            "e.g. --expected-control-share 0.1 for a 10% holdout",
        )
    if treated_name == control_name:
        raise _bad(
            "M010",
            f"the treated group and the control are the same segment `{treated_name}`",
            "give the holdout with --control",
        )
    treated, control = project.segment(treated_name), project.segment(control_name)
    if treated.entity != control.entity:
        raise _bad(
            "M011",
            f"`{treated_name}` is a segment of {treated.entity} and `{control_name}` of "
            f"{control.entity}",
            "compare two segments of the same entity",
        )
    metric = parse_metric(project, metric_text)
    if metric.entity != treated.entity:
        raise _bad(
            "M011",
            f"the metric is about {metric.entity}, the segments about {treated.entity}",
            "aggregate events of the segments' entity",
        )
    with session_for(project, engine) as (adapted, session):
        treated = adapted.segment(treated_name)
        control = adapted.segment(control_name)
        metric = parse_metric(adapted, metric_text)
        tree = lift_query(adapted, treated, control, metric, start, end, pre_days, session.dialect)
        rows = run_query(session, to_sql(tree, session.dialect, pretty=False, copy=False))
    by_group = {as_int(r[0]): r for r in rows}
    both = as_int(by_group[BOTH][1]) if BOTH in by_group else 0
    if both:
        raise _bad(
            "M012",
            f"{both:,} entities are in both `{treated_name}` and `{control_name}` at "
            f"{start.isoformat()}",
            "the groups must not overlap: write the control as `… and sample P%` and the "
            "treated group as `… and not sample P%` with the same seed",
        )
    groups = []
    for g, name in ((TREATED, treated_name), (CONTROL, control_name)):
        r = by_group.get(g)
        members = as_int(r[1]) if r else 0
        ny = as_int(r[2]) if r else 0
        if ny < 2:
            raise _bad(
                "M013",
                f"`{name}` has {members:,} members at {start.isoformat()}"
                + (f" ({ny:,} with a value of the metric)" if members != ny else "")
                + ": at least 2 are needed",
                "check the segment and --from (membership is taken at --from)",
            )
        assert r is not None
        groups.append(
            Group(
                name,
                members,
                stats.Moments.from_sums(ny, as_float(r[3]), as_float(r[4]), as_float(r[5])),
            )
        )
    t, c = groups
    welch = stats.welch(t.moments, c.moments)
    cup = None
    if pre_days is not None:
        joints = []
        for g in (TREATED, CONTROL):
            joints.append(_joint(by_group[g]))
        if min(j.n for j in joints) >= 2:
            cup = stats.cuped(joints[0], joints[1])
    share = expected_control_share
    source = "given"
    if share is None:
        share, source = _expected_share(control), "rule"
    srm = None
    if share is not None:
        observed = c.members / (t.members + c.members)
        srm = Srm(share, observed, stats.srm_p_value(t.members, c.members, share), source)
    return Lift(
        metric_text,
        metric.is_rate,
        start,
        end,
        t,
        c,
        welch,
        stats.relative_lift(t.moments, c.moments),
        cup,
        pre_days,
        srm,
        stats.mde(t.moments, c.moments),
    )


def _joint(r: tuple[Any, ...]) -> stats.Joint:
    n = as_int(r[6])
    if n < 2:
        return stats.Joint(n, math.nan, math.nan, math.nan, math.nan, math.nan)
    cy, cx = as_float(r[3]), as_float(r[7])
    sy, syy, sx, sxx, sxy = (as_float(v) for v in r[8:13])
    return stats.Joint(
        n,
        cy + sy / n,
        cx + sx / n,
        max(0.0, (syy - sy * sy / n) / (n - 1)),
        max(0.0, (sxx - sx * sx / n) / (n - 1)),
        (sxy - sx * sy / n) / (n - 1),
    )
