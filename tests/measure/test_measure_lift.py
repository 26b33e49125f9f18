"""`segdsl lift` on a small project: the numbers equal SciPy's over per-entity values
computed here in plain Python from the rows; bad input gets a message and exit 1."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.stats as ss
from measure_data import PRE_DAYS, T0, T1, group, per_customer, write_project
from typer.testing import CliRunner

import segdsl
from segdsl.cli import app
from segdsl.diagnostics import SegdslError
from segdsl.tools.measure.lift import lift

REL = 1e-9
RETAIL = Path(__file__).resolve().parents[2] / "examples" / "retail"


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("lift"))


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def arrays(values: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.array([values[k] for k in group("T")]),
        np.array([values[k] for k in group("C")]),
    )


def test_lift_equals_scipy(project_dir: Path) -> None:
    metric = 'sum(purchase.amount where status = "paid")'
    r = lift(segdsl.load_project(project_dir), "treated", "control", metric, T0, T1)
    t, c = arrays(per_customer(T0, T1))
    ref = ss.ttest_ind(t, c, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert (r.treatment.moments.n, r.control.moments.n) == (len(t), len(c))
    assert r.treatment.moments.mean == pytest.approx(t.mean(), rel=REL)
    assert r.control.moments.sd == pytest.approx(c.std(ddof=1), rel=REL)
    assert r.welch.p_value == pytest.approx(ref.pvalue, rel=REL)
    assert r.welch.ci95 == pytest.approx((ci.low, ci.high), rel=REL)
    assert r.relative is not None
    assert r.relative[0] == pytest.approx(t.mean() / c.mean() - 1, rel=REL)
    assert r.srm is None  # no sample in the control's rule, no share given


def test_cuped_equals_the_hand_computation(project_dir: Path) -> None:
    metric = 'sum(purchase.amount where status = "paid")'
    r = lift(
        segdsl.load_project(project_dir), "treated", "control", metric, T0, T1, pre_days=PRE_DAYS
    )
    y_t, y_c = arrays(per_customer(T0, T1))
    x_t, x_c = arrays(per_customer(T0 - dt.timedelta(days=PRE_DAYS), T0))
    x, y = np.concatenate([x_t, x_c]), np.concatenate([y_t, y_c])
    theta = np.cov(x, y, ddof=1)[0, 1] / x.var(ddof=1)
    adj_t, adj_c = y_t - theta * (x_t - x.mean()), y_c - theta * (x_c - x.mean())
    ref = ss.ttest_ind(adj_t, adj_c, equal_var=False)
    assert r.cuped is not None
    assert r.cuped.theta == pytest.approx(theta, rel=REL)
    assert r.cuped.welch.difference == pytest.approx(adj_t.mean() - adj_c.mean(), rel=REL)
    assert r.cuped.welch.p_value == pytest.approx(ref.pvalue, rel=1e-8)
    ci = ref.confidence_interval(0.95)
    assert r.cuped.welch.ci95 == pytest.approx((ci.low, ci.high), rel=REL)


def test_a_condition_gives_a_conversion_rate(project_dir: Path) -> None:
    r = lift(segdsl.load_project(project_dir), "treated", "control", "did purchase", T0, T1)
    bought = {k: 0.0 for k in per_customer(T0, T1)}
    from measure_data import ORDERS

    for cid, at, _amount, _status in ORDERS:
        if T0 <= at < T1:
            bought[cid] = 1.0
    t, c = arrays(bought)
    assert r.is_rate
    assert r.treatment.moments.mean == pytest.approx(t.mean(), rel=REL)
    assert r.welch.p_value == pytest.approx(ss.ttest_ind(t, c, equal_var=False).pvalue, rel=REL)


def test_the_expected_share_gives_the_srm_check(project_dir: Path) -> None:
    r = lift(
        segdsl.load_project(project_dir),
        "treated",
        "control",
        "count(purchase)",
        T0,
        T1,
        expected_control_share=0.5,
    )
    n_t, n_c = len(group("T")), len(group("C"))
    assert r.srm is not None
    assert r.srm.observed_share == pytest.approx(n_c / (n_t + n_c))
    ref = ss.chisquare([n_t, n_c], [(n_t + n_c) / 2] * 2).pvalue
    assert r.srm.p_value == pytest.approx(ref, rel=1e-9)


def test_json_keys_are_the_documented_ones(project_dir: Path) -> None:
    result = cli(
        "lift", "treated", "--control", "control", "--metric", "count(purchase)",
        "--from", "2026-07-01", "--to", "2026-07-31", "--pre-days", "30",
        "--expected-control-share", "0.5", "-p", str(project_dir), "-f", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == [
        "metric", "from", "to", "treatment", "control", "difference", "difference_ci95",
        "p_value", "relative_lift", "relative_lift_ci95", "cuped", "srm", "mde", "mde_relative",
    ]  # fmt: skip
    assert set(doc["treatment"]) == {"segment", "members", "n", "mean", "sd"}
    assert set(doc["cuped"]) == {
        "pre_days", "theta", "variance_reduction", "difference", "difference_ci95", "p_value",
    }  # fmt: skip
    assert set(doc["srm"]) == {"expected_share", "observed_share", "p_value"}
    for fmt in ("text", "markdown"):
        again = cli(
            "lift", "treated", "--control", "control", "--metric", "count(purchase)",
            "--from", "2026-07-01", "--to", "2026-07-31", "-p", str(project_dir), "-f", fmt,
        )  # fmt: skip
        assert again.exit_code == 0 and "relative lift" in again.stdout


BAD = [
    (["nosuch", "--control", "control", "--metric", "count(purchase)"], "U004", "nosuch"),
    (["treated", "--control", "control", "--metric", "age"], "M002", "attribute `age`"),
    (["treated", "--control", "control", "--metric", "sum(purchase.amount) in last 7 days"], "", ""),
    (["treated", "--control", "control", "--metric", "count(purchase in last 7 days)"], "M003", "window"),
    (["treated", "--control", "control", "--metric", "orders_30d"], "M003", "window"),
    (["treated", "--control", "control", "--metric", "first(purchase)"], "M002", ""),
    (["treated", "--control", "control", "--metric", "42"], "M002", "not an aggregate"),
    (["treated", "--control", "control", "--metric", ""], "M001", "empty"),
    (["treated", "--control", "control", "--metric", "country = \"T\""], "M002", "attribute"),
    (["treated", "--control", "nobody", "--metric", "count(purchase)"], "M013", "0 members"),
    (["treated", "--control", "lone_c", "--metric", "count(purchase)"], "M013", "1 members"),
    (["treated", "--control", "everyone_t", "--metric", "count(purchase)"], "M012", "in both"),
    (["treated", "--control", "treated", "--metric", "count(purchase)"], "M010", "same"),
    (["treated", "--control", "control", "--metric", "count(purchase)",
      "--expected-control-share", "1.5"], "M009", "between 0 and 1"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "text"), BAD)
def test_bad_input_is_a_message_and_exit_1(
    project_dir: Path, args: list[str], code: str, text: str
) -> None:
    result = cli(
        "lift", *args, "--from", "2026-07-01", "--to", "2026-07-31", "-p", str(project_dir)
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert code in result.stderr and text in result.stderr


def test_to_before_from_is_refused(project_dir: Path) -> None:
    result = cli(
        "lift", "treated", "--control", "control", "--metric", "count(purchase)",
        "--from", "2026-07-31", "--to", "2026-07-01", "-p", str(project_dir),
    )  # fmt: skip
    assert result.exit_code == 1 and "M007" in result.stderr
    bad_date = cli(
        "lift", "treated", "--control", "control", "--metric", "count(purchase)",
        "--from", "July", "--to", "2026-07-01", "-p", str(project_dir),
    )  # fmt: skip
    assert bad_date.exit_code == 1 and "M006" in bad_date.stderr


def test_the_retail_campaign_finds_the_planted_effect() -> None:
    """The example's treated customers order 1.5 times as often after 2026-06-30
    (generate.py): the relative lift's interval covers +50%, the numbers equal SciPy
    over the per-customer counts read here from the Parquet file, and CUPED shrinks the
    interval."""
    import duckdb

    project = segdsl.load_project(RETAIL)
    start, end = dt.datetime(2026, 6, 30), dt.datetime(2026, 7, 30)
    r = lift(
        project, "summer_email_target", "summer_email_holdout", "count(purchase)", start, end,
        pre_days=91,
    )  # fmt: skip
    assert r.relative is not None
    lo, hi = r.relative[1]
    assert lo <= 0.5 <= hi and lo > 0
    ev = project.evaluate(["summer_email_target", "summer_email_holdout"], start)
    con = duckdb.connect(":memory:")
    rows = con.execute(
        "SELECT customer_id, count(*) FROM read_parquet(?) WHERE ordered_at >= ? "
        "AND ordered_at < ? GROUP BY customer_id",
        [str(RETAIL / "data" / "orders.parquet"), start, end],
    ).fetchall()
    counts = dict(rows)
    t = np.array([counts.get(k, 0) for k in ev.members("summer_email_target")], dtype=float)
    c = np.array([counts.get(k, 0) for k in ev.members("summer_email_holdout")], dtype=float)
    ref = ss.ttest_ind(t, c, equal_var=False)
    assert r.welch.p_value == pytest.approx(ref.pvalue, rel=REL)
    assert r.cuped is not None
    cw = r.cuped.welch
    assert cw.ci95[1] - cw.ci95[0] < r.welch.ci95[1] - r.welch.ci95[0]
    assert r.srm is not None and r.srm.expected_share == 0.1 and r.srm.p_value > 0.01


def test_no_events_in_the_period_is_not_a_division_by_zero(project_dir: Path) -> None:
    later = dt.datetime(2030, 1, 1)
    r = lift(
        segdsl.load_project(project_dir), "treated", "control", "count(purchase)",
        later, later + dt.timedelta(days=1), pre_days=3,
    )  # fmt: skip
    assert r.welch.difference == 0.0 and r.relative is None
    doc = r.to_json()
    assert doc["relative_lift"] is None and doc["mde_relative"] is None
    json.dumps(doc, allow_nan=False)


def test_errors_are_segdsl_errors(project_dir: Path) -> None:
    with pytest.raises(SegdslError):
        lift(segdsl.load_project(project_dir), "treated", "control", "age", T0, T1)


def test_events_stamped_with_dates(tmp_path: Path) -> None:
    """Orders stamped with dates only: the period is the days [T0, T1) — an order on
    T1's date is outside — and the numbers still equal SciPy's."""
    import duckdb

    root = write_project(tmp_path / "dates")
    orders = str(root / "data" / "orders.parquet")
    con = duckdb.connect(":memory:")
    con.execute(
        "CREATE TABLE o AS SELECT customer_id, CAST(ordered_at AS DATE) AS ordered_at, amount, "
        "status FROM read_parquet(?)",
        [orders],
    )
    con.execute(f"COPY o TO '{orders}' (FORMAT parquet)")
    con.close()
    from measure_data import ORDERS

    values = {k: 0.0 for k in per_customer(T0, T1)}
    for cid, at, amount, status in ORDERS:
        if T0.date() <= at.date() < T1.date() and status == "paid":
            values[cid] += amount
    metric = 'sum(purchase.amount where status = "paid")'
    r = lift(segdsl.load_project(root), "treated", "control", metric, T0, T1, pre_days=PRE_DAYS)
    t, c = arrays(values)
    ref = ss.ttest_ind(t, c, equal_var=False)
    assert r.treatment.moments.mean == pytest.approx(t.mean(), rel=REL)
    assert r.welch.p_value == pytest.approx(ref.pvalue, rel=REL)


def test_the_same_report_twice(project_dir: Path) -> None:
    args = [
        "lift", "treated", "--control", "control", "--metric", "count(purchase)",
        "--from", "2026-07-01", "--to", "2026-07-31", "--pre-days", "30",
        "-p", str(project_dir), "-f", "json",
    ]  # fmt: skip
    assert cli(*args).stdout == cli(*args).stdout


def test_tables_named_like_the_statements_own_relations(tmp_path: Path) -> None:
    """Catalog tables called `members`, `joined`, `centre`, `profile_rows`: the
    statement's own relations take other names, and the numbers do not change."""
    from measure_data import CATALOG

    root = write_project(tmp_path / "names")
    data = root / "data"
    (data / "customers.parquet").rename(data / "members.parquet")
    (data / "orders.parquet").rename(data / "joined.parquet")
    catalog = CATALOG.replace("data/customers.parquet", "data/members.parquet")
    (root / "segdsl.toml").write_text(
        catalog.replace("data/orders.parquet", "data/joined.parquet"), encoding="utf-8"
    )
    metric = 'sum(purchase.amount where status = "paid")'
    r = lift(segdsl.load_project(root), "treated", "control", metric, T0, T1, pre_days=PRE_DAYS)
    t, c = arrays(per_customer(T0, T1))
    assert r.welch.p_value == pytest.approx(ss.ttest_ind(t, c, equal_var=False).pvalue, rel=REL)
    from segdsl.tools.measure.profile import profile

    p = profile(segdsl.load_project(root), "treated", as_of=T0)
    assert p.segment_size == len(group("T"))
