"""`segdsl lift` and `segdsl profile` on every engine of the matrix give DuckDB's
numbers (a small project: 240 customers). Engines that are not installed skip here and
fail in CI (SEGDSL_REQUIRE_ENGINES=1), as the rest of the matrix does."""

from __future__ import annotations

import json
import math
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from engine_sessions import postgres_database, require
from typer.testing import CliRunner

from segdsl.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "measure"))
from measure_data import write_project

LIFT = [
    "lift", "treated", "--control", "control", "--metric",
    'sum(purchase.amount where status = "paid")', "--from", "2026-07-01", "--to",
    "2026-07-31", "--pre-days", "30", "--expected-control-share", "0.5", "-f", "json",
]  # fmt: skip
PROFILE = ["profile", "treated", "--vs", "everyone_t", "--as-of", "2026-07-15", "-f", "json"]


def _json(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _close(a: Any, b: Any, where: str = "") -> None:
    """Equal, numbers to 1e-9 relative (engines sum in their own order)."""
    if isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            _close(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (where, a, b)
    else:
        assert a == b, (where, a, b)


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("measure_engines") / "p")


@pytest.fixture(scope="module")
def duckdb_results(base_project: Path) -> tuple[Any, Any]:
    return _json(*LIFT, "-p", str(base_project)), _json(*PROFILE, "-p", str(base_project))


@pytest.mark.parametrize("engine", ["sqlite", "postgres", "clickhouse", "spark", "datafusion"])
def test_lift_and_profile_agree_with_duckdb(
    engine: str,
    base_project: Path,
    duckdb_results: tuple[Any, Any],
    request: pytest.FixtureRequest,
) -> None:
    require(engine)
    root = base_project.parent / f"p_{engine}"
    if not root.exists():
        shutil.copytree(base_project, root)
    catalog = (base_project / "segdsl.toml").read_text(encoding="utf-8")
    settings = ""
    if engine == "sqlite":
        settings = 'path = "measure.sqlite"'
    elif engine == "postgres":
        settings = f"dsn = {json.dumps(postgres_database('segdsl_measure'))}"
    elif engine == "spark":
        request.getfixturevalue("spark_base")  # the run's one Spark session
        settings = 'master = "local[2]"'
    (root / "segdsl.toml").write_text(f"{catalog}\n[engine.{engine}]\n{settings}\n", "utf-8")
    if engine in ("sqlite", "postgres"):
        loaded = CliRunner().invoke(app, ["load", "--engine", engine, "-p", str(root)])
        assert loaded.exit_code == 0, loaded.output
    lift_doc = _json(*LIFT, "-p", str(root), "--engine", engine)
    profile_doc = _json(*PROFILE, "-p", str(root), "--engine", engine)
    _close(lift_doc, duckdb_results[0], "lift")
    want = json.loads(json.dumps(duckdb_results[1]))
    if engine == "clickhouse":
        # ClickHouse's arrays are never missing, only empty (docs/engines.md): compare
        # the elements' counts, not the missing lists.
        for doc in (profile_doc, want):
            for c in doc["lists"]:
                c["values"] = [v for v in c["values"] if v["value"] is not None]
                c["missing_segment"] = c["missing_base"] = c["distinctiveness"] = None
    _close(profile_doc, want, "profile")
