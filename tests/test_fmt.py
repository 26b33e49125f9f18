"""`segdsl fmt`: the canonical layout, comments kept, idempotence and meaning preserved.

The properties run over every example and corpus file and over generated rules (a
hypothesis strategy that follows grammar/segdsl.lark, with random whitespace, keyword case
and comments). Set SEGDSL_FUZZ_EXAMPLES=5000 for a longer run.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import META_ORDER, rule_files
from typer.testing import CliRunner

from segdsl.cli import app
from segdsl.cli import fmt as _cli_fmt  # noqa: F401  (registers `fmt` on the app)
from segdsl.diagnostics import SegdslError
from segdsl.syntax import ast
from segdsl.syntax.formatter import LINE_WIDTH, format_text, scan_comments
from segdsl.syntax.parser import parse

ROOT = Path(__file__).resolve().parent.parent
SEG_FILES = sorted(
    [*ROOT.glob("examples/**/*.seg"), *ROOT.glob("tests/corpus/*.seg")],
    key=lambda p: str(p),
)


def canon(node: Any) -> Any:
    """The tree with the surface choices that `fmt` normalises made uniform: list
    brackets, `is null`/`is not null` spelling and the order of metadata clauses. (The
    AST compares these fields; they do not change what a rule means.)"""
    if isinstance(node, tuple):
        return tuple(canon(x) for x in node)
    if not isinstance(node, ast.Node):
        return node
    changes = {f.name: canon(getattr(node, f.name)) for f in dataclasses.fields(node)}
    if isinstance(node, ast.ValueList):
        changes["brackets"] = "()"
    if isinstance(node, ast.IsSet):
        changes["spelling"] = "missing" if node.missing else "set"
    if isinstance(node, ast.SegmentDef):
        changes["meta"] = tuple(sorted(changes["meta"], key=lambda m: META_ORDER[m.key]))
    return dataclasses.replace(node, **changes)


def same_meaning(a: str, b: str) -> bool:
    return canon(parse(a).statements) == canon(parse(b).statements)


def comments_of(text: str) -> list[str]:
    return sorted(c.text for c in scan_comments(text.replace("\r\n", "\n")))


def check_properties(src: str) -> str:
    out = format_text(src)
    assert format_text(out) == out, "not idempotent"
    assert same_meaning(src, out), "meaning changed"
    assert comments_of(out) == comments_of(src), "comments lost"
    assert out == "" or (out.endswith("\n") and not out.endswith("\n\n"))
    assert "\n\n\n" not in out
    assert all(line == line.rstrip() for line in out.split("\n"))
    return out


def fmt(text: str) -> str:
    return format_text(text)


# ---- the files in the repository ------------------------------------------------------


@pytest.mark.parametrize("path", SEG_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_files(path: Path) -> None:
    src = path.read_text(encoding="utf-8")
    check_properties(src)


def test_the_ast_compares_without_spans() -> None:
    a = parse("segment s where age > 3 and x in ('a')")
    b = parse("segment   s\n\n where\n age>3 AND x IN ( 'a' )")
    assert a.statements == b.statements
    assert a.statements[0].span != b.statements[0].span


def test_surface_spellings_compare_equal_in_the_ast() -> None:
    """Brackets and `is null`/`is missing` spellings are kept for printing but do not
    take part in AST equality, so a formatted file compares equal to its original."""
    assert (
        parse("segment s where x in [1]").statements == parse("segment s where x in (1)").statements
    )
    assert (
        parse("segment s where x is not null").statements
        == parse("segment s where x is set").statements
    )
    assert same_meaning("segment s where x in [1]", "segment s where x in (1)")
    assert same_meaning("segment s where x is not null", "segment s where x is set")


# ---- layout rules ---------------------------------------------------------------------


def test_keywords_lower_case_and_names_kept() -> None:
    assert fmt("SEGMENT Big_Spenders OF Customer WHERE Age > 3 AND NOT Is_VIP") == (
        "segment Big_Spenders of Customer\n  where Age > 3 and not Is_VIP\n"
    )


def test_metadata_order_and_indentation() -> None:
    src = 'segment s tags "a","b" owner "o@x" description "d" title "T" where x'
    assert fmt(src) == (
        'segment s\n  title "T"\n  description "d"\n  owner "o@x"\n  tags "a", "b"\n  where x\n'
    )


def test_condition_on_one_line_when_it_fits() -> None:
    name = "a" * (LINE_WIDTH - len("  where  > 1"))
    one = f"segment s\n  where {name} > 1\n"
    assert fmt(one) == one
    assert len(one.splitlines()[1]) == LINE_WIDTH


def test_long_condition_broken_at_top_level_and() -> None:
    name = "a" * 40
    src = f"segment s where {name} > 1 and {name} < 9 and (b or c)"
    assert fmt(src) == (f"segment s\n  where {name} > 1\n    and {name} < 9\n    and (b or c)\n")


def test_long_condition_broken_at_top_level_or_keeps_and_groups() -> None:
    name = "a" * 40
    src = f"segment s where {name} > 1 and b or {name} < 9 and c"
    assert fmt(src) == (f"segment s\n  where {name} > 1 and b\n    or {name} < 9 and c\n")


def test_long_parenthesised_group_broken_inside_its_parentheses() -> None:
    name = "a" * 40
    src = f"segment s where x and ({name} > 1 or {name} < 9 or (c and d))"
    assert fmt(src) == (
        f"segment s\n  where x\n    and ({name} > 1\n         or {name} < 9\n         or (c and d))\n"
    )


def test_unbreakable_long_line_stays_long() -> None:
    name = "a" * 100
    assert fmt(f"segment s where {name} > 1") == f"segment s\n  where {name} > 1\n"


def test_strings_in_double_quotes_with_escapes() -> None:
    assert fmt(r"""segment s where n = 'O\'Neil' and m = "say \"hi\"" and t = 'a\tb\\c\n'""") == (
        r"""segment s
  where n = "O'Neil" and m = "say \"hi\"" and t = "a\tb\\c\n"
