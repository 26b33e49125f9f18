"""Features of `segdsl suggest`, computed in one SQL pass, against hand-written SQL."""

# ruff: noqa: E402 (numpy is checked for before the imports that need it)
from __future__ import annotations

from suggest_needs import require_sklearn

require_sklearn()

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pytest

import segdsl
from segdsl.diagnostics import SegdslError
from segdsl.tools.suggest.features import draw_sample, resolve_features, split_features

RETAIL = Path(__file__).resolve().parents[2] / "examples" / "retail"
AS_OF = dt.datetime(2026, 6, 30)
ORACLE = """
SELECT c.customer_id, COALESCE(o.spend, 0), c.age, COALESCE(v.views, 0)
FROM read_parquet(?) c
LEFT JOIN (
  SELECT customer_id, SUM(amount) AS spend FROM read_parquet(?)
  WHERE status = 'paid' AND ordered_at > TIMESTAMP '2025-06-30' AND ordered_at <= TIMESTAMP '2026-06-30'
  GROUP BY customer_id
) o USING (customer_id)
LEFT JOIN (
  SELECT user_id AS customer_id, COUNT(*) AS views FROM read_parquet(?)
  WHERE event_name = 'page_view' AND ts > TIMESTAMP '2026-05-31' AND ts <= TIMESTAMP '2026-06-30'
  GROUP BY user_id
) v USING (customer_id)
"""


def test_features_equal_hand_written_sql() -> None:
    project = segdsl.load_project(RETAIL)
    specs = split_features("spend_365d, age, views=count(page_view in last 30 days)")
    features = resolve_features(project, specs, "customer")
    assert [f.name for f in features] == ["spend_365d", "age", "views"]
    assert [f.new_measure for f in features] == [False, False, True]
    sample = draw_sample(project, features, "customer", AS_OF, 10_000, 0, None)
    data = RETAIL / "data"
    rows = (
        duckdb.connect()
        .execute(
            ORACLE,
            [
                str(data / "customers.parquet"),
                str(data / "orders.parquet"),
                str(data / "events.parquet"),
            ],
        )
        .fetchall()
    )
    complete = {r[0]: r[1:] for r in rows if r[2] is not None}
    assert sample.entities == len(rows) == sample.sampled
    assert sample.incomplete == len(rows) - len(complete)
    assert sorted(sample.keys) == sorted(complete)
    want = np.array([complete[k] for k in sample.keys], dtype=float)
    assert np.allclose(sample.x, want)


def test_the_sample_is_seeded_and_at_most_the_size_asked() -> None:
    project = segdsl.load_project(RETAIL)
    features = resolve_features(project, ["spend_365d"], "customer")
    a = draw_sample(project, features, "customer", AS_OF, 1000, 7, None)
    b = draw_sample(project, features, "customer", AS_OF, 1000, 7, None)
    c = draw_sample(project, features, "customer", AS_OF, 1000, 8, None)
    assert a.sampled == 1000 and a.keys == b.keys and a.keys != c.keys


def test_split_features_keeps_commas_inside_parentheses_and_quotes() -> None:
    spec = 'a, n=count(purchase where category in ("a,b", "c")), b'
    assert split_features(spec) == ["a", 'n=count(purchase where category in ("a,b", "c"))', "b"]


@pytest.mark.parametrize(
    ("spec", "code"),
    [("country", "K002"), ("spend_365d=age", "K003"), ("age,age", "K003"), ("nosuch", "E201")],
)
def test_bad_features(spec: str, code: str) -> None:
    project = segdsl.load_project(RETAIL)
    with pytest.raises(SegdslError) as e:
        resolve_features(project, split_features(spec), "customer")
    assert e.value.diagnostics[0].code == code
