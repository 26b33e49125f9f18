"""The stream's output line of a change, written out by hand, is exactly what
``json.dumps`` makes of the change's JSON object (keys of every shape, names with
quotes and non-ASCII letters, another entity than the default)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import segdsl
from segdsl.tools.live import LiveEvaluator
from segdsl.tools.live.changes import Change
from segdsl.tools.live.protocol import change_json, change_line

RETAIL = Path(__file__).resolve().parents[2] / "examples" / "retail"
LIVE = LiveEvaluator(segdsl.load_project(RETAIL))
DEFAULT = LIVE.catalog.default_entity

keys = st.one_of(st.integers(-(2**63), 2**63), st.text(max_size=12))
names = st.text(min_size=1, max_size=20)
instants = st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2100, 1, 1))


@given(
    key=keys,
    segment=names,
    change=st.sampled_from(["entered", "left"]),
    at=instants,
    entity=st.sampled_from([DEFAULT, "store"]),
)
def test_a_line_is_the_json_of_the_change(
    key: Any, segment: str, change: str, at: dt.datetime, entity: str
) -> None:
    c = Change(entity, key, segment, change, at)
    want = json.dumps(change_json(LIVE, c), ensure_ascii=False, separators=(", ", ": "))
    assert change_line(LIVE, c) == want
    assert json.loads(change_line(LIVE, c))["profile"] == key
