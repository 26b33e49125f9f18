"""The same results on SQLite (standard library): every corpus segment against the
oracle and against DuckDB, the membership statement, the partition of S and `not S`,
and the hand-written expectations of test_semantics.py.

Lists are stored as JSON array text, dates as 'YYYY-MM-DD', timestamps as
'YYYY-MM-DD HH:MM:SS' and booleans as 0/1 (see conftest.py).
"""

from __future__ import annotations

import edge_data
import pytest
from edge_data import ALL_KEYS
from test_semantics import (
    AS_OF_CASES,
    HAND_CASES,
    OTHER_AS_OF,
    _as_of_id,
    _case_id,
    check_corpus_at,
    check_membership,
)

from segdsl.sql.compiler import compile_membership


def _entity_keys(entity: str) -> frozenset[object]:
    return ALL_KEYS[entity]


def test_corpus_segment_sqlite_matches_oracle(segment_name, project, oracle, members_of):
    segment = project.segments[segment_name]
    assert members_of(segment, "sqlite") == oracle.members(segment)


def test_corpus_segment_sqlite_matches_duckdb(segment_name, project, members_of):
    segment = project.segments[segment_name]
    assert members_of(segment, "sqlite") == members_of(segment, "duckdb")


def test_corpus_segment_partition_sqlite(segment_name, project, members_of):
    segment = project.segments[segment_name]
    complement = project.rule(f"not in segment {segment_name}", segment.entity)
    inside = members_of(segment, "sqlite")
    outside = members_of(complement, "sqlite")
    assert not inside & outside
    assert inside | outside == _entity_keys(segment.entity)


@pytest.mark.parametrize("entity", ["customer", "account", "shopper"])
def test_membership_sqlite_matches_oracle(entity, project, oracle, run_sqlite):
    segments = [s for s in project.segments.values() if s.entity == entity]
    sql = compile_membership(segments, project.catalog, "sqlite", edge_data.T)
    # SQLite has no boolean type: a condition is 0 or 1, and never NULL.
    check_membership(run_sqlite(sql), segments, oracle, lambda v: v in (0, 1))


@pytest.mark.parametrize("as_of", OTHER_AS_OF, ids=lambda t: t.isoformat())
def test_corpus_sqlite_matches_oracle_at_other_instants(as_of, project, oracle_at, members_of):
    check_corpus_at(project, "sqlite", as_of, oracle_at(as_of), members_of)


@pytest.mark.parametrize(("rule", "entity", "expected"), HAND_CASES, ids=map(_case_id, HAND_CASES))
def test_hand_written_sqlite(rule, entity, expected, project, members_of):
    assert members_of(project.rule(rule, entity), "sqlite") == expected


@pytest.mark.parametrize(
    ("as_of", "rule", "expected"), AS_OF_CASES, ids=map(_as_of_id, AS_OF_CASES)
)
def test_hand_written_other_as_of_sqlite(as_of, rule, expected, project, members_of):
    assert members_of(project.rule(rule), "sqlite", as_of) == expected