"""
    )


def test_numbers_without_underscores_digits_kept() -> None:
    assert fmt("segment s where a > 1_000_000 and b = 2.50 and c < -3.5 and d = 007") == (
        "segment s\n  where a > 1000000 and b = 2.50 and c < -3.5 and d = 7\n"
    )
    assert fmt("segment s where top 2.50 % by x") == "segment s\n  where top 2.50% by x\n"


def test_dates_and_timestamps_iso_utc() -> None:
    src = (
        "segment s where a after 2024-03-01 and b before 2024-03-01T12:30Z "
        "and c = 2024-03-01T12:30:00.5+02:00"
    )
    # A timestamp written with an offset is an exact instant: printed in UTC with `Z`
    # (without it, it would be read in the project's time zone, language.md §11).
    assert fmt(src) == (
        "segment s\n  where a after 2024-03-01\n    and b before 2024-03-01T12:30:00Z\n"
        "    and c = 2024-03-01T10:30:00.500000Z\n"
    )
    local = "segment s where b before 2024-03-01T12:30"
    assert fmt(local) == "segment s\n  where b before 2024-03-01T12:30:00\n"


def test_durations_plural_correct() -> None:
    src = "segment s where a in last 1 days and b before 2 WEEK ago and c in last 0 month"
    assert fmt(src) == (
        "segment s\n  where a in last 1 day and b before 2 weeks ago and c in last 0 months\n"
    )


def test_lists_in_parentheses_with_comma_space() -> None:
    src = 'segment s where a in [ "x" ,"y",1 ] and b not in () and c has any ["z"]'
    assert fmt(src) == (
        'segment s\n  where a in ("x", "y", 1) and b not in () and c has any ("z")\n'
    )


def test_negated_forms_and_spellings() -> None:
    src = (
        "segment s where a <> 1 and b is null and c is not null and d has none (1) "
        "and did not e and not in segment t and f not in last 3 days"
    )
    assert fmt(src) == (
        "segment s\n  where a != 1\n    and b is missing\n    and c is set\n"
        "    and d has none (1)\n    and did not e\n    and not in segment t\n"
        "    and f not in last 3 days\n"
    )


def test_ranges_and_between() -> None:
    assert fmt("segment s where a 25 .. 34 and b 30 .. and c .. -3 and d BETWEEN 1 AND 2") == (
        "segment s\n  where a 25..34 and b 30.. and c ..-3 and d between 1 and 2\n"
    )


def test_operators_spaced() -> None:
    assert fmt("segment s where (a-b)*2+c/d>=3") == "segment s\n  where (a - b) * 2 + c / d >= 3\n"
    assert fmt("measure m=-x*- 5") == "measure m = -x * - 5\n"
    assert same_meaning("measure m=-x*- 5", "measure m = -x * - 5\n")
    assert fmt("measure m = a--5") == "measure m = a - -5\n"


def test_parentheses_kept_and_none_added() -> None:
    src = "segment s where ((a > 1)) and not (b or c) or not not d and (e)"
    assert fmt(src) == "segment s\n  where ((a > 1)) and not (b or c) or not not d and (e)\n"


def test_aggregates_did_and_ranking() -> None:
    src = (
        "segment s where COUNT DISTINCT ( purchase . sku IN LAST 7 DAYS WHERE x = 1 ) >= 2 "
        "and DID purchase IN LAST 1 YEARS WHERE ( a = 1 ) and BOTTOM 5% BY Sum(p.amount)"
    )
    assert fmt(src) == (
        "segment s\n"
        "  where count distinct(purchase.sku in last 7 days where x = 1) >= 2\n"
        "    and did purchase in last 1 year where (a = 1)\n"
        "    and bottom 5% by sum(p.amount)\n"
    )


def test_long_sequence_breaks_before_then() -> None:
    src = (
        "segment s where did add_to_cart in last 14 days where (page starts with "
        '"/product/electronics") then not purchase within 2 days where (category = "electronics")'
    )
    assert fmt(src) == (
        "segment s\n"
        '  where did add_to_cart in last 14 days where (page starts with "/product/electronics")\n'
        '      then not purchase within 2 days where (category = "electronics")\n'
    )


def test_measures_aligned_in_blocks() -> None:
    src = (
        "measure a = 1\nmeasure long_name = 2\n\n\nmeasure b = 3\nmeasure cc = 4\nsegment s where a"
    )
    assert fmt(src) == (
        "measure a         = 1\nmeasure long_name = 2\n\n"
        "measure b  = 3\nmeasure cc = 4\n\nsegment s\n  where a\n"
    )


def test_one_blank_line_between_statements_and_final_newline() -> None:
    src = "segment a where x segment b where y\n\n\n\nmeasure m = 1"
    assert fmt(src) == "segment a\n  where x\n\nsegment b\n  where y\n\nmeasure m = 1\n"
    assert fmt("") == ""
    assert fmt("\n\n  \n") == ""


def test_bom_and_crlf() -> None:
    assert fmt("\ufeffsegment a where x # c\r\n") == "segment a\n  where x  # c\n"


# ---- comments -------------------------------------------------------------------------


def test_comments_before_statements_and_at_the_end() -> None:
    src = (
        "# file header\n\n# about a\n# more\nsegment a where x\n"
        "# about b\nsegment b where y\n\n# the end\n"
    )
    assert fmt(src) == (
        "# file header\n\n# about a\n# more\nsegment a\n  where x\n\n"
        "# about b\nsegment b\n  where y\n\n# the end\n"
    )


def test_trailing_comments_stay_on_their_line() -> None:
    src = (
        "segment a of e  # the entity\n"
        '  description "d"   # why\n'
        '  title "t"\n'
        "  where x > 1 # reason\n"
        "measure m = 1#one\n"
    )
    assert fmt(src) == (
        "segment a of e  # the entity\n"
        '  title "t"\n'
        '  description "d"  # why\n'
        "  where x > 1  # reason\n\n"
        "measure m = 1  # one\n".replace("# one", "#one")
    )


def test_trailing_comment_whose_line_goes_moves_before_the_statement() -> None:
    src = "# lead\nsegment a where x > 1 # first\n  and y < 2 # second\n"
    assert fmt(src) == "# lead\n# first\nsegment a\n  where x > 1 and y < 2  # second\n"


def test_comment_lines_inside_a_statement() -> None:
    src = (
        "segment a\n  # who owns it\n  owner 'o'\n  # the rule\n  where\n  x > 1 and\n"
        "  # gone when joined\n  y\n"
    )
    assert fmt(src) == (
        '# gone when joined\nsegment a\n  # who owns it\n  owner "o"\n  # the rule\n'
        "  where x > 1 and y\n"
    )


def test_comments_in_broken_conditions_stay_with_their_operands() -> None:
    name = "a" * 40
    src = f"segment s\n  where {name} > 1  # one\n    # about two\n    and {name} < 9  # two\n"
    assert fmt(src) == src


def test_hash_inside_strings_is_not_a_comment() -> None:
    src = "segment s title \"#1 # 'x'\" where tag = '#x' # real\n"
    assert fmt(src) == 'segment s\n  title "#1 # \'x\'"\n  where tag = "#x"  # real\n'
    assert [c.text for c in scan_comments(src)] == ["# real"]


def test_comments_only() -> None:
    assert fmt("# a\n\n\n# b   \n") == "# a\n\n# b\n"


def test_measure_block_with_comment_lines() -> None:
    src = "measure a = 1\n# about bb\nmeasure bb = 2 # two\nmeasure c = 3\n"
    assert fmt(src) == "measure a  = 1\n# about bb\nmeasure bb = 2  # two\nmeasure c  = 3\n"


def test_syntax_error_raises() -> None:
    with pytest.raises(SegdslError):
        fmt("segment s where age >")


# ---- generated rules ------------------------------------------------------------------

FUZZ = int(os.environ.get("SEGDSL_FUZZ_EXAMPLES", "300"))


@settings(
    max_examples=FUZZ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rule_files())
def test_generated_rules(case: tuple[str, list[str]]) -> None:
    src, comments = case
    out = check_properties(src)
    assert comments_of(out) == sorted(comments)


# ---- the command ----------------------------------------------------------------------

runner = CliRunner()


def _project(tmp_path: Path) -> Path:
    (tmp_path / "segdsl.toml").write_text('[project]\nname = "t"\n', encoding="utf-8")
    (tmp_path / "a.seg").write_text("segment a where x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.seg").write_text("segment b\n  where y\n", encoding="utf-8")
    (tmp_path / "sub" / "c.seg").write_text("measure m=1", encoding="utf-8")
    return tmp_path


def test_cli_rewrites_changed_files_in_place(tmp_path: Path) -> None:
    p = _project(tmp_path)
    b_before = (p / "sub" / "b.seg").stat().st_mtime_ns
    result = runner.invoke(app, ["fmt", "-p", str(p)])
    assert result.exit_code == 0, result.output
    assert f"reformatted {p / 'a.seg'}" in result.output
    assert f"reformatted {p / 'sub' / 'c.seg'}" in result.output
    assert "b.seg" not in result.output
    assert "2 files reformatted, 1 file left unchanged" in result.output
    assert (p / "a.seg").read_text() == "segment a\n  where x\n"
    assert (p / "sub" / "c.seg").read_text() == "measure m = 1\n"
    assert (p / "sub" / "b.seg").stat().st_mtime_ns == b_before  # not rewritten
    assert sorted(x.name for x in p.rglob("*") if x.is_file()) == [
        "a.seg",
        "b.seg",
        "c.seg",
        "segdsl.toml",
    ]  # no temporary files left
    again = runner.invoke(app, ["fmt", "-p", str(p)])
    assert again.exit_code == 0
    assert "0 files reformatted, 3 files left unchanged" in again.output


def test_cli_paths_files_and_folders(tmp_path: Path) -> None:
    p = _project(tmp_path)
    result = runner.invoke(app, ["fmt", "--check", str(p / "sub"), str(p / "a.seg")])
    assert result.exit_code == 1
    lines = [x for x in result.output.splitlines() if x.startswith("would reformat")]
    assert lines == [f"would reformat {p / 'sub' / 'c.seg'}", f"would reformat {p / 'a.seg'}"]


def test_cli_check_changes_nothing(tmp_path: Path) -> None:
    p = _project(tmp_path)
    result = runner.invoke(app, ["fmt", "--check", "-p", str(p)])
    assert result.exit_code == 1
    assert "would reformat" in result.output
    assert (p / "a.seg").read_text() == "segment a where x"
    clean = runner.invoke(app, ["fmt", "--check", str(p / "sub" / "b.seg")])
    assert clean.exit_code == 0, clean.output


def test_cli_diff(tmp_path: Path) -> None:
    p = _project(tmp_path)
    result = runner.invoke(app, ["fmt", "--diff", str(p / "a.seg")])
    assert result.exit_code == 1
    assert "-segment a where x\n" in result.output
    assert "+segment a\n+  where x\n" in result.output
    assert (p / "a.seg").read_text() == "segment a where x"


def test_cli_syntax_error_leaves_file_untouched(tmp_path: Path) -> None:
    p = _project(tmp_path)
    (p / "bad.seg").write_text("segment bad where age >\n", encoding="utf-8")
    result = runner.invoke(app, ["fmt", "-p", str(p)])
    assert result.exit_code == 1
    assert "error[E101]" in result.output
    assert "bad.seg:1:" in result.output
    assert "Traceback" not in result.output
    assert (p / "bad.seg").read_text() == "segment bad where age >\n"
    assert (p / "a.seg").read_text() == "segment a\n  where x\n"  # the others are formatted


def test_cli_missing_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fmt", str(tmp_path / "nope.seg")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_cli_keeps_permissions(tmp_path: Path) -> None:
    p = _project(tmp_path)
    (p / "a.seg").chmod(0o640)
    assert runner.invoke(app, ["fmt", str(p / "a.seg")]).exit_code == 0
    assert (p / "a.seg").stat().st_mode & 0o777 == 0o640


def test_cli_help_has_examples() -> None:
    result = runner.invoke(app, ["fmt", "--help"])
    assert result.exit_code == 0
    assert "--check" in result.output and "segdsl fmt -p examples/retail" in result.output


def test_fmt_does_not_import_duckdb_or_sqlglot(tmp_path: Path) -> None:
    p = _project(tmp_path)
    code = f"import sys\nfrom segdsl.cli import app\napp(['fmt', '--check', '-p', {str(p)!r}])"
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()}
    assert "lark" in imported
    assert "duckdb" not in imported
    assert "sqlglot" not in imported
