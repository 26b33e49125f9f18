"""Tests of `segdsl lint`: each check with rules that must and must not trigger it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

import segdsl.cli.lint  # noqa: F401  (registers the command)
from segdsl.cli import app
from segdsl.tools.lint import lint_project
from segdsl.tools.lint.intervals import FAnd, Lit, satisfiable

ROOT = Path(__file__).resolve().parent.parent

CATALOG = """\
[project]
name = "t"
default_entity = "customer"
dialect = "duckdb"

[entity.customer]
source = "customers"
key = "customer_id"

[entity.customer.attributes]
age = "integer"
agent_age = "integer"
income = "number"
country = "string"
email = "string"
interests = "list<string>"
signup_date = "date"
last_seen = "timestamp"
is_subscribed = "boolean"

[event.purchase]
source = "orders"
entity = "customer"
key = "customer_id"
timestamp = "ordered_at"
retention = "365 days"

[event.purchase.fields]
amount = "number"
status = "string"
"""


def make(tmp_path: Path, rules: str, extra_toml: str = "") -> Path:
    (tmp_path / "segdsl.toml").write_text(CATALOG + extra_toml)
    (tmp_path / "rules.seg").write_text(textwrap.dedent(rules))
    return tmp_path


def codes(tmp_path: Path, rules: str, extra_toml: str = "", **kw: object) -> list[str]:
    result = lint_project(make(tmp_path, rules, extra_toml), **kw)  # type: ignore[arg-type]
    return [d.code for d in result.diagnostics]


def where(tmp_path: Path, cond: str, **kw: object) -> list[str]:
    return codes(tmp_path, f"segment s where {cond}\n", **kw)


# ---- 1. core errors ----------------------------------------------------------------


def test_core_errors_come_out_as_lint_errors(tmp_path: Path) -> None:
    result = lint_project(make(tmp_path, "segment s where agee > 3\n"))
    assert [(d.code, d.severity) for d in result.diagnostics] == [("E201", "error")]
    assert result.exit_code() == 1


def test_syntax_error_is_reported(tmp_path: Path) -> None:
    result = lint_project(make(tmp_path, "segment s where age >\n"))
    assert result.errors == 1
    assert result.diagnostics[0].span is not None


def test_duplicate_and_cycle(tmp_path: Path) -> None:
    got = codes(tmp_path, "segment a where age > 3\nsegment a where age > 4\n")
    assert "E202" in got
    got = codes(tmp_path, "segment a where in segment b\nsegment b where in segment a\n")
    assert "E301" in got


# ---- 2. contradictions ----------------------------------------------------------------

CONTRADICTIONS = [
    "age > 40 and age < 30",
    'country = "US" and country = "CA"',
    "age 25..34 and age 40..50",
    "age is missing and age > 3",
    '(age > 10 and (country = "US" and (income > 5))) and (age < 5)',
    "not (age <= 40) and age < 30",
    "not (not (age > 40)) and age < 30",
    'not (age <= 40 or country = "US") and age < 30',
    "age > 30 and age < 31",  # whole numbers
    "signup_date > 2024-01-01 and signup_date < 2024-01-02",  # dates are whole days
    "last_seen = 2024-01-01 and last_seen > 2024-01-02",  # a timestamp meets a date
    'country in ("US", "CA") and country not in ("US", "CA", "MX")',
    'country = "US" and country != "US"',
    "(age > 40 or age < 10) and age 20..30",  # every branch is dead
    "did purchase and did not purchase",
    "last_seen in last 30 days and last_seen before 60 days ago",
    'interests has "golf" and interests has none ("golf", "tennis")',
    "is_subscribed and is_subscribed = false",
    'email contains "abc" and not (email contains "b")',
    "age 1..3 and age not in (1, 2, 3)",
    "income >= 10 and income <= 10 and income != 10",
    "count(purchase) is missing",
]


@pytest.mark.parametrize("cond", CONTRADICTIONS)
def test_contradiction(tmp_path: Path, cond: str) -> None:
    assert "L101" in where(tmp_path, cond)


def test_contradiction_between_segments(tmp_path: Path) -> None:
    got = codes(
        tmp_path,
        """\
        segment a where age > 3
        segment s where in segment a and not in segment a
        segment young where age 18..25
        segment t where in segment young and age > 60
        """,
    )
    assert got.count("L101") == 2


NOT_CONTRADICTIONS = [
    '(age > 40 and age < 30) or country = "US"',  # only one `or` branch is dead
    "age > 30 and agent_age < 30",  # different attributes with similar text
    "age > 30 and age > 30.5",
    "income > 30 and income < 31",  # numbers are not whole
    "last_seen > 2024-01-01T00:00:00 and last_seen < 2024-01-01T00:00:01",
    "signup_date >= 2024-01-01 and signup_date <= 2024-01-01",
    "not (age > 40) and age < 30",
    "not (age <= 40) or age < 30",
    'country != "US" and country != "CA"',
    "age is missing or age > 3",
    "did purchase and did not purchase in last 30 days",
    'email contains "b" and not (email contains "abc")',
    "age 1..4 and age not in (1, 2, 3)",
]


@pytest.mark.parametrize("cond", NOT_CONTRADICTIONS)
def test_not_a_contradiction(tmp_path: Path, cond: str) -> None:
    assert "L101" not in where(tmp_path, cond)


def test_contradiction_points_at_the_conflicting_parts(tmp_path: Path) -> None:
    result = lint_project(
        make(tmp_path, 'segment s where country = "US" and (age > 10 and (age < 5))\n')
    )
    (d,) = result.diagnostics
    assert d.code == "L101" and d.severity == "error"
    assert "`age > 10`" in d.message and "`age < 5`" in d.message
    assert "country" not in d.message
    assert d.span is not None and d.span.line == 1 and d.hint


def test_contradiction_in_event_condition(tmp_path: Path) -> None:
    assert "L101" in where(tmp_path, 'did purchase where (status = "a" and status = "b")')


def test_satisfiable_is_sound_on_empty_formulas() -> None:
    assert satisfiable(FAnd(()))
    assert not satisfiable(FAnd((Lit("atom", key="x"), Lit("natom", key="x"))))


# ---- 3. tautologies and redundancy -------------------------------------------------------


def test_or_of_complements_is_is_set(tmp_path: Path) -> None:
    result = lint_project(make(tmp_path, "segment s where age > 30 or age <= 30\n"))
    (d,) = result.diagnostics
    assert d.code == "W111" and "`age is set`" in d.label


def test_always_true(tmp_path: Path) -> None:
    assert "W110" in where(tmp_path, "age > 30 or age <= 30 or age is missing")
    assert "W110" in where(tmp_path, "count(purchase) >= 0")
    assert "L101" in where(tmp_path, "count(purchase) < 0")
    assert "W110" not in where(tmp_path, "age > 30 or age <= 29")
    assert where(tmp_path, "age > 30 or age < 30") == []


def test_redundant_and_repeated(tmp_path: Path) -> None:
    result = lint_project(make(tmp_path, "segment s where age > 30 and age > 20\n"))
    (d,) = result.diagnostics
    assert d.code == "W120" and d.message.startswith("`age > 20`")
    assert where(tmp_path, 'age > 30 and country = "US" and age > 30') == ["W121"]
    assert where(tmp_path, "income > 30 and income > 30.5") == ["W120"]
    assert where(tmp_path, "age > 30 or age > 20") == ["W120"]
    assert where(tmp_path, "age > 30 and agent_age > 20") == []
    assert where(tmp_path, "age > 20 and age < 30") == []


def test_same_condition_segments(tmp_path: Path) -> None:
    got = codes(
        tmp_path,
        """\
        segment a where age 30..
        segment b where age >= 30
        segment c where age > 30
        """,
    )
    assert got == ["W130"]


# ---- 4. missing-value traps -----------------------------------------------------------

TRAPS = [
    'country != "US"',
    'country not in ("US", "CA")',
    'interests has none ("golf")',
    'not (country = "US")',
    "not is_subscribed",
    "last_seen not in last 30 days",
    'age > 3 or country != "US"',
    'did purchase where (status != "paid")',
]


@pytest.mark.parametrize("cond", TRAPS)
def test_missing_value_trap(tmp_path: Path, cond: str) -> None:
    assert "W201" in where(tmp_path, cond)


NOT_TRAPS = [
    'country is set and country != "US"',
    '(country is set and age > 3) and country != "US"',
    'country = "CA" or (country is set and country != "US")',
    'country is missing or country != "US"',
    'not (country != "US")',
    "did not purchase",
    "count(purchase) != 3",
    "not in segment a",
    'country != "US" and country in ("CA", "MX", "US")',
]


@pytest.mark.parametrize("cond", NOT_TRAPS)
def test_not_a_missing_value_trap(tmp_path: Path, cond: str) -> None:
    got = codes(tmp_path, f"segment a where age > 3\nsegment s where {cond}\n")
    assert "W201" not in got


def test_trap_hint_gives_the_fix(tmp_path: Path) -> None:
    result = lint_project(make(tmp_path, 'segment s where country != "US"\n'))
    (d,) = result.diagnostics
    assert 'country is set and country != "US"' in d.hint


# ---- 5. units and windows ---------------------------------------------------------------


def test_units_and_windows(tmp_path: Path) -> None:
    assert where(tmp_path, "last_seen in last 0 days") == ["L101", "W301"]
    assert where(tmp_path, "did purchase in last 0 days") == ["W301"]
    assert where(tmp_path, "top 0% by income") == ["W302"]
    assert where(tmp_path, "top 100% by income") == ["W302"]
    assert where(tmp_path, "top 50% by income") == []
    assert where(tmp_path, "count(purchase in last 2 years) > 1") == ["W303"]
    assert where(tmp_path, "did purchase in last 400 days") == ["W303"]
    assert where(tmp_path, "did purchase in last 12 months") == []
    assert where(tmp_path, "did purchase in last 365 days") == []
    assert where(tmp_path, "last_seen in last 900 days") == []  # not an event


def test_unreadable_retention(tmp_path: Path) -> None:
    (tmp_path / "segdsl.toml").write_text(CATALOG.replace('"365 days"', '"forever"'))
    (tmp_path / "r.seg").write_text("segment s where did purchase in last 3 days\n")
    assert [d.code for d in lint_project(tmp_path).diagnostics] == ["W304"]


# ---- 6. hygiene ----------------------------------------------------------------------------

HYGIENE = """\
measure spend = sum(purchase.amount)
measure unusedMeasure = count(purchase)
segment Big_Spenders where spend > 100
segment alias where in segment Big_Spenders
segment ok title "Ok" owner "me" where spend > 5
"""


def test_hygiene_is_off_by_default(tmp_path: Path) -> None:
    assert codes(tmp_path, HYGIENE) == []


def test_hygiene(tmp_path: Path) -> None:
    got = codes(tmp_path, HYGIENE, "\n[lint]\nhygiene = true\n")
    assert sorted(set(got)) == ["I401", "I402", "I403", "I404"]
    assert got.count("I401") == 1 and got.count("I403") == 2


# ---- configuration and suppression --------------------------------------------------------


def test_config_select_ignore_severity(tmp_path: Path) -> None:
    rules = 'segment s where country != "US" and age > 3 and age > 2\n'
    assert sorted(codes(tmp_path, rules)) == ["W120", "W201"]
    assert codes(tmp_path, rules, '\n[lint]\nselect = ["W2"]\n') == ["W201"]
    assert codes(tmp_path, rules, '\n[lint]\nignore = ["W201"]\n') == ["W120"]
    assert codes(tmp_path, rules, select=["W1"]) == ["W120"]
    result = lint_project(make(tmp_path, rules, '\n[lint]\nseverity = { W201 = "error" }\n'))
    sev = {d.code: d.severity for d in result.diagnostics}
    assert sev == {"W201": "error", "W120": "warning"}
    assert result.exit_code() == 1
    assert codes(tmp_path, HYGIENE, '\n[lint]\nselect = ["I403"]\n') == ["I403", "I403"]


def test_bad_config(tmp_path: Path) -> None:
    got = codes(tmp_path, "segment s where age > 3\n", '\n[lint]\nseverity = { W201 = "loud" }\n')
    assert got == ["L001"]


def test_suppression_comments(tmp_path: Path) -> None:
    rules = """\
    segment a where country != "A"  # segdsl: ignore[W201]
    segment b where country != "B"  # segdsl: ignore
    # segdsl: ignore[W201]
    segment c
      where country != "C"
    segment d where country != "D"  # segdsl: ignore[W120]
    # segdsl: ignore[W1]
    segment e where age > 3 and age > 2 and country != "E"
    """
    result = lint_project(make(tmp_path, rules))
    got = [(d.code, d.span.line if d.span else 0) for d in result.diagnostics]
    assert got == [("W201", 6), ("W201", 8)]


# ---- output formats and the command line -------------------------------------------------

RULES = 'segment s where country != "US"\nsegment t where age > 40 and age < 30\n'


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["lint", *args])
    return res.exit_code, res.output


def test_text_format(tmp_path: Path) -> None:
    code, out = run("-p", str(make(tmp_path, RULES)))
    assert code == 1
    assert "error[L101]" in out and "warning[W201]" in out and "^^^" in out
    assert out.strip().endswith("1 error, 1 warning")


def test_json_format(tmp_path: Path) -> None:
    code, out = run("-p", str(make(tmp_path, RULES)), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert {d["code"] for d in data} == {"W201", "L101"}
    assert all({"severity", "message", "hint", "file", "line", "column"} <= set(d) for d in data)


def test_sarif_format(tmp_path: Path) -> None:
    _, out = run("-p", str(make(tmp_path, RULES)), "--format", "sarif")
    doc = json.loads(out)
    assert doc["version"] == "2.1.0"
    run0 = doc["runs"][0]
    rules = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    assert sorted(rules) == ["L101", "W201"]
    levels = {r["ruleId"]: r["level"] for r in run0["results"]}
    assert levels == {"W201": "warning", "L101": "error"}
    for r in run0["results"]:
        assert rules[r["ruleIndex"]] == r["ruleId"]
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_github_format(tmp_path: Path) -> None:
    _, out = run("-p", str(make(tmp_path, RULES)), "--format", "github")
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::warning file=") and ",line=1,col=17," in lines[0]
    assert "title=W201::" in lines[0]
    assert lines[1].startswith("::error ") and "title=L101::" in lines[1]


def test_exit_codes(tmp_path: Path) -> None:
    warn = make(tmp_path, 'segment s where country != "US"\n')
    assert run("-p", str(warn))[0] == 0
    assert run("-p", str(warn), "--strict")[0] == 1
    (tmp_path / "rules.seg").write_text('segment s where country = "US"\n')
    code, out = run("-p", str(tmp_path), "--strict")
    assert code == 0 and "ok: no findings" in out


def test_paths_restrict_findings(tmp_path: Path) -> None:
    make(tmp_path, 'segment s where country != "US"\n')
    (tmp_path / "other.seg").write_text("segment t where age > 3 and age > 2\n")
    _, out = run(str(tmp_path / "other.seg"), "--format", "json")
    assert [d["code"] for d in json.loads(out)] == ["W120"]


@pytest.mark.parametrize("example", ["retail", "b2b"])
def test_examples_have_no_errors(example: str) -> None:
    result = lint_project(ROOT / "examples" / example)
    assert result.errors == 0, [d.message for d in result.diagnostics]


def test_lint_does_not_import_duckdb() -> None:
    code = (
        "import sys, segdsl.tools.lint, segdsl.tools.lint.checks, segdsl.tools.lint.output, segdsl.cli.lint\n"
        f"segdsl.tools.lint.lint_project({str(ROOT / 'examples' / 'retail')!r})\n"
        "print([m for m in sys.modules if m.split('.')[0] == 'duckdb'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
