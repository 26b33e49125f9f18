"""`segdsl eval --engine …` on the retail example prints the same sizes as the default
embedded DuckDB, and `segdsl load` copies the example's data into the engines that
cannot read Parquet. Also: the `[engine.*]` settings of segdsl.toml are checked with
clear errors.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from engine_sessions import postgres_database, require
from typer.testing import CliRunner

import segdsl.cli.engines  # noqa: F401  (registers `segdsl load`)
from segdsl import SegdslError
from segdsl.cli import app
from segdsl.engines import DIALECTS

RETAIL = Path(__file__).resolve().parents[2] / "examples" / "retail"
AS_OF = "2026-06-30"
# ClickHouse arrays are never missing, so a rule on a missing list cannot be expressed.
REFUSED = {"clickhouse": {"not_into_sports"}}


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    return result


def _sizes(project: Path, *extra: str) -> dict[str, Any]:
    result = _cli("eval", "-p", str(project), "--as-of", AS_OF, "-f", "json", *extra)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    return {s["name"]: (s["members"], s["entity_count"]) for s in doc["segments"]}


@pytest.fixture(scope="module")
def retail_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("retail") / "retail"
    shutil.copytree(RETAIL, root, ignore=shutil.ignore_patterns("*.sqlite", "__pycache__"))
    return root


@pytest.fixture(scope="module")
def duckdb_sizes(retail_copy: Path) -> dict[str, Any]:
    return _sizes(retail_copy)


def _configure(root: Path, engine: str, settings: str) -> None:
    text = (RETAIL / "segdsl.toml").read_text(encoding="utf-8")
    (root / "segdsl.toml").write_text(f"{text}\n[engine.{engine}]\n{settings}\n", encoding="utf-8")


@pytest.mark.parametrize("engine", ["sqlite", "postgres", "clickhouse", "spark", "datafusion"])
def test_eval_engine_prints_the_same_sizes(
    engine: str, retail_copy: Path, duckdb_sizes: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    require(engine)
    root = retail_copy.parent / f"retail_{engine}"
    if not root.exists():
        shutil.copytree(retail_copy, root)
    if engine == "sqlite":
        _configure(root, engine, 'path = "retail.sqlite"')
    elif engine == "postgres":
        _configure(root, engine, f"dsn = {json.dumps(postgres_database('segdsl_retail'))}")
    elif engine == "spark":
        request.getfixturevalue("spark_base")  # the run's one Spark session
        _configure(root, engine, 'master = "local[2]"')
    else:
        _configure(root, engine, "")
    if engine in ("sqlite", "postgres"):
        loaded = _cli("load", "--engine", engine, "-p", str(root))
        assert loaded.exit_code == 0, loaded.output
        assert "customers: 5,000 rows" in loaded.stdout
    import segdsl

    project = segdsl.load_project(root)
    names, refused = [], set()
    for name in project.segments:
        try:
            project.compile(name, dialect=DIALECTS[engine], as_of=AS_OF)
        except SegdslError as exc:
            assert exc.diagnostics[0].code == "S001"
            refused.add(name)
        else:
            names.append(name)
    assert refused == REFUSED.get(engine, set())
    got = _sizes(root, "--engine", engine, *(names if refused else []))
    want = {n: duckdb_sizes[n] for n in names}
    assert got == want


def test_unknown_engine_is_a_usage_error(retail_copy: Path) -> None:
    result = _cli("eval", "-p", str(retail_copy), "--as-of", AS_OF, "--engine", "oracle")
    assert result.exit_code == 2
    assert "unknown engine `oracle`" in result.output
    assert "duckdb, sqlite, postgres" in result.output


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ('[engine.sqlite]\nfile = "x.sqlite"', "unknown setting `file`"),
        ("[engine.sqlite]\n", "`engine.sqlite.path` is required"),
        ('[engine.postgres]\ndsn = "a"\ndsn_env = "B"', "give exactly one of `dsn` and `dsn_env`"),
        ("[engine.spark]\nmaster = 2", "`engine.spark.master`"),
        ('[engine.oracle]\nhost = "x"', "unknown engine `oracle`"),
    ],
)
def test_engine_settings_are_checked(tmp_path: Path, settings: str, message: str) -> None:
    root = tmp_path / "p"
    shutil.copytree(RETAIL, root)
    text = (RETAIL / "segdsl.toml").read_text(encoding="utf-8")
    (root / "segdsl.toml").write_text(text + "\n" + settings + "\n", encoding="utf-8")
    engine = settings.split("]")[0].removeprefix("[engine.")
    engine = engine if engine != "oracle" else "sqlite"
    result = _cli("eval", "-p", str(root), "--as-of", AS_OF, "--engine", engine)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "segdsl.toml:" in result.output  # the file and line of the setting


def test_postgres_without_settings_says_what_to_add(retail_copy: Path) -> None:
    result = _cli("eval", "-p", str(retail_copy), "--as-of", AS_OF, "--engine", "postgres")
    assert result.exit_code == 1
    assert "[engine.postgres]" in result.output and "dsn" in result.output


def test_sqlite_without_load_names_the_table_and_the_command(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(RETAIL, root)
    _configure(root, "sqlite", 'path = "empty.sqlite"')
    result = _cli("eval", "-p", str(root), "--as-of", AS_OF, "--engine", "sqlite")
    assert result.exit_code == 1
    assert "no table `customers` in the sqlite engine" in result.output
    assert "segdsl load --engine sqlite" in result.output
