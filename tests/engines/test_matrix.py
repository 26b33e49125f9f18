"""The same members on every engine: the whole corpus (tests/corpus, every segment of
every entity) on SQLite, PostgreSQL, ClickHouse, Spark and DataFusion, compared with
DuckDB and with the independent oracle (tests/oracle.py) on the edge dataset, at the
as-of instants of test_semantics.py.

One statement per entity and engine (``compile_membership``) carries every segment
and its complement (`not in segment S`), so each run checks members, two-valued truth
(never NULL) and the partition S / not S at once; the cheap engines also run each
segment's own statement. A segment an engine cannot express must be refused with
S001, and only the ones listed in ``REFUSED`` may be.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import edge_data
import matrix_stats
import pytest
from engine_sessions import MATRIX_ENGINES
from oracle import Oracle
from test_semantics import AS_OF_CASES, HAND_CASES, OTHER_AS_OF
from zoned import ZONED_AS_OF, ZONES, zoned_instant, zoned_project

from segdsl import SegdslError
from segdsl.engines import DIALECTS
from segdsl.semantic import ir
from segdsl.sql.compiler import compile_membership, compile_segment

AS_OFS = [edge_data.T, *OTHER_AS_OF]
# Engines cheap enough to also run one statement per segment (Spark takes ~0.5 s each).
PER_SEGMENT = ["sqlite", "postgres", "clickhouse", "datafusion"]

# What each engine truly cannot express. ClickHouse arrays are never NULL, so a missing
# list does not exist there (docs/engines.md).
REFUSED: dict[str, set[str]] = {"clickhouse": {"likes_all_empty"}}


def key_set(rows: list[tuple[Any, ...]]) -> set[Any]:
    """The keys of a one-column result; each member appears exactly once."""
    keys = [r[0] for r in rows]
    assert all(len(r) == 1 for r in rows), "a segment query returns exactly one column"
    assert len(keys) == len(set(keys)), f"duplicate members: {sorted(keys)}"
    return set(keys)


def _keys(project, entity: str) -> set[Any]:
    """Every key of the entity's table in the edge dataset."""
    ent = project.catalog.entities[entity]
    return {row[ent.key] for row in edge_data.TABLES[ent.source.table]}


def _truth(value: Any) -> bool:
    """A two-valued truth value: a boolean, or 0/1 where the engine has no booleans."""
    return isinstance(value, bool) or value in (0, 1)


def _expressible(project, engine: str) -> tuple[list[ir.Segment], set[str]]:
    ok, refused = [], set()
    for segment in project.segments.values():
        try:
            compile_segment(segment, project.catalog, DIALECTS[engine], edge_data.T)
        except SegdslError as exc:
            assert exc.diagnostics[0].code == "S001", exc.diagnostics[0].message
            assert engine in exc.diagnostics[0].message
            refused.add(segment.name)
        else:
            ok.append(segment)
    return ok, refused


def _with_complements(project, segments: list[ir.Segment]) -> list[ir.Segment]:
    out = list(segments)
    for s in segments:
        rule = project.rule(f"not in segment {s.name}", s.entity)
        out.append(dataclasses.replace(rule, name=f"not__{s.name}"))
    return out


def _columns(rows, segments) -> dict[str, set[Any]]:
    return {s.name: {r[0] for r in rows if r[i]} for i, s in enumerate(segments, start=1)}


@pytest.mark.parametrize("as_of", AS_OFS, ids=lambda t: t.isoformat())
@pytest.mark.parametrize("engine", MATRIX_ENGINES)
def test_corpus_membership_matches_duckdb_and_oracle(
    engine: str, as_of: dt.datetime, edge_session, run_duckdb, project, oracle_at
) -> None:
    session = edge_session(engine)
    oracle = oracle_at(as_of)
    segments, refused = _expressible(project, engine)
    assert refused == REFUSED.get(engine, set()), "segments refused with S001"
    matrix_stats.REFUSED[engine] = refused
    problems: dict[str, Any] = {}
    for entity in sorted({s.entity for s in segments}):
        segs = [s for s in segments if s.entity == entity]
        if engine != "spark":
            # S and `not S` in one statement (not on Spark: it would double its time,
            # and the partition is a property of the SQL, checked on four engines).
            segs = _with_complements(project, segs)
        rows = session.query(compile_membership(segs, project.catalog, DIALECTS[engine], as_of))
        duck = run_duckdb(compile_membership(segs, project.catalog, "duckdb", as_of))
        keys = [r[0] for r in rows]
        assert sorted(keys) == sorted(_keys(project, entity)), f"{entity}: one row per entity"
        for i, s in enumerate(segs, start=1):
            bad = [r[0] for r in rows if not _truth(r[i])]
            if bad:
                problems[f"{s.name}: not two-valued"] = bad
        got, want_duck = _columns(rows, segs), _columns(duck, segs)
        for s in segs:
            want = oracle.members(s)
            if got[s.name] != want:
                problems[s.name] = (sorted(got[s.name] - want), sorted(want - got[s.name]))
            elif got[s.name] != want_duck[s.name]:
                problems[f"{s.name} vs duckdb"] = sorted(got[s.name] ^ want_duck[s.name])
        for s in segs:
            if f"not__{s.name}" in got:
                inside, outside = got[s.name], got[f"not__{s.name}"]
                if inside & outside or inside | outside != _keys(project, entity):
                    problems[f"{s.name}: S and not S are no partition"] = True
        matrix_stats.COMPARISONS[engine] += sum(1 for s in segs if not s.name.startswith("not__"))
    assert not problems, f"{engine} at {as_of}: (extra, missing) per segment: {problems}"


