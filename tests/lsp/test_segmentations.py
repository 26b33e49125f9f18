"""Segmentations (language.md §15) in the editor: classes as segments `NAME.CLASS`,
the segmentation's name as a text value. Skipped while the language has no
segmentations."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import copy_retail

from segdsl.syntax.parser import KEYWORDS
from segdsl.tools.editing import (
    Position,
    ProjectState,
    RenameError,
    complete,
    definition,
    diagnostics,
    document_symbols,
    hover,
    references,
    rename,
)

pytestmark = pytest.mark.skipif(
    "segmentation" not in KEYWORDS, reason="the language has no segmentations yet"
)

RFM = """measure t_recency   = score 1..5 by last(purchase)
measure t_frequency = score 1..5 by count(purchase in last 365 days)

segmentation tiers of customer
  title "Tier groups"
  champions   where t_recency >= 4 and t_frequency >= 4
  at_risk     where t_recency <= 2 and t_frequency >= 3
  others

segment rfm_risky where in segment tiers.at_risk and age > 30
segment rfm_named where tiers in ("champions", "others")
"""


def _pos(text: str, needle: str, shift: int = 0) -> Position:
    i = text.index(needle) + shift
    return Position(text.count("\n", 0, i), i - (text.rfind("\n", 0, i) + 1))


@pytest.fixture
def state(tmp_path: Path) -> ProjectState:
    project = copy_retail(tmp_path / "retail")
    (project / "tiers.seg").write_text(RFM)
    return ProjectState(project)


def _labels(state: ProjectState, text: str) -> list[str]:
    path = state.root / "typing.seg"
    state.set_text(path, text)
    lines = text.split("\n")
    found = complete(state, path, Position(len(lines) - 1, len(lines[-1])))
    state.close(path)
    return [i.label for i in found]


def test_a_project_with_a_segmentation_is_clean(state: ProjectState) -> None:
    assert not any(diagnostics(state).values())


def test_completion_knows_classes_and_values(state: ProjectState) -> None:
    assert {"tiers.champions", "tiers.at_risk", "tiers.others", "vip"} <= set(
        _labels(state, "segment x where in segment ")
    )
    assert _labels(state, "segment x where in segment tiers.") == ["champions", "at_risk", "others"]
    assert _labels(state, 'segment x where tiers = "') == ["champions", "at_risk", "others"]
    assert _labels(state, 'segment x where tiers in ("champions", "') == [
        "champions",
        "at_risk",
        "others",
    ]
    assert _labels(state, "segment x where tiers != ") == ['"champions"', '"at_risk"', '"others"']
    assert "tiers" in _labels(state, "segment x where ")
    assert "segmentation" in _labels(state, "se")
    assert _labels(state, "segment x where count(purchase in this ") == [
        "day",
        "week",
        "month",
        "quarter",
        "year",
    ]
    assert {"day_of_week", "hour_of_day"} <= set(
        _labels(state, "segment x where count(purchase where ")
    )


def test_hover_definition_and_references(state: ProjectState) -> None:
    path = state.root / "tiers.seg"
    use = _pos(RFM, "tiers.at_risk", shift=7)
    shown = hover(state, path, use)
    assert shown is not None and "class `at_risk`" in shown.contents and "```sql" in shown.contents
    group = hover(state, path, _pos(RFM, "tiers in"))
    assert group is not None and "segmentation `tiers`" in group.contents
    assert [loc.range.start for loc in definition(state, path, use)] == [_pos(RFM, "at_risk")]
    assert len(references(state, path, _pos(RFM, "tiers of"))) == 3  # definition and 2 uses


def test_rename_a_segmentation_and_a_class(state: ProjectState) -> None:
    path = state.root / "tiers.seg"
    edits = rename(state, path, _pos(RFM, "tiers of"), "groups")
    assert sorted(e.range.start.line for e in edits[str(path)]) == [3, 9, 10]
    edits = rename(state, path, _pos(RFM, "at_risk"), "risky")
    assert [e.new_text for e in edits[str(path)]] == ["risky", "risky"]
    with pytest.raises(RenameError):
        rename(state, path, _pos(RFM, "at_risk"), "champions")
    symbols = [(s.name, s.kind) for s in document_symbols(state, path)]
    assert ("tiers", "segmentation") in symbols and ("tiers.at_risk", "segment") in symbols
