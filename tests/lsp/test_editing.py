"""The editing analysis library (no server): overlays, caches, completion contexts,
rename checks, formatting edits and the incremental lint against `segdsl lint`."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from lsp_helpers import copy_retail

from segdsl.tools.editing import (
    Position,
    ProjectState,
    RenameError,
    code_actions,
    complete,
    diagnostics,
    format_edits,
    references,
    rename,
    text_edits,
)
from segdsl.tools.lint import lint_project


def _pos(text: str, needle: str, nth: int = 0, shift: int = 0) -> Position:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    start += shift
    return Position(text.count("\n", 0, start), start - (text.rfind("\n", 0, start) + 1))


def _apply(text: str, edits: list) -> str:  # type: ignore[type-arg]
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    for e in sorted(edits, key=lambda e: e.range.start, reverse=True):
        a = starts[e.range.start.line] + e.range.start.character
        b = starts[e.range.end.line] + e.range.end.character
        text = text[:a] + e.new_text + text[b:]
    return text


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_retail(tmp_path / "retail")


def _codes(state: ProjectState) -> dict[str, list[str]]:
    return {Path(p).name: [f.code for f in fs] for p, fs in diagnostics(state).items() if fs}


def test_overlay_wins_over_disk_and_close_restores_it(project: Path) -> None:
    state = ProjectState(project)
    path = project / "value.seg"
    assert _codes(state) == {}
    state.set_text(path, path.read_text().replace("spend_365d", "spend_x", 1))
    assert _codes(state) == {"value.seg": ["E201"]}
    state.close(path)
    assert _codes(state) == {}


def test_new_files_on_disk_count_after_refresh(project: Path) -> None:
    state = ProjectState(project)
    assert _codes(state) == {}
    (project / "extra.seg").write_text("segment extra where agee > 1\n")
    state.refresh()
    assert _codes(state) == {"extra.seg": ["E201"]}


def test_duplicates_across_files_point_at_the_second(project: Path) -> None:
    state = ProjectState(project)
    dup = project / "zz_dup.seg"  # after value.seg: files are read in path order
    state.set_text(dup, "segment vip where age > 3\n")
    found = diagnostics(state)[str(dup)]
    assert [f.code for f in found] == ["E202"]
    assert found[0].range.start == Position(0, 8)


def test_a_broken_file_keeps_lending_its_names(project: Path) -> None:
    state = ProjectState(project)
    measures = project / "measures.seg"
    state.set_text(measures, measures.read_text() + "\nmeasure broken = \n")
    codes = _codes(state)
    assert list(codes) == ["measures.seg"] and codes["measures.seg"][0].startswith("E1")


def test_incremental_lint_equals_segdsl_lint(project: Path) -> None:
    """Edit rules one after another; after each edit, the findings of the editor (with
    its cache) equal those of `segdsl lint` on the files written to disk."""
    state = ProjectState(project)
    names = ["value.seg", "demographic.seg", "lifecycle.seg", "segmentations.seg"]
    files = [project / n for n in names if (project / n).exists()]
    edits = [
        ("top 20% by spend_365d", 'top 20% by spend_365d and country != "US"'),
        ("\n  where", "\n  where age > 3 and age > 5 and"),
        ("\n  where", '\n  where (country = "DE" or country != "DE") and'),
        ("champions           where ", 'champions where (country = "DE" or country != "DE") and '),
    ]
    seen: set[str] = set()
    for step in range(8):
        path = files[step % len(files)]
        old, new = edits[step % len(edits)]
        text = path.read_text()
        if old not in text:
            continue
        text = text.replace(old, new, 1)
        path.write_text(text)
        state.set_text(path, text)
        mine = sorted(
            (Path(f.path).name, f.range.start.line + 1, f.range.start.character + 1, f.code)
            for fs in diagnostics(state).values()
            for f in fs
        )
        theirs = sorted(
            (Path(d.span.path).name, d.span.line, d.span.column, d.code)
            for d in lint_project(project).diagnostics
            if d.span is not None
        )
        assert mine == theirs, step
        seen.update(code for *_, code in mine)
    assert any(c.startswith("W") for c in seen), seen
    # catalog edits: an attribute added (findings kept), a retention set (W303 appears)
    toml = project / "segdsl.toml"
    for old, new in (
        ("[entity.customer.attributes]\n", '[entity.customer.attributes]\nextra = "string"\n'),
        ('timestamp = "ordered_at"\n', 'timestamp = "ordered_at"\nretention = "60 days"\n'),
    ):
        text = toml.read_text().replace(old, new, 1)
        toml.write_text(text)
        state.set_text(toml, text)
        mine = sorted(
            (Path(f.path).name, f.range.start.line + 1, f.range.start.character + 1, f.code)
            for fs in diagnostics(state).values()
            for f in fs
        )
        theirs = sorted(
            (Path(d.span.path).name, d.span.line, d.span.column, d.code)
            for d in lint_project(project).diagnostics
            if d.span is not None
        )
        assert mine == theirs, new
    assert any(code == "W303" for *_, code in mine), mine


def test_completion_contexts(project: Path) -> None:
    state = ProjectState(project)
    path = project / "new.seg"

    def labels(text: str, trigger: str | None = None) -> set[str]:
        state.set_text(path, text)
        lines = text.split("\n")
        pos = Position(len(lines) - 1, len(lines[-1]))
        return {i.label for i in complete(state, path, pos, trigger=trigger)}

    assert labels("segment x of ") == {"customer"}
    assert labels("se") >= {"segment", "measure"}
    assert "title" in labels("segment x\n  ")
    assert labels('segment x where did purchase where (status = "paid" and ') >= {"amount"}
    assert "age" not in labels('segment x where did purchase where (status = "paid" and ')
    assert labels("segment x where did page_view then ") == {"purchase", "page_view", "add_to_cart"}
    assert labels('segment x where country = "D') == set()  # inside a text
    assert labels("segment x where age > 3 # a comm") == set()
    assert labels("segment x where age > 3 and ", trigger=" ") == set()
    assert labels("segment x where in segment ", trigger=" ") >= {"vip"}
    # a segment does not complete to itself
    assert "x" not in labels("segment x where in segment ")
    assert labels("segment x where top 10% by spend_365d per ") >= {"country"}


def test_rename_refuses_clashes_and_keywords(project: Path) -> None:
    state = ProjectState(project)
    value = project / "value.seg"
    text = value.read_text()
    at = _pos(text, "spend_365d")
    for bad in ("vip", "age", "where", "1x", "a-b"):
        with pytest.raises(RenameError):
            rename(state, value, at, bad)
    with pytest.raises(RenameError):
        rename(state, value, _pos(text, "top"), "x")  # not a name
    broken = project / "broken.seg"
    state.set_text(broken, "segment b where spend_365d > \n")
    with pytest.raises(RenameError, match="does not parse"):
        rename(state, value, at, "spend_year")


def test_rename_of_a_segment_reaches_in_segment(project: Path) -> None:
    state = ProjectState(project)
    value = project / "value.seg"
    text = value.read_text()
    edits = rename(state, value, _pos(text, "segment vip", shift=8), "very_important")
    total = sum(len(e) for e in edits.values())
    assert total == len(references(state, value, _pos(text, "segment vip", shift=8)))
    for path, file_edits in edits.items():
        state.set_text(path, _apply(state.text(path) or "", file_edits))
    assert _codes(state) == {}


def test_text_edits_turn_one_text_into_the_other() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        a = "\n".join(rng.choice(["x", "y", "", "z z"]) for _ in range(rng.randint(0, 6)))
        b = "\n".join(rng.choice(["x", "y", "", "w"]) for _ in range(rng.randint(0, 6)))
        a += rng.choice(["", "\n"])
        b += rng.choice(["", "\n"])
        assert _apply(a, text_edits(a, b)) == b


def test_format_edits_and_crlf(project: Path) -> None:
    from segdsl.syntax.formatter import format_text

    state = ProjectState(project)
    path = project / "messy.seg"
    messy = "segment   m\r\n  where age>3\r\n"
    state.set_text(path, messy)
    plain = messy.replace("\r\n", "\n")
    assert _apply(plain, format_edits(state, path)) == format_text(plain)


def test_ignore_action_silences_a_lint_finding(project: Path) -> None:
    state = ProjectState(project)
    path = project / "lintme.seg"
    text = 'segment not_us\n  title "x"\n  owner "y"\n  where country != "US"  # why\n'
    state.set_text(path, text)
    actions = code_actions(state, path)
    ignore = next(a for a in actions if a.title.startswith("Ignore"))
    state.set_text(path, _apply(text, ignore.edits[str(path)]))
    assert _codes(state) == {}
    assert "# why segdsl: ignore[W201]" in (state.text(path) or "")


def test_no_catalog_gives_p004(tmp_path: Path) -> None:
    state = ProjectState(tmp_path)
    state.set_text(tmp_path / "a.seg", "segment a where age > 1\n")
    assert _codes(state) == {"a.seg": ["P004"]}


def test_without_the_extra_segdsl_lsp_says_what_to_install() -> None:
    import os
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['pygls'] = None; sys.modules['lsprotocol'] = None\n"
        "from segdsl.cli import main; sys.argv = ['segdsl', 'lsp']; main()\n"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = dict(os.environ, PYTHONPATH=src)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 1
    assert "P001" in done.stderr and "pip install 'segdsl[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_hover_and_definition_in_a_file_being_typed(project: Path) -> None:
    """A file that does not parse still answers hover and definition for the known
    names under the cursor."""
    from segdsl.tools.editing import definition, hover

    state = ProjectState(project)
    path = project / "typing.seg"
    text = (
        "segment x where spend_365d > 3 and count(purchase where amount > ) "
        "and in segment vip and age >\n"
    )
    state.set_text(path, text)

    def shown(needle: str) -> str:
        found = hover(state, path, _pos(text, needle, shift=1))
        return found.contents if found else ""

    assert "measure `spend_365d`" in shown("spend_365d")
    assert "event `purchase`" in shown("purchase")
    assert "field `amount`" in shown("amount")
    assert "segment `vip`" in shown("vip")
    assert "attribute `age`" in shown("age")
    loc = definition(state, path, _pos(text, "spend_365d"))
    assert [Path(x.path).name for x in loc] == ["measures.seg"]
