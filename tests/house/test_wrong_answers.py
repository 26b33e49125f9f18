"""Regression tests for the wrong answers of issue 13 (each failed before its fix).

The oracle is plain Python over the rows written to the project's CSV files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

import segdsl

AS_OF = "2026-06-30"

CUSTOMERS = [
    # customer_id, age, country
    (1, 25, "US"),
    (2, 31, "DE"),
    (3, 45, "US"),
    (4, None, "FR"),
    (5, 30, None),
]


def write_project(root: Path, toml_extra: str = "", rules: str = "", key_type: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    with (root / "customers.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "age", "country"])
        for row in CUSTOMERS:
            w.writerow(["" if v is None else v for v in row])
    (root / "segdsl.toml").write_text(
        '[entity.customer]\nsource = "customers.csv"\nkey = "customer_id"\n'
        '[entity.customer.attributes]\nage = "integer"\ncountry = "string"\n' + toml_extra,
        encoding="utf-8",
    )
    (root / "rules.seg").write_text(rules or "segment adults where age >= 18\n", encoding="utf-8")
    return root


def oracle(pred: object) -> list[int]:
    return sorted(r[0] for r in CUSTOMERS if pred(r))  # type: ignore[operator]


# ---- a segment named like the entity's key --------------------------------------------


def test_segment_named_like_the_key_is_not_every_entity(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        rules='segment customer_id where age > 30\nsegment other where country = "US"\n',
    )
    project = segdsl.load_project(root)
    result = project.evaluate(as_of=AS_OF)
    over_30 = oracle(lambda r: r[1] is not None and r[1] > 30)
    us = oracle(lambda r: r[2] == "US")
    assert result.members("customer_id") == over_30
    assert result.sizes["customer_id"].members == len(over_30)
    assert result.members("other") == us
    # Alone, too (sizes only and with members).
    alone = project.evaluate(["customer_id"], as_of=AS_OF)
    assert alone.sizes["customer_id"].members == len(over_30)


def test_segment_named_like_the_key_in_other_case(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", rules="segment CUSTOMER_ID where age > 30\n")
    result = segdsl.load_project(root).evaluate(as_of=AS_OF)
    assert result.members("CUSTOMER_ID") == oracle(lambda r: r[1] is not None and r[1] > 30)


def test_membership_sql_never_names_two_columns_alike(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        rules="segment customer_id where age > 30\nsegment b where in segment customer_id\n",
    )
    project = segdsl.load_project(root)
    sql = project.compile_membership(dialect="duckdb", as_of=AS_OF)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE customers AS SELECT * FROM read_csv(?)", [str(root / "customers.csv")]
    )
    rel = con.sql(sql)
    names = [c.lower() for c in rel.columns]
    assert len(set(names)) == len(names), rel.columns
    rows = rel.fetchall()
    over_30 = set(oracle(lambda r: r[1] is not None and r[1] > 30))
    assert {r[0] for r in rows if r[1]} == over_30
    assert {r[0] for r in rows if r[2]} == over_30


# ---- unnamed rules ----------------------------------------------------------------------


def test_two_unnamed_rules_are_two_results(tmp_path: Path) -> None:
    project = segdsl.load_project(write_project(tmp_path / "p"))
    first = project.rule("age > 30")
    second = project.rule('country = "US"')
    result = project.evaluate([first, second], as_of=AS_OF)
    assert len(result.sizes) == 2
    names = list(result.sizes)
    assert result.members(names[0]) == oracle(lambda r: r[1] is not None and r[1] > 30)
    assert result.members(names[1]) == oracle(lambda r: r[2] == "US")
    assert [s.segment for s in result.sizes.values()] == names


def test_the_same_segment_twice_is_one_result(tmp_path: Path) -> None:
    project = segdsl.load_project(write_project(tmp_path / "p"))
    result = project.evaluate(["adults", "adults"], as_of=AS_OF)
    assert list(result.sizes) == ["adults"]


# ---- exports keep the key's type ----------------------------------------------------------


def text_key_project(root: Path) -> Path:
    root.mkdir(parents=True)
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT * FROM (VALUES ('2024-01-01', 40), ('2024-01-02', 20), ('2024-01-03', 50))"
        " AS t(customer_id, age)) TO ? (FORMAT parquet)",
        [str(root / "customers.parquet")],
    )
    (root / "segdsl.toml").write_text(
        '[entity.customer]\nsource = "customers.parquet"\nkey = "customer_id"\n'
        '[entity.customer.attributes]\nage = "integer"\n',
        encoding="utf-8",
    )
    (root / "r.seg").write_text("segment old where age > 30\nsegment all_ where age > 0\n")
    return root


@pytest.mark.parametrize("names", [["old"], ["old", "all_"]])
def test_parquet_export_keeps_a_text_key_text(tmp_path: Path, names: list[str]) -> None:
    project = segdsl.load_project(text_key_project(tmp_path / "p"))
    out = tmp_path / "m.parquet"
    project.evaluate(names, as_of=AS_OF).export(out)
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_parquet('{out}')")
    key_type = dict(zip(rel.columns, rel.types, strict=True))[
        "customer_id" if len(names) == 1 else "key"
    ]
    assert str(key_type) == "VARCHAR"
    keys = sorted(
        r[rel.columns.index("customer_id" if len(names) == 1 else "key")] for r in rel.fetchall()
    )
    assert "2024-01-01" in keys and "2024-01-03" in keys


def test_jsonl_and_csv_exports_keep_a_text_key_text(tmp_path: Path) -> None:
    project = segdsl.load_project(text_key_project(tmp_path / "p"))
    result = project.evaluate(["old"], as_of=AS_OF)
    result.export(tmp_path / "m.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "m.jsonl").read_text().splitlines()]
    assert sorted(x["customer_id"] for x in lines) == ["2024-01-01", "2024-01-03"]
    result.export(tmp_path / "m.csv")
    assert (tmp_path / "m.csv").read_text().splitlines()[1:] == ["2024-01-01", "2024-01-03"]


def test_parquet_export_keeps_an_integer_key_integer(tmp_path: Path) -> None:
    project = segdsl.load_project(write_project(tmp_path / "p"))
    out = tmp_path / "m.parquet"
    project.evaluate(["adults"], as_of=AS_OF).export(out)
    rel = duckdb.connect().sql(f"SELECT * FROM read_parquet('{out}')")
    assert str(rel.types[0]) == "BIGINT"
    assert sorted(r[0] for r in rel.fetchall()) == oracle(lambda r: r[1] is not None and r[1] >= 18)


def test_sizes_only_evaluation_has_no_members(tmp_path: Path) -> None:
    project = segdsl.load_project(write_project(tmp_path / "p"))
    result = project.evaluate(as_of=AS_OF, members=False)
    assert result.sizes["adults"].members == len(oracle(lambda r: r[1] is not None and r[1] >= 18))
    assert result.sizes["adults"].entity_count == len(CUSTOMERS)
    with pytest.raises(ValueError, match="sizes only"):
        result.members("adults")


# ---- segdsl.toml: every section checked at load --------------------------------------------


@pytest.mark.parametrize(
    ("extra", "code", "line", "near"),
    [
        ('[engine.postgress]\ndsn = "postgresql://x@h/db"\n', "C030", 7, "postgres"),
        ('[engine.sqlite]\npaht = "x.sqlite"\n', "C031", 8, "path"),
        ("[history]\nlock_timout = 3\n", "H001", 8, "lock_timeout"),
        ('[lint]\nselct = ["W2"]\n', "L001", 8, "select"),
        ('[lint]\nhygiene = "yes"\n', "L001", 8, ""),
        ('[entity.customer.location]\nlatt = "a"\nlon = "b"\n', "C001", 8, "lat"),
    ],
)
def test_check_refuses_a_misspelt_section_or_key(
    tmp_path: Path, extra: str, code: str, line: int, near: str
) -> None:
    from segdsl.diagnostics import SegdslError

    root = write_project(tmp_path / "p", toml_extra=extra)
    with pytest.raises(SegdslError) as info:
        segdsl.load_project(root)
    # (a missing key may come with the unknown one)
    diag = next(d for d in info.value.diagnostics if "unknown" in d.message or not near)
    assert diag.code == code
    assert diag.span is not None and diag.span.line == line, diag
    if near:
        assert f"did you mean `{near}`?" in diag.hint


def test_catalog_from_memory_points_at_lines_without_a_file(tmp_path: Path) -> None:
    """A catalog read from a git revision (text in memory, no file on disk): engine
    messages still point at the line in its text."""
    from segdsl.diagnostics import SegdslError
    from segdsl.project import project_from_texts

    text = (
        '[entity.customer]\nsource = "customers.csv"\nkey = "customer_id"\n'
        "[engine.sqlite]\npath = 3\n"
    )
    with pytest.raises(SegdslError) as info:
        project_from_texts(tmp_path / "nowhere", text, {"r.seg": "segment a where true\n"})
    (diag,) = info.value.diagnostics
    assert diag.code == "C031" and diag.span is not None and diag.span.line == 5


# ---- small ones -----------------------------------------------------------------------------


def test_element_of_a_non_list_type_is_an_error() -> None:
    from segdsl.catalog.types import Type

    assert Type.LIST_STRING.element is Type.STRING
    assert Type.LIST_INTEGER.element is Type.INTEGER
    for t in Type:
        if not t.is_list:
            with pytest.raises(TypeError):
                _ = t.element


@pytest.mark.parametrize(
    ("name", "logical"),
    [
        ("INTERVAL", ""),
        ("point", ""),
        ("INTERVAL DAY TO SECOND", ""),
        ("interval[]", ""),
        ("BIGINT", "integer"),
        ("Nullable(UInt32)", "integer"),
        ("int4", "integer"),
        ("integer[]", "list<integer>"),
        ("Array(LowCardinality(String))", "list<string>"),
        ("DECIMAL(10,2)", "number"),
    ],
)
def test_logical_of_reads_only_integers_as_integers(name: str, logical: str) -> None:
    from segdsl.engines.base import logical_of

    assert logical_of(name) == logical


def test_key_type_of_no_keys_claims_no_type() -> None:
    from segdsl.tools.history import key_type_of

    assert key_type_of([]) == "empty"
    assert key_type_of(["a"]) == "string"


def test_parsing_leaves_the_garbage_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(gc, "enable", lambda: calls.append("enable"))
    segdsl.parse("segment a where age > 3\nsegment b where not (age > 3 or age < 1)\n")
    assert calls == []
