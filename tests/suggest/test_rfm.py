"""`segdsl suggest --rfm`: the class conditions leave no gap and no overlap, keep to the
published ranges, and (once scores and segmentations are in the language) evaluate to
exactly the customers with purchases."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

import segdsl
from segdsl.cli import app
from segdsl.diagnostics import SegdslError
from segdsl.project import Project, project_from_texts
from segdsl.tools.suggest import rfm
from segdsl.tools.suggest.rfm import PUBLISHED, TABLE, RfmOptions, classify, suggest_rfm
from segdsl.tools.suggest.writer import language_has_segmentations

RETAIL = Path(__file__).resolve().parents[2] / "examples" / "retail"
NAME = ["--name", "rfm_table"]  # the retail example has a segmentation `rfm` of its own
# The retail example's own suggested files (examples/retail/README.md), left out of the
# copies below so that a suggestion can be made again.
SUGGESTED = ("suggested.seg", "rfm_classic.seg")


def _retail(root: Path) -> Path:
    shutil.copytree(RETAIL, root, ignore=shutil.ignore_patterns(*SUGGESTED))
    return root


def _retail_project() -> Project:
    catalog = (RETAIL / "segdsl.toml").read_text(encoding="utf-8")
    files = {
        str(p): p.read_text(encoding="utf-8")
        for p in sorted(RETAIL.glob("*.seg"))
        if p.name not in SUGGESTED
    }
    return project_from_texts(RETAIL, catalog, files)


def _cond_holds(cond: str, r: Fraction, fm: Fraction) -> bool:
    """An independent reading of the generated condition text."""
    env = {"recency": r, "fm": fm}
    for part in cond.split(" and "):
        m = re.fullmatch(r"(\w+) (>=|<=) ([\d.]+)", part)
        if m:
            v, bound = env[m.group(1)], Fraction(m.group(3))
            if not (v >= bound if m.group(2) == ">=" else v <= bound):
                return False
            continue
        m = re.fullmatch(r"(\w+) ([\d.]+)\.\.([\d.]+)", part)
        assert m, part
        if not Fraction(m.group(2)) <= env[m.group(1)] <= Fraction(m.group(3)):
            return False
    return True


@pytest.mark.parametrize("n", [3, 4, 5, 7, 10])
def test_first_match_covers_the_square_continuously(n: int) -> None:
    # Not only the score cells: every point of [1, n]² on a fine grid meets a class,
    # so first match wins gives each point exactly one class.
    conds = rfm.class_conditions(n)
    steps = 8 * (n - 1)
    for i in range(steps + 1):
        for j in range(steps + 1):
            r = 1 + Fraction(i * (n - 1), steps)
            fm = 1 + Fraction(j * (n - 1), steps)
            hits = [c for c, cond in conds if _cond_holds(cond, r, fm)]
            assert hits, (n, r, fm)
            assert hits[0] == classify(r, fm, n)


def test_every_group_is_reached_and_keeps_to_its_published_range() -> None:
    seen: dict[str, int] = {}
    for r in range(1, 6):
        for f in range(1, 6):
            for m in range(1, 6):
                fm = Fraction(f + m, 2)
                c = classify(r, fm)
                assert c is not None
                seen[c] = seen.get(c, 0) + 1
                (r_lo, r_hi), (f_lo, f_hi) = PUBLISHED[c]
                assert (r_lo is None or r >= r_lo) and (r_hi is None or r <= r_hi), (c, r)
                assert (f_lo is None or fm >= f_lo) and (f_hi is None or fm <= f_hi), (c, fm)
    assert set(seen) == {c for c, _, _, _ in TABLE}  # all eleven groups
    assert sum(seen.values()) == 125


def test_purchase_event_and_amount_are_found_or_asked_for(tmp_path: Path) -> None:
    project = _retail_project()
    assert rfm.purchase_event(project, "customer", None).name == "purchase"
    ev = project.catalog.events["purchase"]
    assert rfm.amount_field(ev, None) == "amount"
    with pytest.raises(SegdslError) as e:
        rfm.purchase_event(project, "customer", "nosuch")
    assert e.value.diagnostics[0].code == "K010"
    # Two purchase-like events: the user is asked to choose.
    root = tmp_path / "r"
    shutil.copytree(RETAIL, root, ignore=shutil.ignore_patterns("*.seg"))  # no rules at all
    toml = (root / "segdsl.toml").read_text()
    toml += (
        '\n[event.order_line]\nsource = "data/orders.parquet"\nentity = "customer"\n'
        'key = "customer_id"\ntimestamp = "ordered_at"\n\n'
        '[event.order_line.fields]\namount = "number"\n'
    )
    (root / "segdsl.toml").write_text(toml)
    two = segdsl.load_project(root)
    with pytest.raises(SegdslError) as e:
        rfm.purchase_event(two, "customer", None)
    assert e.value.diagnostics[0].code == "K010"
    assert "--event" in (e.value.diagnostics[0].hint or "")


@pytest.mark.parametrize(
    ("spec", "text"),
    [("365d", "365 days"), ("1y", "1 year"), ("12 months", "12 months"), ("52w", "52 weeks")],
)
def test_periods(spec: str, text: str) -> None:
    assert rfm.period_text(spec) == text


def test_bad_period() -> None:
    with pytest.raises(SegdslError) as e:
        rfm.period_text("a year")
    assert e.value.diagnostics[0].code == "K012"


def test_rfm_text() -> None:
    project = _retail_project()
    s = suggest_rfm(project, RfmOptions(period="180d", name="rfm_table"))
    assert "measure recency   = score 1..5 by last(purchase)" in s.text or (
        "score 1..5 by last(purchase)" in s.text
    )
    assert "count(purchase in last 180 days)" in s.text
    assert "sum(purchase.amount in last 180 days)" in s.text
    assert "segmentation rfm_table of customer" in s.text
    order = [c for c, _ in s.classes]
    positions = [s.text.index(f"  {c} ") for c in order]
    assert positions == sorted(positions)
    assert "  at_risk" in s.text.splitlines()[-1]


def test_rfm_of_retail_adds_up_to_the_customers_with_purchases(tmp_path: Path) -> None:
    if not language_has_segmentations():
        pytest.skip("the language does not read scores and segmentations yet (§14-15)")
    root = _retail(tmp_path / "retail")
    out = root / "rfm.seg"
    r = CliRunner().invoke(
        app,
        ["suggest", "-p", str(root), "--rfm", "--as-of", "2026-06-30", "--out", str(out), *NAME],
    )
    assert r.exit_code == 0, r.output
    for args in (
        ["check", "-p", str(root)],
        ["lint", "-p", str(root)],
        ["fmt", "--check", str(out)],
    ):
        done = CliRunner().invoke(app, args)
        assert done.exit_code == 0, (args, done.output)
    project = segdsl.load_project(root)
    names = [f"rfm_table.{c}" for c, _, _, _ in TABLE]
    buyers = project.rule("did purchase")
    result = project.evaluate(
        [*(project.segment(n) for n in names), buyers], dt.datetime(2026, 6, 30)
    )
    members = [set(result.members(n)) for n in names]
    union: set[object] = set().union(*members)
    assert sum(len(m) for m in members) == len(union)  # disjoint
    assert union == set(result.members(buyers.name))  # exactly the buyers


def test_without_scikit_learn_clusters_say_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sklearn", None)
    runner = CliRunner()
    root = _retail(tmp_path / "retail")
    base = ["suggest", "-p", str(root), "--as-of", "2026-06-30"]
    r = runner.invoke(app, [*base, "--features", "spend_365d", "--out", str(tmp_path / "a.seg")])
    assert r.exit_code == 1
    assert "error[K004]" in r.output and "pip install 'segdsl[suggest]'" in r.output
    assert "Traceback" not in r.output
    # RFM needs neither scikit-learn nor numpy.
    r = runner.invoke(app, [*base, "--rfm", "--out", str(tmp_path / "rfm.seg"), *NAME])
    assert r.exit_code == 0, r.output


ORACLE = """
SELECT c.customer_id, o.last, o.n, o.s
FROM read_parquet(?) c
LEFT JOIN (
  SELECT customer_id, MAX(ordered_at) AS last,
    COUNT(*) FILTER (WHERE ordered_at > TIMESTAMP '2025-06-30') AS n,
    COALESCE(SUM(amount) FILTER (WHERE ordered_at > TIMESTAMP '2025-06-30'), 0) AS s
  FROM read_parquet(?) WHERE ordered_at <= TIMESTAMP '2026-06-30' GROUP BY customer_id
) o USING (customer_id)
"""


def _scores(values: list[object], n: int = 5) -> list[int | None]:
    """language.md §14 in plain Python: 1 + floor(n × b / count) over the set values."""
    import bisect

    known = sorted(v for v in values if v is not None)
    return [
        None if v is None else 1 + (n * bisect.bisect_left(known, v)) // len(known) for v in values
    ]


def test_rfm_classes_of_retail_equal_a_python_oracle(tmp_path: Path) -> None:
    if not language_has_segmentations():
        pytest.skip("the language does not read scores and segmentations yet (§14-15)")
    import duckdb

    root = _retail(tmp_path / "retail")
    out = root / "rfm.seg"
    r = CliRunner().invoke(
        app,
        ["suggest", "-p", str(root), "--rfm", "--as-of", "2026-06-30", "--out", str(out), *NAME],
    )
    assert r.exit_code == 0, r.output
    data = RETAIL / "data"
    rows = (
        duckdb.connect()
        .execute(ORACLE, [str(data / "customers.parquet"), str(data / "orders.parquet")])
        .fetchall()
    )
    rs, fs, ms = (_scores([row[i] for row in rows]) for i in (1, 2, 3))
    want: dict[str, set[object]] = {c: set() for c, _, _, _ in TABLE}
    for row, rr, ff, mm in zip(rows, rs, fs, ms, strict=True):
        if rr is not None:
            assert ff is not None and mm is not None
            c = classify(rr, Fraction(ff + mm, 2))
            assert c is not None
            want[c].add(row[0])
    project = segdsl.load_project(root)
    result = project.evaluate([f"rfm_table.{c}" for c in want], dt.datetime(2026, 6, 30))
    for c, members in want.items():
        assert set(result.members(f"rfm_table.{c}")) == members, c
    assert all(want.values())  # every group has members on the retail example
