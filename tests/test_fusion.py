"""Fused evaluation: many segments in one statement compute each shared part once.

The answers themselves are checked against the oracle for the whole corpus in
test_semantics.py / test_engines_sqlite.py (the membership statement); these tests pin
the *shape* that makes fusion cheap: one grouped pass per event source, each distinct
aggregate once, and a segment used through `in segment` computed once and reused.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

import segdsl
from segdsl.sql.compiler import compile_membership

AS_OF = dt.datetime(2026, 6, 30)

CATALOG = """\
[project]
name = "fusion"

[entity.customer]
source = "customers"
key = "customer_id"

[entity.customer.attributes]
age = "integer"
country = "string"

[event.purchase]
source = "orders"
entity = "customer"
key = "customer_id"
timestamp = "ordered_at"

[event.purchase.fields]
amount = "number"
"""

RULES = """\
measure purchases_90d = count(purchase in last 90 days)
segment buyers where purchases_90d >= 1
segment young_buyers where in segment buyers and age < 30
segment young_buyers_us where in segment young_buyers and country = "US"
segment not_buyers where not in segment buyers
segment big where sum(purchase.amount in last 90 days) > 100 and purchases_90d >= 2
"""


@pytest.fixture
def project(tmp_path: Path) -> segdsl.Project:
    (tmp_path / "segdsl.toml").write_text(CATALOG, encoding="utf-8")
    (tmp_path / "rules.seg").write_text(RULES, encoding="utf-8")
    return segdsl.load_project(tmp_path)


def test_each_distinct_aggregate_is_computed_once(project: segdsl.Project) -> None:
    sql = compile_membership(list(project.segments.values()), project.catalog, "duckdb", AS_OF)
    # purchases_90d is used by three segments, directly and through `in segment`.
    assert sql.count("AS purchase_count_90d") == 2  # the grouped pass and base
    assert sql.count("FROM orders") == 1  # one pass over the event source


def test_in_segment_reuses_the_computed_column(project: segdsl.Project) -> None:
    sql = compile_membership(list(project.segments.values()), project.catalog, "duckdb", AS_OF)
    # `buyers` is computed once, in the first layer; the others read its column.
    assert sql.count("purchase_count_90d >= 1") == 1
    assert "segments_1 AS" in sql and "segments_2 AS" in sql
    assert sql.count("age < 30") == 1


def test_a_segment_alone_keeps_the_flat_shape(project: segdsl.Project) -> None:
    sql = compile_membership([project.segments["young_buyers"]], project.catalog, "duckdb", AS_OF)
    assert "segments_1" not in sql  # nothing to share: the condition is inlined


def test_fused_answers_equal_one_statement_per_segment(project: segdsl.Project) -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE customers AS SELECT * FROM (VALUES (1, 25, 'US'), (2, 40, 'US'), "
        "(3, 22, NULL), (4, NULL, 'FR'), (5, 28, 'US')) t(customer_id, age, country)"
    )
    con.execute(
        "CREATE TABLE orders AS SELECT * FROM (VALUES "
        "(1, TIMESTAMP '2026-06-01 10:00:00', 80.0), (1, TIMESTAMP '2026-06-02 10:00:00', 30.0), "
        "(2, TIMESTAMP '2026-06-10 10:00:00', 500.0), (3, TIMESTAMP '2026-04-01 00:00:00', 5.0), "
        "(3, TIMESTAMP '2026-04-01 00:00:01', 5.0), (5, TIMESTAMP '2026-07-01 00:00:00', 9.0)"
        ") t(customer_id, ordered_at, amount)"
    )
    segments = list(project.segments.values())
    rows = con.execute(compile_membership(segments, project.catalog, "duckdb", AS_OF)).fetchall()
    for i, seg in enumerate(segments, start=1):
        fused = {r[0] for r in rows if r[i]}
        alone = {r[0] for r in con.execute(project.compile(seg, "duckdb", AS_OF)).fetchall()}
        assert fused == alone, seg.name
    # Worked by hand (the 90-day window is 2026-04-01 00:00:00 < ts <= T): 1 has 2 orders
    # worth 110, 2 has 1, 3 has 1 (its order at exactly 2026-04-01 00:00:00 is out), 5
    # ordered after T, 4 never.
    assert {r[0] for r in rows if r[1]} == {1, 2, 3}  # buyers
    assert {r[0] for r in rows if r[2]} == {1, 3}  # young buyers
    assert {r[0] for r in rows if r[3]} == {1}  # young US buyers
    assert {r[0] for r in rows if r[4]} == {4, 5}  # not buyers
    assert {r[0] for r in rows if r[5]} == {1}  # big: 2 orders worth 110 > 100


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_batches_give_the_same_answers(
    project: segdsl.Project, engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project larger than one statement's batch is evaluated in several statements
    (a segment used via `in segment` from another batch is computed there again): the
    sizes and members are those of one statement, on DuckDB (member lists aggregated
    in SQL) and SQLite (rows read into Python)."""
    from segdsl.engines.duckdb import DuckDBSession
    from segdsl.engines.sqlite import SQLiteSession
    from segdsl.evaluation import evaluate as evaluation

    def run() -> dict[str, tuple[int, int, list[object]]]:
        session = DuckDBSession() if engine == "duckdb" else SQLiteSession(tmp_path / "b.db")
        try:
            session.create_table(
                "customers",
                [("customer_id", "integer"), ("age", "integer"), ("country", "string")],
                [[1, 25, "US"], [2, 40, "US"], [3, 22, None], [4, None, "FR"], [5, 28, "US"]],
            )
            session.create_table(
                "orders",
                [("customer_id", "integer"), ("ordered_at", "timestamp"), ("amount", "number")],
                [
                    [1, dt.datetime(2026, 6, 1, 10), 80.0],
                    [1, dt.datetime(2026, 6, 2, 10), 30.0],
                    [2, dt.datetime(2026, 6, 10, 10), 500.0],
                    [3, dt.datetime(2026, 4, 1), 5.0],
                    [5, dt.datetime(2026, 7, 1), 9.0],
                ],
            )
            result = project.evaluate(list(project.segments.values()), AS_OF, session=session)
        finally:
            session.close()
        return {n: (s.members, s.entity_count, result.members(n)) for n, s in result.sizes.items()}

    whole = run()
    monkeypatch.setattr(evaluation, "BATCH", 2)
    assert [len(b) for b in evaluation._batches(list(project.segments.values()))] == [2, 2, 1]
    assert run() == whole
    assert whole["young_buyers_us"] == (1, 5, [1])
    # 3's only order is exactly 90 days before T: out of the window (worked by hand).
    assert whole["not_buyers"] == (3, 5, [3, 4, 5])
