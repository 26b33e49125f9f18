"""`segdsl explain`: the waterfall and the `or` branches, checked against plain Python
sets computed from the same rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import hist_project as hp
import pytest
from hist_helpers import assert_clean_error, invoke

import segdsl
from segdsl.tools.explain import explain


@pytest.fixture
def data() -> hp.Data:
    return hp.make_data()


@pytest.fixture
def root(tmp_path: Path, data: hp.Data) -> Path:
    return hp.write_project(tmp_path / "proj", data)


def _waterfall(parts: list[set[object]], total: int) -> list[tuple[int, int, int]]:
    """(alone, remaining, removed) per part, by hand."""
    out = []
    remaining: set[object] | None = None
    before = total
    for p in parts:
        remaining = set(p) if remaining is None else remaining & p
        out.append((len(p), len(remaining), before - len(remaining)))
        before = len(remaining)
    return out


@pytest.mark.parametrize("as_of", hp.AS_OFS)
def test_waterfall_and_branches_match_python_sets(
    root: Path, data: hp.Data, as_of: dt.datetime
) -> None:
    oracle = hp.Oracle(data, as_of)
    code, out, err = invoke(
        "explain", "picky", "-p", str(root), "--as-of", as_of.isoformat(), "-f", "json"
    )
    assert code == 0, err
    doc = json.loads(out)
    n = len(data.customers)
    assert doc["entity_count"] == n
    assert doc["members"] == len(oracle.picky())
    assert [p["text"] for p in doc["parts"]] == [
        "age is set",
        '(country = "US" or country = "CA" or age >= 60)',
        "spend > 50",
        "top 50% by spend",
    ]
    expected = _waterfall(oracle.picky_parts(), n)
    assert [(p["alone"], p["remaining"], p["removed"]) for p in doc["parts"]] == expected
    assert doc["parts"][-1]["remaining"] == doc["members"]
    branches = oracle.picky_branches()
    got = doc["parts"][1]["branches"]
    assert [b["text"] for b in got] == ['country = "US"', 'country = "CA"', "age >= 60"]
    for j, b in enumerate(got):
        others = set().union(*(x for k, x in enumerate(branches) if k != j))
        assert b["alone"] == len(branches[j])
        assert b["only"] == len(branches[j] - others)
    assert all("branches" not in p for i, p in enumerate(doc["parts"]) if i != 1)


def test_top_level_or(root: Path, data: hp.Data) -> None:
    oracle = hp.Oracle(data, hp.T0)
    x = explain(segdsl.load_project(root), "anyone_odd", hp.T0)
    assert len(x.parts) == 1
    part = x.parts[0]
    assert part.alone == part.remaining == x.members == len(oracle.anyone_odd())
    branches = oracle.anyone_odd_branches()
    assert [b.text for b in part.branches] == ["age >= 65", 'country = "DE"', "buys_30d = 0"]
    for j, b in enumerate(part.branches):
        others = set().union(*(x for k, x in enumerate(branches) if k != j))
        assert (b.alone, b.only) == (len(branches[j]), len(branches[j] - others))
    code, out, _ = invoke("explain", "anyone_odd", "-p", str(root), "--as-of", "2026-06-30")
    assert code == 0
    assert "the rule is an `or`: what each branch brings" in out
    assert "only this branch" in out


def test_why_is_it_empty(root: Path, data: hp.Data) -> None:
    code, out, err = invoke("explain", "nobody_adult_kid", "-p", str(root), "--as-of", "2026-06-30")
    assert code == 0, err
    oracle = hp.Oracle(data, hp.T0)
    adults = oracle.adults()
    kids = oracle.where(lambda c: c.age is not None and c.age < 10)
    assert "0 of 80 entities are members" in out
    lines = {
        line.split()[0]: line.split() for line in out.splitlines() if line[:2].strip().isdigit()
    }
    assert lines["1"][-3:] == [str(len(adults)), str(len(adults)), f"-{80 - len(adults)}"]
    assert lines["2"][-3:] == [str(len(kids)), "0", f"-{len(adults)}"]
    assert f"note: part 2 removes the last {len(adults)} entities" in out


def test_a_part_that_selects_no_one_is_named(root: Path) -> None:
    code, out, _ = invoke(
        "explain",
        "-p",
        str(root),
        "--as-of",
        "2026-06-30",
        "--rule",
        'age >= 18 and country = "XX"',
    )
    assert code == 0
    assert 'note: part 2 selects no one, even on its own: country = "XX"' in out


def test_rule_and_single_part(root: Path, data: hp.Data) -> None:
    x = explain(segdsl.load_project(root), rule="buys_30d >= 1", as_of=hp.T0)
    assert x.segment == "rule"
    n = len(hp.Oracle(data, hp.T0).recent_buyers())
    assert [(p.text, p.alone, p.remaining) for p in x.parts] == [("buys_30d >= 1", n, n)]
    assert x.members == n


def test_ranking_part_means_the_same_alone(root: Path, data: hp.Data) -> None:
    # `top 20% by spend` alone ranks over the whole entity, as inside the rule
    x = explain(segdsl.load_project(root), rule="age >= 40 and top 20% by spend", as_of=hp.T0)
    oracle = hp.Oracle(data, hp.T0)
    older = oracle.where(lambda c: c.age is not None and c.age >= 40)
    assert x.parts[1].alone == len(oracle.top(20))
    assert x.members == x.parts[1].remaining == len(older & oracle.top(20))


def test_sql_is_the_compiled_segment(root: Path) -> None:
    code, out, _ = invoke(
        "explain", "young_us_buyers", "-p", str(root), "--as-of", "2026-06-30", "--sql"
    )
    assert code == 0
    p = segdsl.load_project(root)
    sql = p.compile("young_us_buyers", as_of="2026-06-30") + ";"
    assert out.rstrip().endswith(sql)
    code, out, _ = invoke(
        "explain", "young_us_buyers", "-p", str(root), "--as-of", "2026-06-30", "--sql",
        "-d", "postgres", "-f", "json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["sql"] == p.compile("young_us_buyers", "postgres", "2026-06-30") + ";"


def test_text_fits_100_columns(root: Path) -> None:
    seg = root / "segments.seg"
    long_or = " or ".join(f'country = "{c}{i}"' for i in range(12) for c in ("X",))
    seg.write_text(seg.read_text() + f"segment wide where age >= 1 and ({long_or})\n")
    code, out, _ = invoke("explain", "wide", "-p", str(root), "--as-of", "2026-06-30")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "…" in out


def test_unknown_segment_and_usage(root: Path) -> None:
    code, _, err = invoke("explain", "pickyy", "-p", str(root))
    assert_clean_error(code, err, "U004")
    assert "did you mean `picky`" in err
    code, _, err = invoke("explain", "picky", "-p", str(root), "--rule", "age > 1")
    assert code == 2 and "U007" in err
    code, _, err = invoke("explain", "-p", str(root))
    assert code == 2 and "U007" in err
    code, _, err = invoke("explain", "-p", str(root), "--rule", "age >")
    assert code == 1 and "Traceback" not in err


def test_no_data(root: Path) -> None:
    (root / "data" / "customers.csv").unlink()
    code, _, err = invoke("explain", "picky", "-p", str(root))
    assert_clean_error(code, err, "D001")


def test_date_stamped_events_are_explained(tmp_path: Path, data: hp.Data) -> None:
    """Events whose timestamps are dates make evaluate adapt the catalog; the parts
    built on the fly must still be evaluated (and follow the date rules)."""
    dated = hp.Data(
        data.customers,
        [
            hp.Order(o.key, dt.datetime.combine(o.at.date(), dt.time()), o.amount)
            for o in data.orders
        ],
        data.shops,
    )
    root = hp.write_project(tmp_path / "dated", dated)
    orders = root / "data" / "orders.csv"
    orders.write_text(orders.read_text().replace(" 00:00:00", ""))
    x = explain(segdsl.load_project(root), "young_us_buyers", hp.T0)
    # on dates, `in last 30 days` is date(T) - 30 < d <= date(T)
    t = hp.T0.date()
    buyers = {o.key for o in dated.orders if t - dt.timedelta(days=30) < o.at.date() <= t}
    oracle = hp.Oracle(dated, hp.T0)
    young = oracle.where(lambda c: c.age is not None and 18 <= c.age <= 30)
    assert x.parts[2].alone == len(buyers)
    assert x.members == len(young & oracle.us() & buyers)


def test_a_segment_named_like_the_internal_parts(root: Path, data: hp.Data) -> None:
    seg = root / "segments.seg"
    seg.write_text(
        seg.read_text() + 'segment segdsl_explain_part_1 where age >= 18 and country = "US"\n'
    )
    x = explain(segdsl.load_project(root), "segdsl_explain_part_1", hp.T0)
    oracle = hp.Oracle(data, hp.T0)
    assert [p.alone for p in x.parts] == [len(oracle.adults()), len(oracle.us())]
    assert x.members == len(oracle.adults() & oracle.us())
