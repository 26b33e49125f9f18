"""The remembered time arithmetic of live evaluation (times.today_in, period_bounds)
against the batch compiler's own functions (timecalc.local_date, period_dates,
period_instants), on DST switch days, period edges and odd offsets."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segdsl.semantic.ir import Period
from segdsl.semantic.timecalc import (
    local_date,
    local_to_utc,
    period_dates,
    period_instants,
    period_start_date,
    periods_back,
    utc_to_local,
)
from segdsl.tools.live.times import local_midnight, period_bounds, to_local, today_in

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # a 30-minute summer-time switch
    "Asia/Kathmandu",  # +05:45
    "Pacific/Chatham",  # +12:45 / +13:45
]
UNITS = ["day", "week", "month", "quarter", "year"]

# instants around the 2026 switches (UTC) and period edges, to the microsecond
EDGES = [
    dt.datetime(2026, 3, 29, 0, 59, 59, 999999),
    dt.datetime(2026, 3, 29, 1, 0),
    dt.datetime(2026, 10, 25, 0, 59, 59, 999999),
    dt.datetime(2026, 10, 25, 1, 0),
    dt.datetime(2026, 3, 8, 6, 59, 59, 999999),
    dt.datetime(2026, 3, 8, 7, 0),
    dt.datetime(2026, 11, 1, 5, 59, 59, 999999),
    dt.datetime(2026, 11, 1, 6, 0),
    dt.datetime(2026, 4, 4, 15, 0),  # Lord Howe, back to +10:30
    dt.datetime(2026, 10, 3, 15, 30),  # Lord Howe, to +11
    dt.datetime(2025, 12, 31, 23, 0),
    dt.datetime(2026, 1, 1, 0, 0),
    dt.datetime(2026, 6, 30, 22, 0),
    dt.datetime(2026, 3, 31, 22, 0),
]


def expected(now: dt.datetime, p: Period, zone: str, on_date: bool) -> tuple[object, ...]:
    lo, hi, inc = period_dates(now, p, zone) if on_date else period_instants(now, p, zone)
    start = period_start_date(local_date(now, zone), p.unit)
    following = local_to_utc(dt.datetime.combine(periods_back(start, p.unit, -1), dt.time()), zone)
    return lo, hi, inc, following


@pytest.mark.parametrize("zone", ZONES)
def test_edges(zone: str) -> None:
    for base in EDGES:
        for shift in (-1, 0, 1, 899_999_999, 900_000_000):
            now = base + dt.timedelta(microseconds=shift)
            assert today_in(now, zone) == local_date(now, zone), (now, zone)
            assert to_local(now, zone) == utc_to_local(now, zone), (now, zone)
            for unit in UNITS:
                for previous in (0, 1, 3):
                    p = Period(unit, previous)  # type: ignore[arg-type]
                    for on_date in (False, True):
                        got = period_bounds(now, p, zone, on_date)
                        assert got == expected(now, p, zone, on_date), (now, zone, p, on_date)


@settings(max_examples=400, deadline=None)
@given(
    now=st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2090, 1, 1)),
    zone=st.sampled_from(ZONES),
    unit=st.sampled_from(UNITS),
    previous=st.integers(0, 4),
    on_date=st.booleans(),
)
def test_random_instants(
    now: dt.datetime, zone: str, unit: str, previous: int, on_date: bool
) -> None:
    assert today_in(now, zone) == local_date(now, zone)
    assert to_local(now, zone) == utc_to_local(now, zone)
    p = Period(unit, previous)  # type: ignore[arg-type]
    assert period_bounds(now, p, zone, on_date) == expected(now, p, zone, on_date)


def test_local_midnight_is_remembered_correctly() -> None:
    for zone in ZONES:
        for day in (dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 11, 1)):
            want = local_to_utc(dt.datetime.combine(day, dt.time()), zone)
            assert local_midnight(day, zone) == want
            assert local_midnight(day, zone) == want  # from the cache
