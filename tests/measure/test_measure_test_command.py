"""`segdsl test`: fixtures evaluated on their own, expectations on the data, failures
that say which profile and segment and why, JUnit XML for CI."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from measure_data import write_project
from typer.testing import CliRunner

from segdsl.cli import app

RETAIL = Path(__file__).resolve().parents[2] / "examples" / "retail"

RULES = """
segment active_buyers where did purchase in last 90 days where (status = "paid")
segment big_spender where sum(purchase.amount in last 365 days) > 100 and age >= 18
segment fans where interests has any ("run")
segment young where age < 30
segment treated where country = "T"
segment control where country = "C"
segment tc where country = "T" or country = "C"
segment not_tc where not in segment tc
segment subscribed where is_subscribed
"""

FIXTURES = """
as_of = "2026-07-15"

[[fixture]]
name = "buyer of last week"
in = ["active_buyers", "big_spender", "fans"]
not_in = ["young"]
attributes = { age = 40, interests = ["run", "tech"], is_subscribed = true }
events = [
  { event = "purchase", at = "7 days ago", amount = 80.0, status = "paid" },
  { event = "purchase", at = "2026-03-01T10:00:00", amount = 30.0, status = "paid" },
]

[[fixture]]
name = "refund only, 90 days ago to the second"
not_in = ["active_buyers"]
attributes = { age = 25 }
events = [
  { event = "purchase", at = "90 days ago", amount = 80.0, status = "paid" },
  { event = "purchase", at = "1 day ago", amount = 80.0, status = "refunded" },
]

[[fixture]]
name = "nothing known"
not_in = ["active_buyers", "big_spender", "fans", "young", "subscribed"]
"""

EXPECT = """
as_of = "2026-07-15"

[[expect]]
disjoint = ["treated", "control"]

[[expect]]
within = ["treated", "tc"]

[[expect]]
covers = ["tc", "not_tc"]