@pytest.mark.parametrize("engine", PER_SEGMENT)
def test_corpus_each_segment_statement(engine: str, edge_session, project, oracle) -> None:
    """Each segment's own statement (CTEs, WHERE, no boolean columns) on the engine."""
    session = edge_session(engine)
    segments, _refused = _expressible(project, engine)
    wrong = {}
    for s in segments:
        sql = compile_segment(s, project.catalog, DIALECTS[engine], edge_data.T)
        got = key_set(session.query(sql))
        want = oracle.members(s)
        if got != want:
            wrong[s.name] = (sorted(got - want), sorted(want - got))
    assert not wrong, wrong


@pytest.mark.parametrize("engine", MATRIX_ENGINES)
def test_hand_written_expectations(engine: str, edge_session, project) -> None:
    """The member sets worked out by hand in test_semantics.py, on the engine (one
    statement per entity and as-of instant)."""
    session = edge_session(engine)
    cases: dict[tuple[str, dt.datetime], list[tuple[ir.Segment, frozenset[Any]]]] = {}
    for n, (rule, entity, expected) in enumerate(HAND_CASES):
        seg = dataclasses.replace(project.rule(rule, entity), name=f"h{n}")
        cases.setdefault((entity, edge_data.T), []).append((seg, expected))
    for n, (as_of, rule, expected) in enumerate(AS_OF_CASES):
        seg = dataclasses.replace(project.rule(rule), name=f"a{n}")
        cases.setdefault((seg.entity, as_of), []).append((seg, expected))
    wrong = {}
    for (_entity, as_of), items in cases.items():
        usable = []
        for seg, expected in items:
            try:
                compile_segment(seg, project.catalog, DIALECTS[engine], as_of)
            except SegdslError as exc:
                assert exc.diagnostics[0].code == "S001"
                assert engine == "clickhouse" and seg.rule_text is not None
                assert "interests" in seg.rule_text, seg.rule_text
                continue
            usable.append((seg, expected))
        segs = [s for s, _e in usable]
        rows = session.query(compile_membership(segs, project.catalog, DIALECTS[engine], as_of))
        got = _columns(rows, segs)
        for seg, expected in usable:
            if got[seg.name] != expected:
                wrong[f"{as_of} {seg.rule_text}"] = sorted(got[seg.name] ^ expected)
    assert not wrong, wrong


@pytest.mark.parametrize("local", ZONED_AS_OF)
@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("engine", MATRIX_ENGINES)
def test_zoned_corpus_matches_duckdb_and_oracle(
    engine: str, zone: str, local: str, edge_session, run_duckdb
) -> None:
    """The corpus in a time zone (language.md §11), at local instants around both 2026
    switches of summer time: the entity whose rules use calendar windows, weekdays and
    hours, values of events, scores and segmentations, with S / not S in one statement."""
    project = zoned_project(zone)
    as_of = zoned_instant(zone, local)
    session = edge_session(engine)
    oracle = Oracle(edge_data.TABLES, project.catalog, as_of)
    segs = [s for s in project.segments.values() if s.entity == "person"]
    if engine != "spark":
        segs = _with_complements(project, segs)
    rows = session.query(compile_membership(segs, project.catalog, DIALECTS[engine], as_of))
    duck = _columns(run_duckdb(compile_membership(segs, project.catalog, "duckdb", as_of)), segs)
    got = _columns(rows, segs)
    problems: dict[str, Any] = {}
    for s in segs:
        if any(not _truth(r[i]) for i, r in ((segs.index(s) + 1, r) for r in rows)):
            problems[f"{s.name}: not two-valued"] = True
        want = oracle.members(s)
        if got[s.name] != want:
            problems[s.name] = (sorted(got[s.name] - want), sorted(want - got[s.name]))
        elif got[s.name] != duck[s.name]:
            problems[f"{s.name} vs duckdb"] = sorted(got[s.name] ^ duck[s.name])
    matrix_stats.COMPARISONS[engine] += sum(1 for s in segs if not s.name.startswith("not__"))
    assert not problems, f"{engine} in {zone} at {local}: {problems}"
