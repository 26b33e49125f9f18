"""`segdsl overlap`: the intersection and Jaccard matrices against plain Python sets,
grouping by entity, the 100-column table, JSON, and the HTML heat map."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import hist_project as hp
import pytest
from hist_helpers import assert_clean_error, invoke

import segdsl
from segdsl.tools.overlap import overlap

NAMES = ("adults", "us", "recent_buyers", "top_spenders", "picky", "nobody_adult_kid")


@pytest.fixture
def data() -> hp.Data:
    return hp.make_data()


@pytest.fixture
def root(tmp_path: Path, data: hp.Data) -> Path:
    return hp.write_project(tmp_path / "proj", data)


def _jaccard(a: set[object], b: set[object]) -> float | None:
    union = a | b
    return len(a & b) / len(union) if union else None


def test_matrix_matches_python_sets(root: Path, data: hp.Data) -> None:
    code, out, err = invoke(
        "overlap", *NAMES, "-p", str(root), "--as-of", "2026-06-30", "-f", "json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["as_of"] == "2026-06-30T00:00:00"
    (m,) = doc["entities"]
    assert m["entity"] == "customer" and m["entity_count"] == len(data.customers)
    oracle = hp.Oracle(data, hp.T0)
    sets = [oracle.members(n) for n in NAMES]
    assert [s["name"] for s in m["segments"]] == list(NAMES)
    assert [s["members"] for s in m["segments"]] == [len(s) for s in sets]
    for i, a in enumerate(sets):
        for j, b in enumerate(sets):
            assert m["intersections"][i][j] == len(a & b), (NAMES[i], NAMES[j])
            expected = _jaccard(a, b)
            got = m["jaccard"][i][j]
            assert (got is None) == (expected is None)
            if expected is not None:
                assert got == pytest.approx(expected, abs=1e-6)
    # both empty: Jaccard undefined (null), not 0 or 1
    k = NAMES.index("nobody_adult_kid")
    assert m["jaccard"][k][k] is None
    pairs = {(p["a"], p["b"]): p for p in m["pairs"]}
    assert len(pairs) == len(NAMES) * (len(NAMES) - 1) // 2
    assert pairs[("adults", "us")]["both"] == len(sets[0] & sets[1])


def test_segments_of_other_entities_get_their_own_matrix(root: Path, data: hp.Data) -> None:
    o = overlap(segdsl.load_project(root), ["us", "north", "adults"], hp.T0)
    assert [(m.entity, m.names) for m in o.matrices] == [
        ("customer", ("us", "adults")),
        ("shop", ("north",)),
    ]
    shop = o.matrices[1]
    assert shop.entity_count == len(data.shops)
    assert shop.counts == ((len(hp.Oracle(data, hp.T0).north()),),)


def test_every_segment_by_default_and_repeated_names_once(root: Path) -> None:
    p = segdsl.load_project(root)
    o = overlap(p, None, hp.T0)
    assert sum(len(m.names) for m in o.matrices) == len(p.segments)
    o = overlap(p, ["us", "us", "adults"], hp.T0)
    assert o.matrices[0].names == ("us", "adults")


def test_text_table_fits_100_columns_with_many_segments(root: Path, data: hp.Data) -> None:
    seg = root / "segments.seg"
    extra = "".join(
        f"segment a_rather_long_segment_name_number_{i:02d} where age >= {10 + 3 * i}\n"
        for i in range(24)
    )
    seg.write_text(seg.read_text() + extra)
    code, out, err = invoke("overlap", "-p", str(root), "--as-of", "2026-06-30", columns=100)
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "a_rather_long_segment_name_…" in out  # abbreviated, numbered
    # the numbers are right: row `adults`, column of segment 30 (age >= 10 + 3*21 = 73)
    oracle = hp.Oracle(data, hp.T0)
    names = list(segdsl.load_project(root).segments)
    customer_names = [n for n in names if n != "north"]
    target = customer_names.index("a_rather_long_segment_name_number_21")
    old = oracle.where(lambda c: c.age is not None and c.age >= 73)
    both = len(oracle.adults() & old)
    row_no = customer_names.index("adults") + 1
    # find the block whose header holds the target column, then the adults row in it
    header_re = re.compile(r"^\s+(\d+(?:\s+\d+)*)$")
    found = None
    for i, line in enumerate(lines):
        m = header_re.match(line)
        if m and str(target + 1) in m.group(1).split():
            cols = [int(x) for x in m.group(1).split()]
            for row in lines[i + 1 :]:
                if row.split()[:2] == [str(row_no), "adults"]:
                    cells = row.split()[2:]
                    found = cells[cols.index(target + 1)]
                    break
            break
    assert found == f"{both:,}"


def test_html_heat_map(root: Path, tmp_path: Path, data: hp.Data) -> None:
    page = tmp_path / "out" / "overlap.html"
    page.parent.mkdir()
    code, out, err = invoke(
        "overlap", *NAMES, "young_us_buyers", "-p", str(root), "--as-of", "2026-06-30",
        "--html", str(page),
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("overlap as of 2026-06-30T00:00:00 UTC")
    assert f"heat map written to {page}" in err
    text = page.read_text(encoding="utf-8")
    assert sorted(p.name for p in page.parent.iterdir()) == ["overlap.html"]  # no temp file
    # self-contained: no script, no remote resources
    assert "<script" not in text and "http://" not in text and "https://" not in text
    assert "<style>" in text
    # the segment's title holds `<US>` and `&`: escaped in the page
    assert "Young &lt;US&gt; buyers &amp; co" in text
    assert "<US>" not in text

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.cells: list[str] = []
            self._in = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "td":
                self._in = True
                self.cells.append("")

        def handle_endtag(self, tag: str) -> None:
            if tag == "td":
                self._in = False

        def handle_data(self, d: str) -> None:
            if self._in:
                self.cells[-1] += d

    parser = Cells()
    parser.feed(text)
    names = (*NAMES, "young_us_buyers")
    oracle = hp.Oracle(data, hp.T0)
    sets = [oracle.members(n) for n in names]
    expected = []
    for i, a in enumerate(sets):
        for j, b in enumerate(sets):
            if i == j:
                expected.append(f"{len(a):,}")
            else:
                jac = _jaccard(a, b)
                expected.append(f"{len(a & b):,}" + ("-" if jac is None else f"{jac:.2f}"))
    assert parser.cells == expected


def test_html_folder_must_exist(root: Path, tmp_path: Path) -> None:
    code, _, err = invoke(
        "overlap", "us", "-p", str(root), "--html", str(tmp_path / "nope" / "x.html")
    )
    assert_clean_error(code, err, "U006")


def test_html_replaces_an_existing_page_whole(root: Path, tmp_path: Path) -> None:
    page = tmp_path / "o.html"
    page.write_text("old")
    assert invoke("overlap", "us", "adults", "-p", str(root), "--html", str(page))[0] == 0
    assert page.read_text().startswith("<!DOCTYPE html>")


def test_unknown_segment_and_no_data(root: Path) -> None:
    code, _, err = invoke("overlap", "us", "adultz", "-p", str(root))
    assert_clean_error(code, err, "U004")
    assert "did you mean `adults`" in err
    (root / "data" / "shops.csv").unlink()
    code, _, err = invoke("overlap", "us", "-p", str(root))
    assert_clean_error(code, err, "D001")
