"""The segments ``apply_event`` leaves alone (polarity.py) and the running sums windows
are read from (state.Sums): each checked against doing the work in full.

- the polarity of typical forms, by hand;
- hypothesis: random events (negative, fractional and missing amounts, late events,
  ties) and ticks through two evaluators — one that skips, one that evaluates every
  segment an event's logs touch — report the very same changes, in the same order;
- hypothesis: running sums (added, dropped, made again after a late event) equal the
  sums of :class:`fractions.Fraction`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import segdsl
from segdsl.tools.live import LiveEvaluator
from segdsl.tools.live.polarity import BOTH, DOWN, RISING, SETTLED, UP
from segdsl.tools.live.state import Log

START = dt.datetime(2026, 3, 1)
PEOPLE = range(1, 5)
CATALOG = """[project]
name = "skips"
default_entity = "person"

[entity.person]
source = "data/people.csv"
key = "id"

[entity.person.attributes]
age = "integer"

[event.buy]
source = "data/buys.csv"
entity = "person"
key = "id"
timestamp = "ts"

[event.buy.fields]
amount = "number"
status = "string"

[event.view]
source = "data/views.csv"
entity = "person"
key = "id"
timestamp = "ts"
"""
RULES = """
segment buys_2 where count(buy in last 10 days) >= 2
segment no_buy where did not buy in last 5 days
segment spend_ge where sum(buy.amount in last 10 days) >= 6
spend_lt_text
segment spend_eq where sum(buy.amount in last 10 days) = 5
segment big where max(buy.amount in last 10 days) > 4
segment small where min(buy.amount in last 10 days) < 1
segment fresh where first(buy) after 2026-03-05
segment recent where last(buy) before 3 days ago
segment recent_in_window where last(buy in last 10 days) before 3 days ago
segment ratio where count(buy in last 10 days where status = "paid") / count(buy in last 10 days) > 0.5
segment viewers where count(view in last 7 days) + 2 * count(buy in last 7 days) >= 3
segment then_view where did buy then view within 2 days
segment then_no_view where did buy then not view within 2 days
segment mixed where count(view in last 7 days) >= 2 and sum(buy.amount in last 7 days) < 3
segment avg_hi where avg(buy.amount in last 10 days where status = "paid") >= 2
""".replace("spend_lt_text", "segment spend_lt where sum(buy.amount in last 10 days) < 2")


def project(tmp_path: Path) -> segdsl.Project:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "people.csv").write_text("id,age\n" + "".join(f"{i},30\n" for i in PEOPLE))
    (tmp_path / "data" / "buys.csv").write_text("id,ts,amount,status\n")
    (tmp_path / "data" / "views.csv").write_text("id,ts\n")
    (tmp_path / "segdsl.toml").write_text(CATALOG, encoding="utf-8")
    (tmp_path / "rules.seg").write_text(RULES, encoding="utf-8")
    return segdsl.load_project(tmp_path)


def signs(live: LiveEvaluator, name: str, case: int) -> dict[str, int]:
    """The polarity of a segment per event kind it reads (its logs' kinds), in one case
    of an event (polarity.py: 0, RISING, SETTLED or both)."""
    plan = next(p for p in live.plans if p.name == name)
    out: dict[str, int] = {}
    for spec in live.log_specs:
        if spec.id not in plan.logs:
            continue
        up = spec.id not in plan.not_up[case]
        down = spec.id not in plan.not_down[case]
        sign = UP if up else DOWN if down else BOTH
        out[spec.event] = sign if spec.event not in out or out[spec.event] == sign else BOTH
    return out


def test_polarity_of_typical_forms(tmp_path: Path) -> None:
    live = LiveEvaluator(project(tmp_path))
    general, rising = 0, RISING
    assert signs(live, "buys_2", general) == {"buy": UP}
    assert signs(live, "no_buy", general) == {"buy": DOWN}
    # a sum rises with an event whose value is not negative, else either way
    assert signs(live, "spend_ge", general) == {"buy": BOTH}
    assert signs(live, "spend_ge", rising) == {"buy": UP}
    assert signs(live, "spend_lt", rising) == {"buy": DOWN}
    assert signs(live, "spend_eq", rising) == {"buy": BOTH}
    # one more event makes a missing max present: a comparison can only turn true
    assert signs(live, "big", general) == {"buy": UP}
    assert signs(live, "small", general) == {"buy": UP}
    # `first after`: the first time only moves earlier (falls), but missing → present
    assert signs(live, "fresh", general) == {"buy": BOTH}
    assert signs(live, "recent", general) == {"buy": BOTH}
    # ... and once the log has held an event, the first and last times are present
    # and only move: `first after` falls, `last before` falls
    assert signs(live, "fresh", SETTLED) == {"buy": DOWN}
    assert signs(live, "recent", SETTLED) == {"buy": DOWN}
    assert signs(live, "recent", SETTLED | RISING) == {"buy": DOWN}
    # within a window they can still appear (no event in the window yet)
    assert signs(live, "recent_in_window", SETTLED) == {"buy": BOTH}
    assert signs(live, "big", SETTLED) == {"buy": UP}  # a maximum of values: unchanged
    assert signs(live, "ratio", general) == {"buy": BOTH}
    assert signs(live, "viewers", general) == {"view": UP, "buy": UP}
    assert signs(live, "then_view", general) == {"buy": UP, "view": UP}
    assert signs(live, "then_no_view", general) == {"buy": UP, "view": DOWN}
    assert signs(live, "mixed", rising) == {"view": UP, "buy": DOWN}
    assert signs(live, "avg_hi", rising) == {"buy": BOTH}


amounts = st.sampled_from(
    [None, -3, -1, 0, 1, 2, 3, 5, 7, Decimal("0.5"), Decimal("2.25"), 1.5, 0.1]
)
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("buy"),
            st.sampled_from(list(PEOPLE)),
            st.integers(min_value=-48, max_value=24),  # hours from the clock: late ones too
            amounts,
            st.sampled_from([None, "paid", "refunded"]),
        ),
        st.tuples(
            st.just("view"),
            st.sampled_from(list(PEOPLE)),
            st.integers(min_value=-48, max_value=24),
        ),
        st.tuples(st.just("tick"), st.integers(min_value=0, max_value=72)),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(drawn=steps)
# a negative amount takes a member of `sum … >= 6` out: it must not be left alone
@example(drawn=[("buy", 1, 0, 7, "paid"), ("buy", 1, 1, -3, "paid")])
def test_skipping_reports_what_evaluating_everything_does(
    tmp_path_factory: Any, drawn: list[Any]
) -> None:
    proj = project(tmp_path_factory.mktemp("skips"))
    lives = [LiveEvaluator(proj), LiveEvaluator(proj, skip=False)]  # the second skips nothing
    reports: list[list[Any]] = [[], []]
    clock = START
    for i, live in enumerate(lives):
        for p in PEOPLE:
            reports[i] += live.apply_attributes(p, {"age": 30})
        reports[i] += live.advance(START)
    for step in drawn:
        if step[0] == "tick":
            clock += dt.timedelta(hours=step[1])
            for i, live in enumerate(lives):
                reports[i] += live.advance(clock)
            continue
        when = clock + dt.timedelta(hours=step[2])
        clock = max(clock, when)
        fields = {"amount": step[3], "status": step[4]} if step[0] == "buy" else {}
        for i, live in enumerate(lives):
            reports[i] += live.apply_event(step[0], step[1], when, fields)
            assert_queued_at_earliest_wake(live)
    for i, live in enumerate(lives):
        reports[i] += live.advance(clock + dt.timedelta(days=30))
        assert_queued_at_earliest_wake(live)
    assert reports[0] == reports[1]
    assert [p.members for p in lives[0].profiles.values()] == [
        p.members for p in lives[1].profiles.values()
    ]


def assert_queued_at_earliest_wake(live: LiveEvaluator) -> None:
    """Every profile is queued under its earliest wake (``_evaluate`` keeps it without
    a walk over the wakes, relying on this)."""
    for p in live.profiles.values():
        assert p.queued == p.wake(), (p.key, p.queued, p.wakes)
        # the blocked parts' bits name exactly the segments with a blocked part
        assert p.blocked_bits == sum(live._named[n].bit for n in p.blocked), p.key


values = st.lists(
    st.one_of(
        st.none(),
        st.integers(min_value=-50, max_value=50),
        st.fractions(max_denominator=64),
        st.decimals(min_value=-100, max_value=100, places=3, allow_nan=False),
    ),
    max_size=30,
)


@settings(max_examples=80, deadline=None)
@given(first=values, late=values, drop=st.integers(min_value=0, max_value=40))
def test_running_sums_equal_fraction_sums(first: list[Any], late: list[Any], drop: int) -> None:
    log = Log()
    stamps = []
    for k, v in enumerate(first):
        t = START + dt.timedelta(hours=k)
        log.add(t, (v,))
        stamps.append((t, v))
        log.sums_of(0)  # made early: kept up to date by every add
    for k, v in enumerate(late):  # stamped between the others: the sums are made again
        t = START + dt.timedelta(hours=k, minutes=30)
        log.add(t, (v,))
        stamps.append((t, v))
    stamps.sort(key=lambda s: s[0])
    sums = log.sums_of(0)
    cut = min(drop, len(stamps))
    if cut:
        log.fold(stamps[cut - 1][0], False, (False,))
        stamps = [s for s in stamps if s[0] > stamps[cut - 1][0]]
    sums = log.sums_of(0)
    assert len(sums.pre) == len(stamps) + 1
    for i in range(len(stamps) + 1):
        for j in range(i, len(stamps) + 1):
            present = [Fraction(v) for _, v in stamps[i:j] if v is not None]
            assert Fraction(sums.pre[j] - sums.pre[i], sums.scale) == sum(present, Fraction(0))
            assert sums.cnt[j] - sums.cnt[i] == len(present)
    negatives = [k for k, (_, v) in enumerate(stamps) if v is not None and v < 0]
    assert sums.negative == (negatives[-1] if negatives else -1)


@pytest.mark.parametrize("amount", [1, -1])
def test_a_new_profile_is_evaluated_in_full(tmp_path: Path, amount: int) -> None:
    """A profile first seen through an event has every segment evaluated once: not
    one is left alone because it is out and falls with the event."""
    live = LiveEvaluator(project(tmp_path))
    live.advance(START)
    changes = live.apply_event("buy", 99, START, {"amount": amount, "status": "paid"})
    entered = {c.segment for c in changes if c.change == "entered"}
    # out and falling with a buy (`did not buy`, `sum < 2` when the amount is -1 …)
    # would be skipped for a known profile; a new one is evaluated in full
    assert entered == set(live.members(99))
    assert "no_buy" not in entered
    assert "spend_lt" in entered
    assert ("small" in entered) is (amount < 1)
