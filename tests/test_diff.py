"""`segdsl diff`: a real git repository with several commits, every number of the report
checked against member sets computed in plain Python (tests/diff_repo.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import diff_repo
import pytest
from diff_repo import AS_OF, Repo, git, make_repo, versions
from typer.testing import CliRunner

from segdsl.cli import app
from segdsl.diagnostics import SegdslError
from segdsl.project import Project, load_project, project_from_texts
from segdsl.syntax import ast
from segdsl.syntax.parser import parse
from segdsl.tools.review.diff import SAMPLE_SIZE, diff_revisions, membership, parse_share
from segdsl.tools.review.report import render
from segdsl.tools.review.ruletree import rule_diff

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

runner = CliRunner()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return make_repo(tmp_path_factory.mktemp("diff"))


def run(*args: str) -> Any:
    return runner.invoke(app, ["diff", *args])


def diff_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def expected_membership(before: set[int] | None, after: set[int] | None) -> dict[str, Any]:
    """The membership block as docs/review.md defines it, computed from two sets."""
    if before is None or after is None:
        return {
            "before": None if before is None else len(before),
            "after": None if after is None else len(after),
            "entered": None,
            "left": None,
            "entered_sample": [],
            "left_sample": [],
            "jaccard": None,
            "share": None,
        }
    entered = sorted(after - before)
    left = sorted(before - after)
    union = before | after
    return {
        "before": len(before),
        "after": len(after),
        "entered": len(entered),
        "left": len(left),
        "entered_sample": entered[:SAMPLE_SIZE],
        "left_sample": left[:SAMPLE_SIZE],
        "jaccard": round(len(before & after) / len(union), 6) if union else 1.0,
        "share": round((len(entered) + len(left)) / max(len(before), 1), 6),
    }


def by_name(doc: dict[str, Any], kind: str = "segments") -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in doc[kind]}


# ---- between two commits --------------------------------------------------------------------


def test_commit_to_commit_lists_every_kind_of_change(repo: Repo) -> None:
    doc = diff_json(
        "-p", str(repo.project), "--base", repo.c1, "--head", repo.c3, "--as-of", "2026-06-30"
    )
    segs = by_name(doc)
    assert {n: s["status"] for n, s in segs.items()} == {
        "young": "changed",
        "young_buyers": "changed",
        "active_us": "changed",
        "frequent": "changed",
        "seniors": "renamed",
        "idle": "added",
        "germans": "removed",
    }
    assert doc["summary"]["segments"] == {"changed": 4, "added": 1, "removed": 1, "renamed": 1}
    # The range changed: one changed part, the other part the same.
    young = segs["young"]
    assert young["rule"] == {
        "joined_by": "and",
        "parts": [
            {"op": "changed", "before": "age 25..34", "after": "age 25..40"},
            {"op": "same", "before": "country is set", "after": "country is set"},
        ],
    }
    assert young["via"] == [] and young["file"] == "core.seg"
    # Same text, other meaning: through the segment it uses, and through the measure.
    assert segs["young_buyers"]["rule"] is None
    assert segs["young_buyers"]["via"] == [{"kind": "segment", "name": "young"}]
    for name in ("active_us", "frequent"):
        assert segs[name]["rule"] is None
        assert segs[name]["via"] == [{"kind": "measure", "name": "buys_90d"}]
    assert segs["seniors"]["old_name"] == "old_name" and segs["seniors"]["membership"] is None
    assert segs["germans"]["file"] == "extra.seg" and segs["idle"]["file"] == "new.seg"
    measures = by_name(doc, "measures")
    assert list(measures) == ["buys_90d"]
    assert measures["buys_90d"]["before"] == "count(purchase in last 90 days)"
    assert measures["buys_90d"]["after"] == "count(purchase in last 60 days)"
    assert doc["base"]["commit"] == repo.c1 and doc["head"]["commit"] == repo.c3


def test_commit_to_commit_numbers_match_the_oracle(repo: Repo) -> None:
    doc = diff_json(
        "-p", str(repo.project), "--base", repo.c1, "--head", repo.c3, "--as-of", "2026-06-30"
    )
    v = versions()
    v1, v3 = v["v1"], v["v3"]
    segs = by_name(doc)
    for name in ("young", "young_buyers", "active_us", "frequent"):
        assert segs[name]["membership"] == expected_membership(v1[name], v3[name]), name
    assert segs["idle"]["membership"] == expected_membership(None, v3["idle"])
    assert segs["germans"]["membership"] == expected_membership(v1["germans"], None)
    assert doc["as_of"] == "2026-06-30T00:00:00" and doc["evaluated"] is True
    # The data exercises what it should: people enter and leave, samples are cut at 5.
    assert v3["young"] > v1["young"] and len(v3["young"] - v1["young"]) > SAMPLE_SIZE
    assert v1["frequent"] - v3["frequent"] and v1["active_us"] - v3["active_us"]


def test_renamed_and_unchanged_segments_are_not_evaluated(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    original = Project.evaluate

    def spy(self: Project, names: Any = None, as_of: Any = None) -> Any:
        calls.append([s.name for s in names])
        return original(self, names, as_of)

    monkeypatch.setattr(Project, "evaluate", spy)
    diff_revisions(repo.project, repo.c1, repo.c3, as_of=AS_OF)
    # One call per version, with only the changed (and added or removed) segments.
    assert sorted(map(sorted, calls)) == [
        ["active_us", "frequent", "germans", "young", "young_buyers"],
        ["active_us", "frequent", "idle", "young", "young_buyers"],
    ]


def test_rename_only(repo: Repo) -> None:
    doc = diff_json("-p", str(repo.project), "--base", repo.c1, "--head", repo.c2)
    segs = by_name(doc)
    assert segs["seniors"] == {
        **segs["seniors"],
        "status": "renamed",
        "old_name": "old_name",
        "membership": None,
    }
    assert set(segs) == {"seniors", "young", "young_buyers"}
    assert doc["measures"] == []


# ---- against the working tree ----------------------------------------------------------------


def test_head_to_working_tree(repo: Repo) -> None:
    doc = diff_json("-p", str(repo.project), "--as-of", "2026-06-30")
    v = versions()
    segs = by_name(doc)
    assert set(segs) == {"frequent", "young_buyers"}
    assert doc["base"]["rev"] == "HEAD" and doc["head"]["label"] == "working tree"
    frequent = segs["frequent"]
    assert frequent["rule"]["parts"] == [
        {"op": "same", "before": "buys_90d >= 2", "after": "buys_90d >= 2"},
        {"op": "added", "before": None, "after": 'country != "FR"'},
    ]
    assert frequent["membership"] == expected_membership(v["v3"]["frequent"], v["work"]["frequent"])
    # A title only: listed, not evaluated.
    yb = segs["young_buyers"]
    assert yb["metadata"] == [{"field": "title", "before": None, "after": '"Young buyers"'}]
    assert yb["rule"] is None and yb["via"] == [] and yb["membership"] is None


def test_paths_limit_the_report(repo: Repo) -> None:
    args = ["-p", str(repo.project), "--base", repo.c1, "--head", repo.c3, "--no-eval"]
    doc = diff_json(*args, str(repo.project / "extra.seg"))  # deleted in the head
    assert [s["name"] for s in doc["segments"]] == ["germans"] and doc["measures"] == []
    doc = diff_json(*args, str(repo.project / "measures.seg"))
    assert doc["segments"] == [] and [m["name"] for m in doc["measures"]] == ["buys_90d"]
    doc = diff_json(*args, str(repo.project))
    assert len(doc["segments"]) == 7
    outside = run(*args, str(repo.root.parent))
    assert outside.exit_code == 1 and "U044" in outside.stderr


def test_no_eval_and_no_data(repo: Repo, tmp_path: Path) -> None:
    doc = diff_json("-p", str(repo.project), "--base", repo.c1, "--head", repo.c3, "--no-eval")
    assert doc["evaluated"] is False and doc["as_of"] is None
    assert all(s["membership"] is None for s in doc["segments"])
    # A clone without the data files: not evaluated by default, an error with --eval.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.root), str(clone))
    shutil.rmtree(clone / "shop" / "data")
    doc = diff_json("-p", str(clone / "shop"), "--base", repo.c1)
    assert doc["evaluated"] is False and doc["note"] == "not evaluated: no data"
    assert run("-p", str(clone / "shop"), "--base", repo.c1, "--eval").exit_code == 1
    failing = run("-p", str(clone / "shop"), "--base", repo.c1, "--fail-above", "10%")
    assert failing.exit_code == 1 and "U045" in failing.stderr


# ---- --fail-above ----------------------------------------------------------------------------


def test_fail_above(repo: Repo) -> None:
    v = versions()
    shares = [
        (len(v["v3"][n] ^ v["v1"][n])) / max(len(v["v1"][n]), 1)
        for n in ("young", "young_buyers", "active_us", "frequent")
    ]
    top = max(shares)
    args = ["-p", str(repo.project), "--base", repo.c1, "--head", repo.c3, "--as-of", "2026-06-30"]
    over = run(*args, "--fail-above", f"{(top - 0.01) * 100:.4f}%", "-f", "json")
    assert over.exit_code == 1
    doc = json.loads(over.stdout)
    expected = sorted(
        n
        for n, s in zip(("young", "young_buyers", "active_us", "frequent"), shares, strict=True)
        if s > top - 0.01
    )
    assert sorted(doc["failed"]) == expected
    assert "membership changed by more than" in over.stderr
    # Exactly at the limit is not above it; a fraction works as well as a percentage.
    at = run(*args, "--fail-above", repr(top) if top <= 1 else f"{top * 100!r}%")
    assert at.exit_code == 0, at.output
    assert "ok: no segment's membership changed by more than" in at.stdout
    # Added and removed segments are not gated.
    added_removed = run(
        *["-p", str(repo.project), "--base", repo.c2, "--head", repo.c3, "--fail-above", "0"],
        str(repo.project / "new.seg"),
        str(repo.project / "extra.seg"),
    )
    assert added_removed.exit_code == 0, added_removed.output
    assert "added    idle" in added_removed.stdout


@pytest.mark.parametrize(
    ("text", "value"), [("10%", 0.1), ("0.1", 0.1), ("0", 0.0), ("2.5%", 0.025), ("150%", 1.5)]
)
def test_parse_share(text: str, value: float) -> None:
    assert parse_share(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["10", "ten", "-5%", "nan", ""])
def test_parse_share_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_share(text)


def test_bad_fail_above_is_a_usage_error(repo: Repo) -> None:
    result = run("-p", str(repo.project), "--fail-above", "10")
    assert result.exit_code == 2 and "write 10%" in result.output
    result = run("-p", str(repo.project), "--fail-above", "10%", "--no-eval")
    assert result.exit_code == 2


def test_membership_share_definition() -> None:
    m = membership([1, 2, 3, 4], [3, 4, 5])
    assert (m.before, m.after, m.entered, m.left) == (4, 3, 1, 2)
    assert m.share == 3 / 4 and m.jaccard == 2 / 5
    assert m.entered_sample == (5,) and m.left_sample == (1, 2)
    empty = membership([], [])
    assert empty.share == 0 and empty.jaccard == 1.0
    grown = membership([], [7, 8])
    assert grown.share == 2.0 and grown.jaccard == 0.0  # an empty base counts as one member


# ---- text and markdown -----------------------------------------------------------------------


def test_text_output(repo: Repo) -> None:
    result = run(
        "-p", str(repo.project), "--base", repo.c1, "--head", repo.c3, "--as-of", "2026-06-30"
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"segdsl diff {repo.c1[:7]} → {repo.c3[:7]} · project ")
    assert lines[1] == "as of 2026-06-30T00:00:00 UTC"
    assert "segments: 4 changed, 1 added, 1 removed, 1 renamed" in lines
    assert "  ~ age 25..34 → age 25..40" in lines
    assert any(line.startswith("changed  young_buyers  core.seg") for line in lines)
    assert "  via segment young (the rule's text is the same)" in lines
    assert "renamed  seniors (was old_name)  core.seg" in lines
    assert "  count(purchase in last 90 days) → count(purchase in last 60 days)" in lines
    v = versions()
    b, h = v["v1"]["young"], v["v3"]["young"]
    assert f"    entered, e.g. {', '.join(map(str, sorted(h - b)[:5]))}" in lines


def test_markdown_output(repo: Repo) -> None:
    result = run(
        "-p",
        str(repo.project),
        "--base",
        repo.c1,
        "--head",
        repo.c3,
        "--as-of",
        "2026-06-30",
        "--format",
        "markdown",
        "--fail-above",
        "1000%",
    )
    assert result.exit_code == 0, result.output
    md = result.stdout
    lines = md.splitlines()
    assert lines[0].startswith("### segdsl diff: ")
    header = "| segment | change | before | after | entered | left | Jaccard | changed |"
    start = lines.index(header)
    rows = [line for line in lines[start + 2 :] if line.startswith("| `")]
    v = versions()
    b, h = v["v1"]["young"], v["v3"]["young"]
    young_row = next(r for r in rows if r.startswith("| `young` "))
    cells = [c.strip() for c in young_row.strip("|").split("|")]
    assert cells[1:6] == ["rule", str(len(b)), str(len(h)), f"+{len(h - b)}", f"−{len(b - h)}"]
    assert "| `measure` |" not in md and "| `buys_90d` | changed |" in md
    # Details per segment, with the rule diff in a diff block.
    assert "#### `young` (rule)" in lines
    block = lines[lines.index("```diff") : lines.index("```diff") + 5]
    assert block == ["```diff", "- age 25..34", "+ age 25..40", "  and country is set", "```"]
    assert "No segment's membership changed by more than 1000.0%." in lines


def test_renderers_are_deterministic(repo: Repo) -> None:
    one = diff_revisions(repo.project, repo.c1, repo.c3, as_of=AS_OF)
    two = diff_revisions(repo.project, repo.c1, repo.c3, as_of=AS_OF)
    for fmt in ("text", "markdown", "json"):
        assert render(one, fmt) == render(two, fmt)


# ---- errors ----------------------------------------------------------------------------------


def test_not_a_git_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "segdsl.toml").write_text(diff_repo.CATALOG)
    result = run("-p", str(folder))
    assert result.exit_code == 1 and "U040" in result.stderr
    assert "not inside a git repository" in result.stderr and "Traceback" not in result.output


def test_unknown_revision(repo: Repo) -> None:
    result = run("-p", str(repo.project), "--base", "no-such-branch")
    assert result.exit_code == 1
    assert "error[U041]: unknown revision `no-such-branch`" in result.stderr
    assert run("-p", str(repo.project), "--head", "--oops").exit_code in (1, 2)


def test_project_missing_at_revision(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.root), str(clone))
    (clone / "later").mkdir()
    (clone / "later" / "segdsl.toml").write_text(diff_repo.CATALOG)
    result = run("-p", str(clone / "later"))
    assert result.exit_code == 1 and "U042" in result.stderr
    assert "no project at later in revision HEAD" in result.stderr


def test_revision_that_does_not_parse(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.root), str(clone))
    seg = clone / "shop" / "new.seg"
    seg.write_text(diff_repo.NEW + "\nsegment broken\n  where age = 2 34\n")
    bad = diff_repo.commit(clone, "broken")
    seg.write_text(diff_repo.NEW)  # the working tree is fine
    result = run("-p", str(clone / "shop"), "--base", "HEAD")
    assert result.exit_code == 1
    assert "error[E101]" in result.stderr
    assert "--> HEAD:shop/new.seg:5:17" in result.stderr
    assert f"in revision HEAD ({bad[:7]})" in result.stderr
    # The same mistake in the working tree is named as such.
    seg.write_text(diff_repo.NEW + "segment broken where age = 2 34\n")
    result = run("-p", str(clone / "shop"), "--base", repo.c3)
    assert result.exit_code == 1 and "in the working tree" in result.stderr


# ---- the rule diff ---------------------------------------------------------------------------


def where(text: str) -> ast.Expr:
    stmt = parse(f"segment s where {text}").statements[0]
    assert isinstance(stmt, ast.SegmentDef)
    return stmt.where


def parts(before: str, after: str) -> list[tuple[str, str | None, str | None]]:
    return [(p.op, p.before, p.after) for p in rule_diff(where(before), where(after)).parts]


def test_rule_diff_matches_parts_by_what_they_test() -> None:
    assert parts(
        "age 25..34 and purchases_90d > 3 and is_subscribed",
        'purchases_90d >= 5 and age between 25 and 40 and country = "US"',
    ) == [
        ("changed", "purchases_90d > 3", "purchases_90d >= 5"),
        # a removed part follows the part that preceded it in the base
        ("removed", "is_subscribed", None),
        ("changed", "age 25..34", "age between 25 and 40"),
        ("added", None, 'country = "US"'),
    ]


def test_rule_diff_aggregates_and_segments() -> None:
    assert parts(
        "count(purchase in last 30 days) >= 2 and in segment a",
        "count(purchase in last 60 days where amount > 5) >= 2 and in segment b",
    ) == [
        (
            "changed",
            "count(purchase in last 30 days) >= 2",
            "count(purchase in last 60 days where amount > 5) >= 2",
        ),
        ("removed", "in segment a", None),
        ("added", None, "in segment b"),
    ]


def test_rule_diff_single_part_and_or() -> None:
    assert parts("age > 30", "age > 30 and country is set") == [
        ("same", "age > 30", "age > 30"),
        ("added", None, "country is set"),
    ]
    assert parts("a or b", "a and b") == [("removed", "a or b", None), ("added", None, "a and b")]
    assert rule_diff(where("(a or b)"), where("a or c")).joined_by == "or"


def test_rule_diff_prints_like_the_source() -> None:
    # fmt's canonical spelling: `<>` as `!=`, `is null` as `is missing`, lists in ().
    assert parts('country <> "US" and age is null', 'country != "US" and tags has any ["x"]') == [
        ("same", 'country != "US"', 'country != "US"'),
        ("removed", "age is missing", None),
        ("added", None, 'tags has any ("x")'),
    ]


# ---- loading from texts ----------------------------------------------------------------------


def test_project_from_texts_is_load_project() -> None:
    root = Path(__file__).parent.parent / "examples" / "retail"
    loaded = load_project(root)
    files = {str(p): p.read_text(encoding="utf-8") for p in root.glob("*.seg")}
    built = project_from_texts(root, (root / "segdsl.toml").read_text(), files)
    assert list(built.segments) == list(loaded.segments)
    assert built.segments == loaded.segments and built.measures == loaded.measures
    with pytest.raises(SegdslError) as err:
        project_from_texts(root, "[project]\n", {"x.seg": "segment where"})
    assert err.value.diagnostics


def test_catalog_change_and_an_evaluation_error_name_the_revision(
    repo: Repo, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.root), str(clone))
    catalog = clone / "shop" / "segdsl.toml"
    catalog.write_text(
        diff_repo.CATALOG.replace('age = "integer"', 'age = { type = "integer", column = "years" }')
    )
    bad = diff_repo.commit(clone, "age from a column the data does not have")
    catalog.write_text(diff_repo.CATALOG)
    doc = diff_json("-p", str(clone / "shop"), "--no-eval")
    segs = by_name(doc)
    # Same text, another column: changed via the catalog; segments using one too.
    assert segs["young"]["rule"] is None
    assert segs["young"]["via"] == [{"kind": "catalog", "name": "segdsl.toml"}]
    assert segs["young_buyers"]["via"] == [{"kind": "segment", "name": "young"}]
    assert set(segs) == {"young", "young_buyers", "seniors"}
    result = run("-p", str(clone / "shop"), "--as-of", "2026-06-30")
    assert result.exit_code == 1 and "D006" in result.stderr  # a column not in the data
    assert f"evaluating revision HEAD ({bad[:7]}) on the working tree's data" in result.stderr
