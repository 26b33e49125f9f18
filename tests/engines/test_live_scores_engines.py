"""The live scores' thresholds (segdsl.tools.live.scores: one statement per score, n
and the order statistics v(m_k) per group) are the same on every engine: the corpus's
scores on the edge dataset — ties, missing values, `per G`, timestamps, sums — on
SQLite, PostgreSQL, ClickHouse, Spark and DataFusion, compared with DuckDB's (which
tests/live checks against the batch evaluation and the formula)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import edge_data
import pytest
from engine_sessions import MATRIX_ENGINES

from segdsl.tools.live import LiveEvaluator
from segdsl.tools.live.scores import score_cutoffs


def _plain(table: dict[Any, list[Any]]) -> dict[Any, list[Any]]:
    """Numbers as floats (an engine may hand back a decimal or a binary float)."""
    out = {}
    for group, row in table.items():
        values = [v if isinstance(v, dt.date) else float(v) for v in row[2:]]
        out[group] = [row[0], *values]
    return out


@pytest.mark.parametrize("engine", MATRIX_ENGINES)
def test_score_thresholds_match_duckdb(engine: str, edge_session: Any, project: Any) -> None:
    live = LiveEvaluator(project)
    assert len(live.scores) >= 4
    at = edge_data.T
    want = score_cutoffs(project, live.scores, at, edge_session("duckdb"))
    got = score_cutoffs(project, live.scores, at, edge_session(engine))
    assert any(len(table) > 1 for table in want.values())  # `per G`: several groups
    for spec in live.scores:
        assert _plain(got[spec.key]) == _plain(want[spec.key]), (engine, spec.text)
