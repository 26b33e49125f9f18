"""What the studio shows beside a rule while it is edited: its size and share, the
explain waterfall, a sample of members with their attributes, its overlap with the
other segments, its SQL and its size history.

An evaluation runs in a worker thread on its own DuckDB session. Each browser tab sends
its evaluations on a *channel* with a rising sequence number; a newer request makes the
older ones of its channel obsolete: they are interrupted (DuckDB's
``connection.interrupt()``) and answer ``obsolete`` instead of a result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from segdsl.diagnostics import SegdslError
from segdsl.engines.base import Session, quote, table_sql
from segdsl.project import Project
from segdsl.semantic import ir

SAMPLE_SIZE = 20
HEAT_SEGMENTS = 10  # the edited segment and the 9 that overlap it most


class Obsolete(Exception):
    """A newer request of the same channel replaced this one."""


@dataclass
class Job:
    channel: str
    seq: int
    cancelled: bool = False
    sessions: list[Session] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            for s in self.sessions:
                con = getattr(s, "con", None)
                if con is not None:
                    with contextlib.suppress(Exception):  # already closed
                        con.interrupt()

    def check(self) -> None:
        if self.cancelled:
            raise Obsolete

    def open(self, project: Project) -> Session:
        from segdsl.engines.sources import connect_engine

        self.check()
        session = connect_engine(project.catalog, project.root)
        with self.lock:
            self.sessions.append(session)
            if self.cancelled:
                raise Obsolete
        return session


class Jobs:
    """The latest request of each channel; older ones are cancelled."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[str, Job] = {}
        self.cancelled = 0  # how many jobs were made obsolete (reported by /api/status)

    def start(self, channel: str, seq: int) -> Job:
        job = Job(channel, seq)
        with self._lock:
            old = self._latest.get(channel)
            if old is not None and old.seq >= seq:
                job.cancelled = True  # arrived after a newer one
                return job
            self._latest[channel] = job
        if old is not None and not old.cancelled:
            old.cancel()
            self.cancelled += 1
        return job

    def finish(self, job: Job) -> None:
        with self._lock:
            if self._latest.get(job.channel) is job:
                del self._latest[job.channel]
        for s in job.sessions:
            s.close()

    def run(self, job: Job, work: Callable[[Job], dict[str, Any]]) -> dict[str, Any]:
        """``work(job)``, or ``{"obsolete": True}`` when a newer request cancelled it."""
        try:
            job.check()
            return work(job)
        except (Exception, KeyboardInterrupt):
            # An interrupted DuckDB query comes back as DuckDB's InterruptException,
            # or as KeyboardInterrupt through segdsl.stopping; in a worker thread it
            # can only be our interrupt. Whatever failed after a cancel is obsolete.
            if job.cancelled:
                return {"obsolete": True, "seq": job.seq}
            raise
        finally:
            self.finish(job)


def evaluate_segment(
    job: Job, project: Project, seg: ir.Segment, as_of: dt.datetime | None
) -> dict[str, Any]:
    """Size, share, waterfall, sample and overlap of ``seg`` (a segment of ``project``)."""
    from segdsl.tools.explain import explain

    session = job.open(project)
    job.check()
    started = time.perf_counter()
    explanation = explain(project, seg.name, as_of, session=session)
    job.check()
    others = [s for s in project.segments.values() if s.entity == seg.entity]
    result = project.evaluate(others, explanation.as_of, session=session)
    job.check()
    members = result.members(seg.name)
    sample = _sample(session, project, seg.entity, members)
    job.check()
    return {
        "segment": seg.name,
        "entity": seg.entity,
        "as_of": explanation.as_of.isoformat(),
        "members": explanation.members,
        "entity_count": explanation.entity_count,
        "share": round(explanation.share, 6),
        "explain": explanation.to_json(),
        "sample": sample,
        "overlap": overlap_json(
            seg.name, {s.name: result.members(s.name) for s in others}, explanation.entity_count
        ),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _sample(
    session: Session, project: Project, entity_name: str, members: list[Any]
) -> dict[str, Any]:
    """Up to :data:`SAMPLE_SIZE` members spread evenly over the sorted keys, with their
    attributes (the same members for the same data)."""
    entity = project.catalog.entities[entity_name]
    n = len(members)
    if n <= SAMPLE_SIZE:
        keys = list(members)
    else:
        keys = [members[(i * n) // SAMPLE_SIZE] for i in range(SAMPLE_SIZE)]
    columns = [("key", entity.key)] + [(a.name, a.column) for a in entity.attributes.values()]
    header = [entity.key] + [a.name for a in entity.attributes.values()]
    rows: list[list[Any]] = []
    if keys:
        select = ", ".join(quote(c, "duckdb") for _, c in columns)
        sql = (
            f"SELECT {select} FROM {table_sql(entity.source.table, 'duckdb')} "
            f"WHERE {quote(entity.key, 'duckdb')} IN (SELECT unnest(?)) ORDER BY 1"
        )
        con = getattr(session, "con", None)
        if con is not None:
            rows = [[_plain(v) for v in r] for r in con.execute(sql, [keys]).fetchall()]
    return {"columns": header, "rows": rows, "of": n}


def _plain(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return str(v)


def overlap_json(name: str, members: dict[str, list[Any]], entity_count: int) -> dict[str, Any]:
    """The edited segment against every other segment of its entity (both, Jaccard),
    most overlapping first, and a Jaccard heat map of it and the closest ones."""
    sets = {k: set(v) for k, v in members.items()}
    mine = sets[name]

    def jac(a: set[Any], b: set[Any]) -> float | None:
        union = len(a | b)
        return round(len(a & b) / union, 6) if union else None

    rows: list[dict[str, Any]] = []
    for other, s in sets.items():
        if other == name:
            continue
        both = len(mine & s)
        rows.append({"segment": other, "members": len(s), "both": both, "jaccard": jac(mine, s)})
    rows.sort(key=lambda r: (-(r["jaccard"] or 0.0), -r["both"], r["segment"]))
    names = [name] + [r["segment"] for r in rows[: HEAT_SEGMENTS - 1]]
    matrix = [[jac(sets[a], sets[b]) for b in names] for a in names]
    return {"entity_count": entity_count, "rows": rows, "heat": {"names": names, "jaccard": matrix}}


def history_json(project: Project, name: str) -> dict[str, Any]:
    """Size over time from the snapshot store, or why there is none."""
    from segdsl.tools.history import segment_history

    try:
        h = segment_history(project, name)
    except SegdslError as exc:
        d = exc.diagnostics[0]
        return {"segment": name, "points": [], "message": d.message, "hint": d.hint}
    return {
        "segment": name,
        "points": [
            {
                "as_of": p.snapshot.as_of.isoformat(),
                "members": p.snapshot.size,
                "entity_count": p.snapshot.entity_count,
                "share": round(p.share, 6),
                "entered": p.entered,
                "left": p.left,
                "rule_changed": p.rule_changed,
            }
            for p in h.points
        ],
    }
