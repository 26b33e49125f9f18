"""`segdsl profile`: every number equals pandas over the same rows (shares, index,
missing shares, means and quartiles with pandas' default linear interpolation)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from measure_data import CUSTOMERS, ORDERS, write_project
from typer.testing import CliRunner

import segdsl
from segdsl.cli import app
from segdsl.tools.measure.profile import Profile, profile, quartile

AS_OF = dt.datetime(2026, 7, 15)
RETAIL = Path(__file__).resolve().parents[2] / "examples" / "retail"


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("profile"))


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """The customers with the two measures, computed here from the orders."""
    df = pd.DataFrame(CUSTOMERS)
    orders = pd.DataFrame(ORDERS, columns=["customer_id", "ordered_at", "amount", "status"])
    seen = orders[orders.ordered_at <= AS_OF]
    paid = seen[seen.status == "paid"].groupby("customer_id").amount.sum()
    recent = seen[seen.ordered_at > AS_OF - dt.timedelta(days=30)].groupby("customer_id").size()
    df["spend"] = df.customer_id.map(paid).fillna(0.0)
    df["orders_30d"] = df.customer_id.map(recent).fillna(0).astype(float)
    return df


def check_numbers(p: Profile, seg: pd.DataFrame, base: pd.DataFrame) -> None:
    assert (p.segment_size, p.base_size) == (len(seg), len(base))
    for n in p.numeric:
        for got, rows in ((n.segment, seg), (n.base, base)):
            col = rows[n.name].dropna().astype(float)
            assert got.n == len(col)
            if not len(col):
                assert got.mean is None and got.median is None
                continue
            assert got.mean == pytest.approx(col.mean(), rel=1e-9)
            for q, value in ((0.25, got.q1), (0.5, got.median), (0.75, got.q3)):
                assert value == pytest.approx(col.quantile(q), rel=1e-12), (n.name, q)
        assert n.missing_segment == pytest.approx(seg[n.name].isna().mean())
    for c in p.categorical:
        s_counts = seg[c.name].map(_label).value_counts(dropna=False)
        b_counts = base[c.name].map(_label).value_counts(dropna=False)
        assert c.missing_segment == pytest.approx(seg[c.name].isna().mean())
        assert c.missing_base == pytest.approx(base[c.name].isna().mean())
        for v in c.values:
            key = v.value if v.value is not None else None
            s = s_counts.get(key, 0) if key is not None else seg[c.name].isna().sum()
            b = b_counts.get(key, 0) if key is not None else base[c.name].isna().sum()
            assert (v.segment, v.base) == (s, b), (c.name, v.value)
            assert v.segment_share == pytest.approx(s / len(seg))
            if b:
                assert v.index == pytest.approx(100 * (s / len(seg)) / (b / len(base)))
    for c in p.lists:
        for v in c.values:
            if v.value is None:
                assert v.segment == seg.interests.isna().sum()
                continue

            def holds(xs: Any, e: str = v.value) -> bool:
                return xs is not None and e in xs

            assert v.base == int(base.interests.map(holds).sum())
            assert v.segment == int(seg.interests.map(holds).sum())


def _label(x: Any) -> Any:
    if isinstance(x, bool):
        return "true" if x else "false"
    return None if x is None or (isinstance(x, float) and pd.isna(x)) else str(x)


def test_profile_equals_pandas(project_dir: Path, frame: pd.DataFrame) -> None:
    p = profile(segdsl.load_project(project_dir), "treated", as_of=AS_OF)
    check_numbers(p, frame[frame.country == "T"], frame)
    names = [n.name for n in p.numeric]
    assert {"age", "income", "spend", "orders_30d"} <= set(names)
    assert {c.name for c in p.categorical} == {"country", "device", "is_subscribed"}
    assert [c.name for c in p.lists] == ["interests"]
    # sorted by distinctiveness
    assert [c.distinctiveness for c in p.categorical] == sorted(
        (c.distinctiveness for c in p.categorical), reverse=True
    )
    assert p.categorical[0].name == "country"  # the segment is one country


def test_profile_against_another_segment(project_dir: Path, frame: pd.DataFrame) -> None:
    p = profile(segdsl.load_project(project_dir), "subscribed", "everyone_t", as_of=AS_OF)
    seg = frame[frame.is_subscribed.eq(True)]
    base = frame[frame.country.isin(["T", "C"])]
    # the segment's numbers are its own, the base's its own (a segment need not be inside)
    check_numbers(p, seg, base)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 13])
def test_quartile_is_pandas_linear(n: int) -> None:
    values = sorted([3.0, -1.0, 2.5, 2.5, 10.0, 0.0, 7.0, 7.0, 7.0, 1.0, 4.0, 9.0, 5.5][:n])
    order = {i + 1: v for i, v in enumerate(values)}
    s = pd.Series(values)
    for k in (1, 2, 3):
        assert quartile(order, n, k) == pytest.approx(s.quantile(k / 4), rel=1e-15)


def test_profile_of_vip_matches_pandas_and_shows_what_differs() -> None:
    import duckdb

    project = segdsl.load_project(RETAIL)
    as_of = dt.datetime(2026, 6, 30)
    p = profile(project, "vip", as_of=as_of)
    members = set(project.evaluate(["vip"], as_of).members("vip"))
    con = duckdb.connect(":memory:")
    cust = con.execute(
        "SELECT customer_id, age, income, country, device, interests FROM read_parquet(?)",
        [str(RETAIL / "data" / "customers.parquet")],
    ).df()
    spend = con.execute(
        "SELECT customer_id, sum(amount)::DOUBLE AS s FROM read_parquet(?) WHERE status = 'paid' "
        "AND ordered_at <= ? GROUP BY customer_id",
        [str(RETAIL / "data" / "orders.parquet"), as_of],
    ).df()
    cust["lifetime_spend"] = cust.customer_id.map(
        dict(zip(spend.customer_id, spend.s, strict=True))
    ).fillna(0.0)
    seg = cust[cust.customer_id.isin(members)]
    by_name = {n.name: n for n in p.numeric}
    for name in ("age", "income", "lifetime_spend"):
        got = by_name[name]
        for summary, rows in ((got.segment, seg), (got.base, cust)):
            col = rows[name].dropna().astype(float)
            assert summary.mean == pytest.approx(col.mean(), rel=1e-9)
            assert summary.median == pytest.approx(col.median(), rel=1e-12)
            assert summary.q3 == pytest.approx(col.quantile(0.75), rel=1e-12)
    country = next(c for c in p.categorical if c.name == "country")
    us = next(v for v in country.values if v.value == "US")
    assert us.segment == int((seg.country == "US").sum())
    assert us.base == int((cust.country == "US").sum())
    # what makes a VIP: spend, far ahead of any attribute
    assert p.numeric[0].kind == "measure" and "spend" in p.numeric[0].name
    assert set(p.skipped) == {"email", "full_name"}


def test_cli_formats(project_dir: Path) -> None:
    runner = CliRunner()
    base = ["profile", "treated", "-p", str(project_dir), "--as-of", "2026-07-15"]
    doc = json.loads(runner.invoke(app, [*base, "-f", "json"]).stdout)
    assert list(doc) == [
        "segment", "base", "entity", "as_of", "segment_size", "base_size", "categorical",
        "lists", "skipped", "numeric",
    ]  # fmt: skip
    html = runner.invoke(app, [*base, "-f", "html"]).stdout
    assert html.startswith("<!DOCTYPE html>") and "http" not in html.replace("http-equiv", "")
    assert "<script" not in html
    md = runner.invoke(app, [*base, "-f", "markdown"]).stdout
    assert "| value | segment | base | index |" in md
    text = runner.invoke(app, [*base])
    assert text.exit_code == 0 and "country" in text.stdout
    # deterministic
    assert (
        runner.invoke(app, [*base, "-f", "json"]).stdout
        == runner.invoke(app, [*base, "-f", "json"]).stdout
    )


def test_an_empty_segment_is_a_message(project_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["profile", "nobody", "-p", str(project_dir), "--as-of", "2026-07-15"]
    )
    assert result.exit_code == 1 and "M014" in result.stderr
    unknown = CliRunner().invoke(app, ["profile", "nosuch", "-p", str(project_dir)])
    assert unknown.exit_code == 1 and "U004" in unknown.stderr


def test_a_segmentation_is_profiled_by_class(tmp_path: Path, frame: pd.DataFrame) -> None:
    from measure_data import RULES

    rules = RULES + (
        "segmentation band\n  younger where age < 30\n  middle where age < 50\n  rest\n"
    )
    root = write_project(tmp_path / "seg", rules=rules)
    p = profile(segdsl.load_project(root), "treated", as_of=AS_OF)
    band = next(c for c in p.categorical if c.name == "band")
    assert band.kind == "segmentation"

    def cls(age: Any) -> str:
        if age is not None and not pd.isna(age) and age < 30:
            return "younger"
        if age is not None and not pd.isna(age) and age < 50:
            return "middle"
        return "rest"

    seg = frame[frame.country == "T"]
    for v in band.values:
        assert v.segment == int((seg.age.map(cls) == v.value).sum())
        assert v.base == int((frame.age.map(cls) == v.value).sum())
    assert band.missing_segment == 0.0  # a catch-all: every entity has a class
