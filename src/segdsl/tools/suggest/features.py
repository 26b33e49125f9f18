"""Features of `segdsl suggest`: numbers per entity, computed by the engine in one pass.

A feature is written as the user would write it in a rule: an attribute (`age`), a
measure (`spend_365d`), or an expression over them (`sum(purchase.amount in last 90
days)`, `spend_365d / orders_365d`), optionally named (`basket=spend_365d /
orders_365d`). A named expression becomes a `measure` of the suggested file.

The values of every entity are computed in one statement (the compiler's
``values_query``: the same fused pass over each event source as for segments); only a
seeded sample of at most ``sample`` entities comes back to Python. The sample is
``sample P% seed "…"`` of the language — a pure function of (key, seed), the same on
every engine — with P a little above ``sample / entities`` and the surplus dropped by
the same hash, so it is deterministic for the same data, seed and options.

Missing values: an entity with any feature missing is left out of the clustering
(counted in the report). In the suggested rules a comparison on a missing value is
false, so such an entity lands in a class only when its path tests none of its missing
features; a last catch-all class takes the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from segdsl.catalog.types import Type
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.semantic.resolver import Resolver
from segdsl.syntax.parser import parse_condition

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAMED = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*(.+)", re.S)


@dataclass(frozen=True)
class Feature:
    name: str  # the name used in the rules (attribute, measure, or a new measure)
    text: str  # the expression as written
    value: ir.Value
    integer: bool  # whole numbers: thresholds are whole numbers too
    new_measure: bool  # True: the suggested file defines `measure name = text`

    @property
    def nullable(self) -> bool:
        """Whether the feature can be missing (an attribute, `avg`, a division, …)."""
        return self.value.nullable


@dataclass(frozen=True)
class Sample:
    keys: list[Any]
    x: NDArray[np.float64]  # complete rows only, in key-hash order
    partial: NDArray[np.float64]  # the sampled rows with a missing feature (NaN)
    entities: int  # entities in the data
    sampled: int  # entities drawn into the sample (complete or not)
    incomplete: int  # sampled entities with a missing feature (left out of x)


def split_features(spec: str) -> list[str]:
    """``A,B,…`` split at the commas outside parentheses and quotes."""
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for i, ch in enumerate(spec):
        if quote:
            if ch == "\\":
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(spec[start:i])
            start = i + 1
    parts.append(spec[start:])
    return [p.strip() for p in parts if p.strip()]


def _error(code: str, message: str, hint: str) -> SegdslError:
    return SegdslError(Diagnostic(code, message, hint=hint))


def resolve_features(project: Project, specs: list[str], entity: str) -> list[Feature]:
    """Each feature bound and typed against the project (K001–K003)."""
    if not specs:
        raise _error("K001", "give at least one feature", "e.g. --features spend_365d,orders_365d")
    out: list[Feature] = []
    seen: set[str] = set()
    for n, spec in enumerate(specs, start=1):
        named = _NAMED.fullmatch(spec)
        name, text = (named.group(1), named.group(2).strip()) if named else (None, spec)
        # Resolved as the condition `TEXT is missing` (`is missing` binds looser than
        # arithmetic), so that messages point into the feature as written.
        expr = parse_condition(f"{text} is missing", path="--features")
        cond = Resolver(project.catalog, project.modules).rule(expr, entity).cond
        if not isinstance(cond, ir.IsMissing):
            raise _error("K002", f"feature `{text}` is not a number", "give one value per feature")
        value = cond.left
        if value.type not in (Type.INTEGER, Type.NUMBER):
            raise _error(
                "K002",
                f"feature `{text}` is {value.type.value}, not a number",
                "features must be numbers: attributes, measures or aggregates such as "
                "count(…), sum(…), avg(…)",
            )
        bare = _IDENT.fullmatch(text) is not None
        if name is None:
            name = text if bare else f"feature_{n}"
        new = not bare or name != text
        if new and (
            name in project.measures or name in project.catalog.entities[entity].attributes
        ):
            raise _error(
                "K003",
                f"the feature name `{name}` is already an attribute or measure of the project",
                f"name the expression differently: --features 'other_name={text}'",
            )
        if name in seen:
            raise _error("K003", f"the feature `{name}` is given twice", "give each feature once")
        seen.add(name)
        out.append(Feature(name, text, value, value.type is Type.INTEGER, new))
    return out


def _hash(seed: str, key: Any) -> str:
    return hashlib.md5(f"{seed}:{key}".encode()).hexdigest()[:8]


def draw_sample(
    project: Project,
    features: list[Feature],
    entity: str,
    as_of: dt.datetime,
    size: int,
    seed: int,
    engine: str | None,
) -> Sample:
    """The features of a seeded sample of at most ``size`` entities, from the engine."""
    from sqlglot import exp

    from segdsl.engines.sources import adapt_to_data, check_sources, connect_engine
    from segdsl.evaluation.evaluate import run_query
    from segdsl.sql.compiler import table_ref, to_sql, values_query

    ent = project.catalog.entities[entity]
    session = connect_engine(project.catalog, project.root, engine or "duckdb")
    try:
        check_sources(project.catalog, session)
        adapted = adapt_to_data(project.catalog, session)
        if adapted is not project.catalog:
            project = project.with_catalog(adapted)
            features = resolve_features(project, [f"{f.name}={f.text}" for f in features], entity)
        count = exp.select(exp.Count(this=exp.Star())).from_(table_ref(ent.source, "e"))
        ((entities,),) = run_query(session, to_sql(count, session.dialect, pretty=False))
        entities = int(entities)
        seed_text = f"suggest-{seed}"
        where: ir.Cond | None = None
        if entities > size:
            # A little more than needed, so that the sample rarely falls short.
            share = min(1.0, size / entities * 1.05 + 50 / entities)
            percent = Decimal(repr(round(share * 100, 6)))
            where = ir.Sample(percent, seed_text, ent.key)
        tree = values_query(
            entity,
            [(f"f_{i}", f.value) for i, f in enumerate(features)],
            project.catalog,
            session.dialect,
            as_of,
            where,
        )
        rows = run_query(session, to_sql(tree, session.dialect, pretty=False, copy=False))
    finally:
        session.close()
    rows.sort(key=lambda r: (_hash(seed_text, r[0]), str(r[0])))
    rows = rows[:size]
    complete = [r for r in rows if all(v is not None for v in r[1:])]
    partial = [r for r in rows if any(v is None for v in r[1:])]
    return Sample(
        [r[0] for r in complete],
        _matrix(complete, len(features)),
        _matrix(partial, len(features)),
        entities,
        len(rows),
        len(partial),
    )


def _matrix(rows: list[tuple[Any, ...]], width: int) -> NDArray[np.float64]:
    x = np.array(
        [[float(v) if v is not None else np.nan for v in r[1:]] for r in rows], dtype=np.float64
    )
    return x.reshape(len(rows), width)
