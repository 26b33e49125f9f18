"""``coercer(t)`` (the evaluator's per-field fast path) answers exactly what
``coerce(t, raw)`` answers — the same value of the same type, or the same error — for
values of the type's own kind and for every other kind of input; and the evaluator's
Python API refuses odd profile keys with a code and takes a numeric event id."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import segdsl
from segdsl.catalog.types import Type
from segdsl.diagnostics import SegdslError
from segdsl.tools.live import LiveEvaluator
from segdsl.tools.live.protocol import parse_json
from segdsl.tools.live.values import BadValue, coerce, coercer

TYPES = [
    Type.STRING,
    Type.INTEGER,
    Type.NUMBER,
    Type.BOOLEAN,
    Type.DATE,
    Type.TIMESTAMP,
    Type.LIST_STRING,
    Type.LIST_INTEGER,
]

SAMPLES: list[Any] = [
    None,
    "",
    "text",
    "2026-06-01",
    "2026-06-01T10:00:00Z",
    "2026-06-01T10:00:00.250000Z",
    "2026-06-01T10:00:00+02:00",
    "2026-06-01T10:00:00z",
    "2026-06-01T10:00:00",
    "2026-06-01Z",
    "2026-13-01T10:00:00Z",
    "20260601T100000Z",
    "2026-06-01T10:00:00+00:00Z",
    "Z" * 12,
    0,
    -3,
    10**30,
    True,
    False,
    1.5,
    float("nan"),
    float("inf"),
    Decimal("0.1"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    Decimal("3"),
    Fraction(1, 3),
    Fraction(4, 2),
    dt.date(2026, 6, 1),
    dt.datetime(2026, 6, 1, 10),
    dt.datetime(2026, 6, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ["a", "b"],
    [],
    {"a": 1},
]


def outcome(fn: Any) -> tuple[str, Any, str]:
    try:
        value = fn()
    except BadValue as exc:
        return ("error", str(exc), "")
    return ("value", value, type(value).__name__)


def same(t: Type, raw: Any) -> None:
    fast = outcome(lambda: coercer(t)(raw))
    slow = outcome(lambda: coerce(t, raw))
    if fast[0] == "value" and isinstance(fast[1], Decimal) and fast[1].is_nan():
        assert slow[0] == "value" and slow[1].is_nan()  # NaN is not equal to itself
        return
    assert fast == slow, (t, raw)


@pytest.mark.parametrize("t", TYPES, ids=str)
@pytest.mark.parametrize("raw", SAMPLES, ids=repr)
def test_coercer_is_coerce(t: Type, raw: Any) -> None:
    same(t, raw)


def test_the_fast_timestamp_is_naive_utc() -> None:
    value = coercer(Type.TIMESTAMP)("2026-06-01T10:00:00.5Z")
    assert value == dt.datetime(2026, 6, 1, 10, 0, 0, 500000) and value.tzinfo is None


@given(
    st.one_of(
        st.datetimes(
            timezones=st.sampled_from(
                [dt.UTC, dt.timezone(dt.timedelta(hours=-5)), dt.timezone(dt.timedelta(0))]
            )
        ).map(lambda d: d.isoformat().replace("+00:00", "Z")),
        st.text(max_size=30),
        st.integers(),
        st.decimals(allow_nan=True, allow_infinity=True),
    )
)
def test_coercer_is_coerce_on_random_input(raw: Any) -> None:
    for t in TYPES:
        same(t, raw)


def test_one_decoder_reads_lines_alike() -> None:
    """The stream's single JSON decoder keeps no state from one line to the next."""
    first = parse_json('{"a": 0.10, "b": "x"}')
    second = parse_json('{"b": 2, "c": [1.5]}')
    assert first == {"a": Decimal("0.10"), "b": "x"}
    assert second == {"b": 2, "c": [Decimal("1.5")]}


@pytest.fixture(scope="module")
def retail_live() -> LiveEvaluator:
    return LiveEvaluator(segdsl.load_project(Path(__file__).parents[2] / "examples" / "retail"))


@pytest.mark.parametrize("key", [[1], {"a": 1}, True, None, 1.5])
def test_a_bad_profile_key_is_an_error_with_a_code(retail_live: LiveEvaluator, key: Any) -> None:
    """Through the Python API too: an unhashable or odd key is V007, not a TypeError."""
    kind = next(iter(retail_live.catalog.events))
    with pytest.raises(SegdslError, match="V007"):
        retail_live.apply_event(kind, key, dt.datetime(2026, 6, 1))
    with pytest.raises(SegdslError, match="V007"):
        retail_live.apply_attributes(key, {})


def test_an_event_id_given_as_a_number_is_applied_once(retail_live: LiveEvaluator) -> None:
    kind = next(iter(retail_live.catalog.events))
    retail_live.apply_event(kind, 901, dt.datetime(2026, 6, 1), {}, 17)
    log_sizes = {i: len(log.ts) for i, log in retail_live.profiles[("customer", 901)].logs.items()}
    assert log_sizes and set(log_sizes.values()) == {1}  # it went into logs
    retail_live.apply_event(kind, 901, dt.datetime(2026, 6, 1), {}, 17)  # the same id: ignored
    again = {i: len(log.ts) for i, log in retail_live.profiles[("customer", 901)].logs.items()}
    assert again == log_sizes
