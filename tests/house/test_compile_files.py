"""`segdsl compile --read-files`: SQL over a file-sourced project that runs as it is in
DuckDB (piped into a separate DuckDB process), with the same members as `segdsl eval`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import segdsl

ROOT = Path(__file__).resolve().parents[2]
RETAIL = ROOT / "examples" / "retail"
AS_OF = "2026-06-30T00:00:00"
SEGMENT = "young_frequent_buyers"

# A separate process that runs the SQL it reads on standard input, from its folder.
DUCKDB_SHELL = (
    "import sys, duckdb\n"
    "con = duckdb.connect()\n"
    "con.execute(\"SET TimeZone = 'UTC'\")\n"
    "rows = con.sql(sys.stdin.read().strip().rstrip(';')).fetchall()\n"
    "print('\\n'.join(str(r[0]) for r in sorted(rows)))\n"
)


def compile_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "segdsl", "compile", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def run_in_duckdb(sql: str, cwd: Path) -> list[int]:
    proc = subprocess.run(
        [sys.executable, "-c", DUCKDB_SHELL],
        input=sql,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=True,
    )
    return [int(x) for x in proc.stdout.split()]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("proj") / "retail"
    shutil.copytree(RETAIL, root, ignore=shutil.ignore_patterns("*.duckdb", ".segdsl"))
    return root


@pytest.fixture(scope="module")
def expected(project: Path) -> list[int]:
    return segdsl.load_project(project).evaluate([SEGMENT], as_of=AS_OF).members(SEGMENT)


@pytest.mark.parametrize("mode", ["relative", "absolute"])
def test_piped_into_duckdb_gives_the_members(
    project: Path, expected: list[int], mode: str, tmp_path: Path
) -> None:
    # Run from a folder that is neither the project nor its parent.
    elsewhere = tmp_path / "a" / "b"
    elsewhere.mkdir(parents=True)
    proc = compile_cli(
        SEGMENT,
        "-p",
        str(project),
        "--as-of",
        AS_OF,
        "-d",
        "duckdb",
        "--read-files",
        mode,
        cwd=elsewhere,
    )
    assert proc.returncode == 0, proc.stderr
    assert "read_parquet(" in proc.stdout.lower()
    assert expected and run_in_duckdb(proc.stdout, elsewhere) == expected
    if mode == "relative":
        assert str(project) not in proc.stdout


def test_membership_reads_files_too(project: Path, expected: list[int], tmp_path: Path) -> None:
    proc = compile_cli(
        "--membership",
        SEGMENT,
        "-p",
        str(project),
        "--as-of",
        AS_OF,
        "--read-files",
        "absolute",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    script = DUCKDB_SHELL.replace("fetchall()", "fetchall()\nrows = [r for r in rows if r[1]]")
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=proc.stdout,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=True,
    ).stdout
    assert [int(x) for x in out.split()] == expected


def test_default_keeps_table_names(project: Path, tmp_path: Path) -> None:
    proc = compile_cli(SEGMENT, "-p", str(project), "--as-of", AS_OF, cwd=tmp_path)
    assert proc.returncode == 0
    assert "read_parquet" not in proc.stdout.lower() and "FROM customers AS e" in proc.stdout


def test_other_dialects_are_a_usage_error(project: Path, tmp_path: Path) -> None:
    proc = compile_cli(
        SEGMENT, "-p", str(project), "-d", "postgres", "--read-files", "relative", cwd=tmp_path
    )
    assert proc.returncode == 2
    assert "U051" in proc.stderr