[[expect]]
segment = "treated"
size = { min = 70, max = 90 }
share = { min = 0.3, max = 0.35 }
"""


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "p", rules=RULES)
    (root / "tests").mkdir()
    (root / "tests" / "fixtures.toml").write_text(FIXTURES, encoding="utf-8")
    (root / "tests" / "expect.toml").write_text(EXPECT, encoding="utf-8")
    return root


def test_passing_tests_exit_0(project: Path) -> None:
    result = cli("test", "-p", str(project))
    assert result.exit_code == 0, result.output
    assert "7 passed, 0 failed" in result.stdout


def test_a_wrong_fixture_names_profile_segment_and_why(project: Path) -> None:
    path = project / "tests" / "fixtures.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace('not_in = ["young"]', 'in = ["young"]', 1)
        .replace('in = ["active_buyers", "big_spender", "fans"]\n', "", 1),
        encoding="utf-8",
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'not_in = ["active_buyers"]', 'in = ["active_buyers"]', 1
        ),
        encoding="utf-8",
    )
    result = cli("test", "-p", str(project))
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "profile `buyer of last week`: expected in `young`, but it is not in it" in out
    assert "profile `refund only, 90 days ago to the second`: expected in `active_buyers`" in out
    # the waterfall of the segment over that one profile
    assert "explain young" in out and "age < 30" in out
    assert 'did purchase in last 90 days where (status = "paid")' in out
    assert "2 failed of 7" in out
    junit = cli("test", "-p", str(project), "-f", "junit")
    assert junit.exit_code == 1
    root = ET.fromstring(junit.stdout)
    assert root.get("tests") == "7" and root.get("failures") == "2"
    failures = root.findall(".//failure")
    assert len(failures) == 2 and "explain" in (failures[0].text or "")
    doc = json.loads(cli("test", "-p", str(project), "-f", "json").stdout)
    assert doc["failed"] == 2 and {t["kind"] for t in doc["tests"]} == {"fixture", "expect"}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            '[[expect]]\nsegment = "treated"\nsize = { max = 10 }\n',
            "expected size in [-∞, 10], got 80",
        ),
        ('[[expect]]\nwithin = ["tc", "treated"]\n', "members of `tc` are not in `treated`"),
        ('[[expect]]\ndisjoint = ["treated", "tc"]\n', "80 entities are in both"),
        ('[[expect]]\ncovers = ["treated", "control"]\n', "are in none of them"),
    ],
)
def test_failed_expectations(project: Path, text: str, needle: str) -> None:
    (project / "tests" / "more.toml").write_text('as_of = "2026-07-15"\n' + text, encoding="utf-8")
    result = cli("test", "-p", str(project))
    assert result.exit_code == 1
    assert needle in result.stdout


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        ("[[fixture]]\nname = 'x'\nin = ['nosuch']\n", "U004", "nosuch"),
        ("[[fixture]]\nname = 'x'\ncolour = 'red'\n", "M020", "unknown key 'colour'"),
        ("[[fixture]]\nname = 'x'\nin = ['young']\nattributes = { shoe = 3 }\n", "M021", "shoe"),
        ("[[fixture]]\nname = 'x'\nin = ['young']\nattributes = { age = 'old' }\n", "M021", "age"),
        (
            "[[fixture]]\nname = 'x'\nin = ['young']\nevents = [{ event = 'purchase', at = 'soon' }]\n",
            "M021",
            "not a time",
        ),
        (
            "[[fixture]]\nname = 'x'\nin = ['young']\nevents = [{ event = 'visit', at = '1 day ago' }]\n",
            "M021",
            "unknown event `visit`",
        ),
        ("[[expect]]\nsegment = 'young'\n", "M020", "size or share"),
        ("[[expect]]\nwithin = ['young']\n", "M020", "two segments"),
        ("this is = = not toml", "M020", "not valid TOML"),
        ("[[fixture]]\nkey = [1]\nin = ['young']\n", "M020", "key must be"),
        ("[[expect]]\nsegment = 'young'\nshare = { min = 'a' }\n", "M020", "table of numbers"),
        ("[[expect]]\nsegment = 'young'\nsize = 5\n", "M020", "table of numbers"),
        (
            "[[fixture]]\nin = ['young']\nevents = [{ event = 'purchase', at = '99999 years ago' }]\n",
            "M021",
            "before the year 1",
        ),
    ],
)
def test_bad_test_files(project: Path, text: str, code: str, needle: str) -> None:
    (project / "tests" / "bad.toml").write_text(text, encoding="utf-8")
    result = cli("test", "-p", str(project))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert code in result.stderr and needle in result.stderr


def test_the_retail_example_passes_and_a_wrong_expectation_fails(tmp_path: Path) -> None:
    result = cli("test", "-p", str(RETAIL))
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.stdout
    root = tmp_path / "retail"
    shutil.copytree(RETAIL, root, ignore=shutil.ignore_patterns("*.sqlite", "__pycache__"))
    path = root / "tests" / "lifecycle.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('in = ["lapsed_customers", "lifecycle_lapsed"]', 'in = ["active_buyers"]'),
        encoding="utf-8",
    )
    failed = cli("test", "-p", str(root))
    assert failed.exit_code == 1
    assert (
        "profile `nothing since last autumn`: expected in `active_buyers`, but it is not in it"
        in failed.stdout
    )
    assert "explain active_buyers" in failed.stdout


def test_no_tests_is_not_a_failure(tmp_path: Path) -> None:
    root = write_project(tmp_path / "empty", rules=RULES)
    result = cli("test", "-p", str(root))
    assert result.exit_code == 0 and "no tests found" in result.stdout


SEGMENTATIONS = """
segmentation band
  younger where age < 30
  middle  where age < 50
  rest

segmentation partial
  younger where age < 30
  middle  where age < 50
"""


def test_a_segmentation_covers_its_entity(tmp_path: Path) -> None:
    """`covers = "NAME"` stands for the segmentation's classes: with a catch-all they
    cover every entity; without one, those in no class are counted."""
    root = write_project(tmp_path / "seg", rules=RULES + SEGMENTATIONS)
    (root / "tests").mkdir()
    (root / "tests" / "t.toml").write_text(
        'as_of = "2026-07-15"\n[[expect]]\ncovers = "band"\n'
        "[[fixture]]\nname = 'forty'\nin = ['band.middle']\nnot_in = ['band.rest']\n"
        "attributes = { age = 40 }\n",
        encoding="utf-8",
    )
    ok = cli("test", "-p", str(root))
    assert ok.exit_code == 0, ok.output
    (root / "tests" / "t.toml").write_text(
        'as_of = "2026-07-15"\n[[expect]]\ncovers = "partial"\n', encoding="utf-8"
    )
    failed = cli("test", "-p", str(root))
    assert failed.exit_code == 1
    from measure_data import CUSTOMERS

    none = sum(1 for c in CUSTOMERS if c["age"] is None or c["age"] >= 50)
    assert f"{none:,} of {len(CUSTOMERS):,} are in none of them" in failed.stdout
    assert "`partial.younger`, `partial.middle`" in failed.stdout
