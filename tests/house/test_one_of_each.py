"""One of each (issue 13): the did-you-mean helper, the file reader, the engine registry
and the dialect capabilities looked up through sqlglot's class hierarchy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from segdsl.diagnostics import SegdslError
from segdsl.diagnostics.files import read_source, read_text
from segdsl.diagnostics.suggest import closest, did_you_mean

ROOT = Path(__file__).resolve().parents[2]


def segdsl_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "segdsl", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


# ---- did you mean ---------------------------------------------------------------------------


def test_closest() -> None:
    assert closest("purchase_90d", ["purchases_90d", "age"]) == "purchases_90d"
    assert closest("AGE", ["age", "page"]) == "age"
    assert closest("zzz", ["age"]) is None
    assert closest("x", []) is None
    assert did_you_mean("integr", ["integer", "number"]) == "did you mean `integer`? "
    assert did_you_mean("qqq", ["integer"]) == ""


# ---- one reader -------------------------------------------------------------------------------


def test_reader_codes(tmp_path: Path) -> None:
    with pytest.raises(SegdslError) as info:
        read_text(tmp_path / "missing.seg")
    assert info.value.diagnostics[0].code == "U010"
    bad = tmp_path / "bad.seg"
    bad.write_bytes(b"segment a\nwhere \xff\n")
    with pytest.raises(SegdslError) as info:
        read_source(bad)
    diag = info.value.diagnostics[0]
    assert diag.code == "U011" and diag.span is not None and diag.span.line == 2
    crlf = tmp_path / "crlf.seg"
    crlf.write_bytes(b"\xef\xbb\xbfa\r\nb\rc")
    assert read_source(crlf).text == "a\nb\nc"
    assert read_text(crlf) == "\ufeffa\r\nb\rc"


@pytest.mark.parametrize("what", ["catalog", "rules", "fmt"])
def test_a_file_that_is_not_utf8_is_u011_wherever_it_is_read(tmp_path: Path, what: str) -> None:
    (tmp_path / "segdsl.toml").write_text(
        '[entity.customer]\nsource = "c.csv"\nkey = "id"\n', encoding="utf-8"
    )
    (tmp_path / "r.seg").write_text("segment a where true\n", encoding="utf-8")
    target = tmp_path / ("segdsl.toml" if what == "catalog" else "r.seg")
    target.write_bytes(target.read_bytes() + b"# \xff\n")
    args = ["fmt", "-p", str(tmp_path)] if what == "fmt" else ["check", "-p", str(tmp_path)]
    proc = segdsl_cli(*args)
    assert proc.returncode == 1, proc.stderr
    assert "error[U011]" in proc.stderr


# ---- engines ----------------------------------------------------------------------------------


def test_registry_is_the_one_table() -> None:
    from segdsl.engines import DIALECTS, ENGINES, REGISTRY
    from segdsl.engines.sources import READS_FILES

    assert tuple(REGISTRY) == ENGINES
    assert {n: e.dialect for n, e in REGISTRY.items()} == DIALECTS
    assert {n for n, e in REGISTRY.items() if e.reads_files} == READS_FILES
    assert [n for n, e in REGISTRY.items() if e.embedded] == ["duckdb"]


def test_duckdb_session_agrees_with_its_entry() -> None:
    from segdsl.engines import REGISTRY, open_session

    session = open_session("duckdb", REGISTRY["duckdb"].settings(), ROOT)
    try:
        assert (session.name, session.dialect) == ("duckdb", REGISTRY["duckdb"].dialect)
    finally:
        session.close()


def test_unknown_engine_on_the_command_line_suggests(tmp_path: Path) -> None:
    proc = segdsl_cli("eval", "-p", str(ROOT / "examples/retail"), "--engine", "postgress")
    assert proc.returncode == 2
    assert "U050" in proc.stderr and "did you mean `postgres`?" in proc.stderr


# ---- dialects -----------------------------------------------------------------------------------


def test_capabilities_follow_sqlglot_class_hierarchy() -> None:
    from segdsl.sql.dialects import capabilities

    assert capabilities("fabric") == capabilities("tsql")
    assert capabilities("databricks") == capabilities("spark")
    assert capabilities("materialize") == capabilities("postgres")
    assert capabilities("doris") == capabilities("mysql")
    assert capabilities("fabric").boolean_values is False


def test_fabric_refuses_what_tsql_refuses(tmp_path: Path) -> None:
    proc = segdsl_cli(
        "compile", "-p", str(ROOT / "examples/retail"), "--membership", "-d", "fabric"
    )
    assert proc.returncode == 1
    assert "S001" in proc.stderr


@pytest.mark.parametrize("dialect", ["dax", "prql", "DAX"])
def test_non_sql_dialects_are_usage_errors(dialect: str) -> None:
    proc = segdsl_cli(
        "compile", "young_frequent_buyers", "-p", str(ROOT / "examples/retail"), "-d", dialect
    )
    assert proc.returncode == 2, proc.stderr
    assert "U002" in proc.stderr and "not a SQL dialect" in proc.stderr


def test_non_sql_dialect_in_the_catalog(tmp_path: Path) -> None:
    from segdsl.catalog.model import parse_catalog

    with pytest.raises(SegdslError) as info:
        parse_catalog('[project]\ndialect = "prql"\n[entity.c]\nsource = "t"\nkey = "id"\n')
    assert info.value.diagnostics[0].code == "C004"


def test_capability_keys_are_sqlglot_class_names() -> None:
    from sqlglot.dialects.dialect import Dialect

    from segdsl.sql.dialects import _CAPS

    for name in _CAPS:
        assert type(Dialect.get_or_raise(name)).__name__.lower() == name
