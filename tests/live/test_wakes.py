"""The wake queue (wakes.py) against a plain oracle: a sorted list of the instants.

Random pushes (instants in the past, in the current hour, hours and days ahead, the
same instant again) interleaved with pops of everything due at random clocks: every
pop answers the earliest instant queued, with every profile pushed under it, in entity
and key order; nothing is lost or answered twice."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from segdsl.tools.live.state import Profile
from segdsl.tools.live.wakes import WakeQueue, hour_of

T0 = dt.datetime(2026, 3, 29, 0, 0)

# seconds after T0: the same hour, the next hours, days ahead, a year ahead
offsets = st.one_of(
    st.integers(0, 3599),
    st.integers(0, 6 * 3600),
    st.integers(0, 40 * 86400),
    st.sampled_from([0, 3599, 3600, 86399, 86400, 366 * 86400]),
)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("push"), st.integers(0, 30), offsets),
        st.tuples(st.just("drain"), st.booleans(), offsets),
    ),
    max_size=80,
)


def _drain(
    q: WakeQueue, oracle: dict[dt.datetime, list[Profile]], upto: dt.datetime, inclusive: bool
) -> None:
    while (due := q.next_due(upto, inclusive)) is not None:
        assert due == min(oracle)
        wake, profiles = q.pop()
        assert wake == due
        expected = sorted(oracle.pop(wake), key=lambda p: (p.entity, p.order))
        assert [id(p) for p in profiles] == [id(p) for p in expected]
    # nothing due is left behind
    assert not oracle or (min(oracle) > upto if inclusive else min(oracle) >= upto)


@settings(max_examples=300, deadline=None)
@given(steps)
def test_queue_answers_instants_in_order(plan: list[tuple[str, object, int]]) -> None:
    q = WakeQueue()
    oracle: dict[dt.datetime, list[Profile]] = {}
    profiles = {k: Profile("customer", k) for k in range(31)}
    clock = T0
    for op, arg, seconds in plan:
        t = T0 + dt.timedelta(seconds=seconds)
        if op == "push":
            assert isinstance(arg, int)
            p = profiles[arg]
            q.push(p, t)
            oracle.setdefault(t, []).append(p)
        else:
            assert isinstance(arg, bool)
            clock = max(clock, t)
            _drain(q, oracle, clock, arg)
        assert len(q) == len(oracle)
    _drain(q, oracle, dt.datetime.max, True)
    assert len(q) == 0 and not oracle


def test_rebuild_queues_each_profile_at_its_earliest_wake() -> None:
    q = WakeQueue()
    a, b, c = Profile("customer", 2), Profile("customer", 1), Profile("customer", 3)
    a.wakes = {"x": T0 + dt.timedelta(days=3), "y": T0 + dt.timedelta(hours=1)}
    b.wakes = {"x": T0 + dt.timedelta(hours=1)}
    q.push(c, T0)  # forgotten by the rebuild: c waits for nothing
    q.rebuild([a, b, c])
    assert c.queued is None and a.queued == b.queued == T0 + dt.timedelta(hours=1)
    assert q.next_due(T0, True) is None
    wake, profiles = q.pop() if q.next_due(T0 + dt.timedelta(hours=2), True) else (None, [])
    assert wake == T0 + dt.timedelta(hours=1) and profiles == [b, a]  # key order
    assert len(q) == 0


def test_hours_are_numbered_in_order_across_days() -> None:
    late = dt.datetime(2026, 12, 31, 23, 59, 59)
    assert hour_of(late) + 1 == hour_of(late + dt.timedelta(seconds=1))
    assert hour_of(T0) < hour_of(T0 + dt.timedelta(minutes=60))
