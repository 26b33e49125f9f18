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

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.evaluation.evaluate import run_query
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.semantic.timecalc import now_utc
from segdsl.sql.compiler import to_sql
from segdsl.tools.measure.data import as_float, as_int, session_for
from segdsl.tools.measure.profile_sql import (
    Plan,
    list_elements,
    many_valued,
    plan_columns,
    profile_query,
)

TOP_VALUES = 10  # values shown per categorical attribute
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
    kind: str  # "attribute", "segmentation" (the class) or "list"
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
                "kind": c.kind,
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
        against = adapted.segment(base_name) if base_name is not None else None
        entity = adapted.catalog.entities[seg.entity]
        plan, skipped = many_valued(session, entity, plan_columns(adapted, entity), MAX_DISTINCT)
        elements = {alias: list_elements(session, entity, attr) for alias, attr in plan.lists}
        tree = profile_query(
            adapted,
            seg,
            against,
            plan,
            elements,
            session.dialect,
            instant,
            # DuckDB inlines a common table expression into each branch unless told
            # (SQLite and PostgreSQL compute one used several times once by default)
            materialize=session.name == "duckdb",
        )
        rows = run_query(session, to_sql(tree, session.dialect, pretty=False, copy=False))
    out = _assemble(seg, base_name, instant, plan, elements, rows)
    out.skipped = sorted(skipped)
    return out


def _assemble(
    seg: ir.Segment,
    base_name: str | None,
    instant: dt.datetime,
    plan: Plan,
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

    def shares_of(alias: str) -> list[ValueShare]:
        """The values of one many-valued column: count and share in each population."""
        return [
            ValueShare(
                None if r[2] is None else str(r[2]),
                as_int(r[3]),
                as_int(r[4]),
                as_int(r[3]) / n_s,
                as_int(r[4]) / n_b,
            )
            for r in by_part.get(("cat", alias), [])
        ]

    for alias, attr in plan.categorical:
        out.categorical.append(_categorical(attr.name, "attribute", shares_of(alias)))
    for alias, name, _value in plan.classes:
        out.categorical.append(_categorical(name, "segmentation", shares_of(alias)))
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
            q = [quartile(order, count, k4) for k4 in (1, 2, 3)]
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


def quartile(order: dict[int, float], n: int, k: int) -> float | None:
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
    if kind != "list":
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
