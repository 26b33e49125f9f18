"""Start from history: every profile's live state built from the warehouse at ``as_of``
with SQL, so that a service starts with years of history without replaying it event by
event.

For each log (event kind and event condition) one query reads the events inside the
log's horizon (the longest window that reads it), sorted by key and time; the older
events are summed up per profile by the warehouse (``GROUP BY`` key: count, first and
last time, and per field count, sum, least and greatest) where the log has no event
condition and no distinct count, and folded from their rows otherwise. Attributes come
from the entity sources. Then every profile is evaluated once at ``as_of`` (no changes
are reported: that is the starting point) and the cut-offs of the rankings and the
thresholds of the scores are taken from the same warehouse. Live evaluation continues from there with the same answers as a
replay of every event would give (tests/live/test_live_backfill.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlglot import exp

from segdsl.catalog.types import Type
from segdsl.engines.base import Session
from segdsl.engines.sources import connect_engine
from segdsl.semantic.timecalc import local_date
from segdsl.sql.compiler import col, literal, table_ref, to_sql
from segdsl.tools.live.evaluator import LiveEvaluator
from segdsl.tools.live.folding import fold_edge
from segdsl.tools.live.specs import LogSpec
from segdsl.tools.live.state import FieldSummary, Log, Summary
from segdsl.tools.live.values import coerce


def backfill(
    live: LiveEvaluator,
    as_of: dt.datetime,
    engine: str | None = None,
    session: Session | None = None,
    cutoffs: bool = True,
) -> None:
    """Fill ``live`` (fresh) from the warehouse at ``as_of`` and set its clock there."""
    project = live.project
    own = session is None
    active = session or connect_engine(project.catalog, project.root, engine or "duckdb")
    try:
        _attributes(live, active)
        for spec in live.log_specs:
            _log(live, spec, active, as_of)
        live.start_at(as_of)
        if cutoffs and (live.ranks or live.scores):
            from segdsl.tools.live.cutoffs import refresh_cutoffs

            refresh_cutoffs(live, as_of, session=active)
    finally:
        if own:
            active.close()


def _attributes(live: LiveEvaluator, session: Session) -> None:
    for name, ent in live.catalog.entities.items():
        if not live.by_entity.get(name):
            continue
        columns = [(a.column, a.type) for a in ent.attributes.values()]
        for column in ent.location or ():
            if column not in {c for c, _ in columns}:
                columns.append((column, Type.NUMBER))
        query = exp.select(col(ent.key), *(col(c) for c, _ in columns)).from_(table_ref(ent.source))
        query = query.where(exp.Not(this=exp.Is(this=col(ent.key), expression=exp.Null())))
        for row in session.query(to_sql(query, session.dialect, pretty=False)):
            p = live.profile(name, _key(row[0]))
            for (column, t), raw in zip(columns, row[1:], strict=True):
                value = coerce(t, list(raw) if isinstance(raw, tuple) else raw)
                if value is not None:
                    p.attrs[column] = value


def _key(raw: Any) -> Any:
    return raw if isinstance(raw, str | int) and not isinstance(raw, bool) else str(raw)


def _log(live: LiveEvaluator, spec: LogSpec, session: Session, as_of: dt.datetime) -> None:
    catalog = live.catalog
    ev = catalog.events[spec.event]
    is_date = ev.timestamp_type is Type.DATE
    d = session.dialect
    now: Any = local_date(as_of, catalog.timezone) if is_date else as_of
    ts_type = Type.DATE if is_date else Type.TIMESTAMP
    fields = list(ev.fields.values())
    kept = [next(f for f in fields if f.column == c) for c in spec.fields]
    stamp = col(ev.timestamp)
    base: list[exp.Expr] = [
        exp.Not(this=exp.Is(this=col(ev.key), expression=exp.Null())),
        exp.Not(this=exp.Is(this=stamp.copy(), expression=exp.Null())),
        exp.LTE(this=stamp.copy(), expression=literal(now, ts_type, d)),
    ]
    if ev.kind is not None:
        base.append(exp.EQ(this=col(ev.kind[0]), expression=exp.Literal.string(ev.kind[1])))
    edge: Any = None
    if spec.horizon is not None:
        edge = as_of - spec.horizon
        edge = fold_edge(edge, is_date, live.zone)
    distinct = tuple(spec.distinct)

    def rows(extra: list[exp.Expr]) -> list[tuple[Any, ...]]:
        query = exp.select(col(ev.key), stamp.copy(), *(col(f.column) for f in fields))
        query = query.from_(table_ref(ev.source)).where(exp.and_(*base, *extra))
        query = query.order_by(col(ev.key), stamp.copy())
        return session.query(to_sql(query, d, pretty=False))

    def apply(row: tuple[Any, ...], fold: bool) -> None:
        values = {f.column: coerce(f.type, _plain(v)) for f, v in zip(fields, row[2:], strict=True)}
        when = coerce(ev.timestamp_type, row[1])
        values[ev.timestamp] = when
        if spec.where is not None and not spec.where(values):
            return
        p = live.profile(ev.entity, _key(row[0]))
        log = p.logs.get(spec.id)
        if log is None:
            log = p.logs[spec.id] = Log()
        kept_values = tuple(values[f.column] for f in kept)
        if fold:
            log.fold_one(when, kept_values, distinct)
        else:
            log.add(when, kept_values)

    recent: list[exp.Expr] = []
    if edge is not None:
        recent.append(exp.GT(this=stamp.copy(), expression=literal(edge, ts_type, d)))
    for row in rows(recent):
        apply(row, False)
    if edge is None or not spec.unwindowed:
        return
    older: list[exp.Expr] = [exp.LTE(this=stamp.copy(), expression=literal(edge, ts_type, d))]
    if spec.where is not None or any(distinct):
        for row in rows(older):
            apply(row, True)
        return
    # No event condition, no distinct set: the warehouse sums the old events up.
    aggs: list[exp.Expr] = [
        exp.Count(this=exp.Star()),
        exp.Min(this=stamp.copy()),
        exp.Max(this=stamp.copy()),
    ]
    for f in kept:
        c = col(f.column)
        numeric = f.type.is_numeric
        aggs += [
            exp.Count(this=c.copy()),
            exp.Sum(this=c.copy()) if numeric else exp.Null(),
            exp.Min(this=c.copy()),
            exp.Max(this=c.copy()),
        ]
    query = (
        exp.select(col(ev.key), *aggs).from_(table_ref(ev.source)).where(exp.and_(*base, *older))
    )
    query = query.group_by(col(ev.key))
    for row in session.query(to_sql(query, d, pretty=False)):
        p = live.profile(ev.entity, _key(row[0]))
        log = p.logs.get(spec.id)
        if log is None:
            log = p.logs[spec.id] = Log()
        summary = Summary(
            n=int(row[1]),
            first=coerce(ev.timestamp_type, row[2]),
            last=coerce(ev.timestamp_type, row[3]),
        )
        for k, f in enumerate(kept):
            n, total, low, high = row[4 + 4 * k : 8 + 4 * k]
            t = f.type
            summary.fields.append(
                FieldSummary(
                    int(n),
                    coerce(Type.NUMBER, total) if total is not None else 0,
                    coerce(t, _plain(low)),
                    coerce(t, _plain(high)),
                    None,
                )
            )
        log.summary = summary


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v
