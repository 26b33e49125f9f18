"""Segmentations and scores through the command line and the tools (language.md §15):
`eval` lists classes under their segmentation, exports a class column, `compile
--membership` gives one text column per segmentation, `lint` finds unreachable and
duplicate classes and gaps, and diff, explain and snapshot work on class segments."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

import segdsl
from segdsl.cli import app
from segdsl.tools.lint import lint_project

RETAIL = Path(__file__).resolve().parent.parent / "examples" / "retail"
AS_OF = "2026-06-30"

CATALOG = """\
[project]
name = "shop"
timezone = "Europe/Berlin"

[entity.customer]
source = "customers.csv"
key = "customer_id"

[entity.customer.attributes]
income = "number"
age = "integer"
"""


def _project(tmp_path: Path, rules: str) -> Path:
    (tmp_path / "segdsl.toml").write_text(CATALOG, encoding="utf-8")
    rows = ["customer_id,income,age", "1,250000,30", "2,120000,40", "3,60000,", "4,,50", "5,10,20"]
    (tmp_path / "customers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "rules.seg").write_text(rules, encoding="utf-8")
    return tmp_path


TIERS = """\
segmentation tiers
  title "Tiers"
  owner "crm@example.com"
  high where income > 100000
  mid  where income > 50000
  rest
segment rich where tiers = "high"
"""


def test_eval_lists_classes_under_their_segmentation(tmp_path: Path) -> None:
    root = _project(tmp_path, TIERS)
    result = CliRunner().invoke(app, ["eval", "tiers", "-p", str(root), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "tiers" in line or "  ." in line]
    assert "tiers (segmentation)" in lines[0] and "5" in lines[0]
    assert [line.split()[1] for line in lines[1:]] == [".high", ".mid", ".rest"]
    doc = CliRunner().invoke(
        app, ["eval", "tiers", "-p", str(root), "--as-of", AS_OF, "--format", "json"]
    )
    entries = json.loads(doc.output)["segments"]
    assert [(e["segmentation"], e["class"], e["members"]) for e in entries] == [
        ("tiers", "high", 2),
        ("tiers", "mid", 1),
        ("tiers", "rest", 2),
    ]


def test_export_of_a_segmentation_has_a_class_column(tmp_path: Path) -> None:
    root = _project(tmp_path, TIERS)
    out = tmp_path / "tiers.csv"
    args = ["eval", "tiers", "-p", str(root), "--as-of", AS_OF, "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["customer_id", "tiers"],
        ["1", "high"],
        ["2", "high"],
        ["3", "mid"],
        ["4", "rest"],
        ["5", "rest"],
    ]


def test_membership_has_one_text_column_per_segmentation(tmp_path: Path) -> None:
    root = _project(tmp_path, TIERS)
    project = segdsl.load_project(root)
    sql = project.compile_membership(None, "duckdb", AS_OF)
    assert "AS tiers" in sql and "AS rich" in sql
    assert "tiers.high" not in sql  # no boolean column per class


def test_rfm_membership_is_one_statement_reading_orders_once() -> None:
    result = CliRunner().invoke(
        app, ["compile", "rfm", "--membership", "-p", str(RETAIL), "--as-of", AS_OF]
    )
    assert result.exit_code == 0, result.output
    sql = result.output
    assert sql.count(";") == 1
    assert sql.count("FROM orders") == 1
    assert "AS rfm" in sql and "'champions'" in sql


def test_lint_finds_unreachable_duplicate_and_gaps(tmp_path: Path) -> None:
    rules = """\
segmentation tiers
  title "Tiers"
  owner "crm@example.com"
  high  where income > 100000
  upper where income > 200000
  mid   where income > 50000
  mid2  where income > 50000
"""
    root = _project(tmp_path, rules)
    found = lint_project(root, hygiene=True).diagnostics
    codes = {(d.code, d.message.split("`")[1]) for d in found if d.code in ("W140", "W141", "I410")}
    assert codes == {("W140", "upper"), ("W141", "mid2"), ("I410", "tiers")}
    clean = _project(tmp_path, TIERS)
    classes = ("W140", "W141", "I410")
    assert [
        d.code for d in lint_project(clean, hygiene=True).diagnostics if d.code in classes
    ] == []


def test_explain_and_snapshot_work_on_classes(tmp_path: Path) -> None:
    root = _project(tmp_path, TIERS)
    result = CliRunner().invoke(app, ["explain", "tiers.mid", "-p", str(root), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "income > 50000" in result.output
    result = CliRunner().invoke(app, ["snapshot", "-p", str(root), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output


def test_diff_shows_what_a_class_change_does_to_later_classes(tmp_path: Path) -> None:
    import subprocess

    root = _project(tmp_path, TIERS)
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q", str(root)], check=True)
    subprocess.run([*git, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(root), "commit", "-qm", "base"], check=True)
    (root / "rules.seg").write_text(TIERS.replace("100000", "200000"), encoding="utf-8")
    result = CliRunner().invoke(app, ["diff", "-p", str(root), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "tiers.high" in out and "tiers.mid" in out
    assert "not (income > 100000) → not (income > 200000)" in out
