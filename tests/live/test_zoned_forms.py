"""The zoned forms live evaluation follows exactly (language.md §11, §16): months and
years on timestamps (they step on the zone's wall clock), calendar windows on a
sequence's first event, and a date met by a timestamp (on the zone's calendar day).

A small project in Berlin and in New York (tests/live/zoned_forms.py) with values on
every edge — local midnights, both 2026 switches of summer time, month ends 28–31,
exactly T − N months and a microsecond either side, missing values — is replayed in
time order through the live evaluator. At every instant looked at (local midnights,
the switch hours, period starts, between events, and a microsecond before each) every
profile's live memberships equal DuckDB's batch evaluation (``Project.evaluate``); and
every change the evaluator reports happens at its instant: batch evaluation puts the
profile in the segment at that instant, and not a microsecond before (a sample of the
instants). The instants at which ``T − N months`` passes a value
(:mod:`segdsl.tools.live.zoned`) are also checked against ``timecalc.minus_in_zone``
directly, over random values and clocks (hypothesis)."""

from __future__ import annotations

import bisect
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle
from replay import entity_updates, event_stream
from zoned_forms import build, read_tables

import segdsl
from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.semantic.timecalc import local_date, local_to_utc, minus_in_zone
from segdsl.sql.compiler import compile_membership
from segdsl.tools.live import Change, LiveEvaluator
from segdsl.tools.live.ctx import Ctx
from segdsl.tools.live.plan import Compiler
from segdsl.tools.live.zoned import month_changes, next_change_in_zone

ZONES = ["Europe/Berlin", "America/New_York"]
E = dt.timedelta(microseconds=1)


class Batch:
    """DuckDB's batch evaluation of the project's segments at an instant (the compiled
    membership statement, over the project's data loaded once)."""

    def __init__(self, project: segdsl.Project, root: Path) -> None:
        self.project = project
        self.con = duckdb.connect()
        for name in ("customers", "orders", "events", "visits"):
            path = root / "data" / f"{name}.parquet"
            self.con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{path}')")

    def members(self, names: list[str], at: dt.datetime) -> dict[str, set[Any]]:
        segs = [self.project.segment(n) for n in names]
        sql = compile_membership(segs, self.project.catalog, "duckdb", at)
        rows = self.con.execute(sql).fetchall()
        return {s.name: {r[0] for r in rows if r[i]} for i, s in enumerate(segs, start=1)}


@pytest.mark.parametrize("zone", ZONES)
def test_zoned_forms_match_duckdb(zone: str, tmp_path: Path) -> None:
    project, at = build(tmp_path / "p", zone)
    batch = Batch(project, tmp_path / "p")
    live = LiveEvaluator(project)
    names = [p.name for p in live.plans if p.mode == "exact"]
    assert len(names) == len(live.plans) == 34  # every form is live in the zone
    data = read_tables(tmp_path / "p")
    keys = {r["customer_id"] for r in data["customers"]}
    for entity, key, attrs in entity_updates(data, project.catalog):
        live.apply_attributes(key, attrs, entity)
    events = event_stream(data, project.catalog)
    # also instants between events, where only time changes memberships
    between = [events[k][0] + dt.timedelta(hours=5) for k in range(0, len(events), 97)]
    at = sorted(set(at) | {t for t in between if t > at[0]})
    changes: list[Change] = []
    i = compared = 0
    moved: set[str] = set()
    for t in at:
        while i < len(events) and events[i][0] <= t:
            _, kind, key, stamp, fields, eid = events[i]
            changes += live.apply_event(kind, key, stamp, fields, eid)
            i += 1
        changes += live.advance(t)
        want = batch.members(names, t)
        for name in names:
            got = {k for k in keys if live.in_segment(live.profiles[("customer", k)], name)}
            assert got == want[name], (zone, name, t, sorted(got ^ want[name]))
            compared += len(keys)
            if want[name]:
                moved.add(name)
    assert compared > 60 * 34 * 400
    assert len(moved) >= 30  # the data reach (nearly) every segment
    check_changes(batch, [c for c in changes if c.at > events[0][0]], zone)
    # Project.evaluate (what `segdsl eval --as-of` runs) agrees with the statement
    result = project.evaluate(names, as_of=at[-1])
    assert {n: set(result.members(n)) for n in names} == batch.members(names, at[-1])


def check_changes(batch: Batch, changes: list[Change], zone: str) -> None:
    """Each reported change (the net change per profile, segment and instant; after the
    first instant, when time becomes known) holds at its instant and did not a
    microsecond before — for the changes at a sample of the
    instants (those that time alone caused, at month steps, first)."""
    net: dict[tuple[Any, ...], Change] = {}
    for c in changes:
        k = (c.profile, c.segment, c.at)
        if k in net and net[k].change != c.change:
            del net[k]
        else:
            net[k] = c
    by_instant: dict[dt.datetime, list[Change]] = {}
    for c in net.values():
        by_instant.setdefault(c.at, []).append(c)
    # instants that are not a local midnight or an hour: time-only changes of months
    odd = [t for t in by_instant if t.minute or t.second or t.microsecond]
    plain = [t for t in by_instant if t not in set(odd)]
    sample = sorted(odd)[:: max(1, len(odd) // 12)] + sorted(plain)[:: max(1, len(plain) // 8)]
    assert len(sample) >= 10
    for t in sample:
        names = sorted({c.segment for c in by_instant[t]})
        now, before = batch.members(names, t), batch.members(names, t - E)
        for c in by_instant[t]:
            inside = c.change == "entered"
            assert (c.profile in now[c.segment]) == inside, (zone, c)
            assert (c.profile in before[c.segment]) != inside, (zone, c)


# ---- the instants at which T − N months passes a value ---------------------------------


def implied(changes: tuple[tuple[dt.datetime, int], ...], t: dt.datetime) -> int:
    i = bisect.bisect_right(changes, (t, 2))
    return changes[i - 1][1] if i else -1


def sign(delta: dt.timedelta) -> int:
    return (delta > dt.timedelta(0)) - (delta < dt.timedelta(0))


edge_walls = st.sampled_from(
    [dt.time(0), dt.time(1, 30), dt.time(2), dt.time(2, 30), dt.time(3), dt.time(23, 59, 59)]
)


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from([*ZONES, "Australia/Lord_Howe", "America/Santiago", "UTC"]),
    day=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
    wall=edge_walls,
    jitter=st.sampled_from([dt.timedelta(0), E, -E, dt.timedelta(minutes=17)]),
    months=st.sampled_from([1, 2, 3, 4, 6, 11, 12, 13, 24]),
    probes=st.lists(st.integers(-40 * 86400, 40 * 86400), min_size=20, max_size=60),
)
def test_month_changes_follow_minus_in_zone(
    zone: str,
    day: dt.date,
    wall: dt.time,
    jitter: dt.timedelta,
    months: int,
    probes: list[int],
) -> None:
    """The order of ``T − N months`` (timecalc.minus_in_zone, the batch bound) and a
    value x, at any clock T, is the one the list of change instants implies — at the
    change instants, a microsecond either side, and at random clocks."""
    x = local_to_utc(dt.datetime.combine(day, wall), zone) + jitter
    changes = month_changes(x, months, zone)
    assert changes and changes[-1][1] == 1
    d = ir.Duration(months, "month")
    clocks = {c + k for c, _ in changes for k in (-E, dt.timedelta(0), E)}
    clocks |= {changes[0][0] + dt.timedelta(seconds=s) for s in probes}
    for t in clocks:
        assert sign(minus_in_zone(t, d, zone) - x) == implied(changes, t), (t, x, months, zone)
    # next_change_in_zone: the first change after any clock, None after the last
    instants = [c for c, _ in changes]
    for t in clocks:
        k = bisect.bisect_right(instants, t)
        want = instants[k] if k < len(instants) else None
        assert next_change_in_zone(t, x, d, zone) == want


def test_years_are_twelve_months() -> None:
    x = dt.datetime(2025, 3, 30, 0, 30)  # 01:30 in Berlin, the night of the 2025 switch
    d = ir.Duration(1, "year")
    t = next_change_in_zone(dt.datetime(2026, 1, 1), x, d, "Europe/Berlin")
    assert t == next_change_in_zone(
        dt.datetime(2026, 1, 1), x, ir.Duration(12, "month"), "Europe/Berlin"
    )
    assert t is not None and minus_in_zone(t, d, "Europe/Berlin") == x


# ---- a date met by a timestamp ----------------------------------------------------------


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("op", ["=", "<", "<=", ">", ">="])
def test_a_date_meets_a_timestamp_on_the_zone_calendar_day(zone: str, op: str) -> None:
    """The resolver never leaves a date met by a timestamp in the IR (a date literal
    becomes the local day's bounds, two expressions of the two types are E318, `… ago`
    takes the other side's type), so live evaluation meets one only in an IR built by
    hand: it compares on the zone's calendar day, as the resolver reads a literal — the
    timestamp's local date — and wakes when that order can change."""
    from zoned import zoned_project

    catalog = zoned_project(zone).catalog
    last_seen = ir.Attr("customer", "last_seen", "last_seen", Type.TIMESTAMP)
    signup = ir.Attr("customer", "signup_date", "signup_date", Type.DATE)
    compiler = Compiler(catalog)
    day = dt.date(2026, 3, 8) if "York" in zone else dt.date(2026, 3, 29)
    with_const = compiler.cond(ir.Compare(op, last_seen, ir.Const(day, Type.DATE)), None)
    with_ago = compiler.cond(
        ir.Compare(op, signup, ir.Ago(ir.Duration(2, "day"), Type.TIMESTAMP)), None
    )
    ops = {
        "=": lambda a, b: a == b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }[op]
    start = local_to_utc(dt.datetime.combine(day, dt.time()), zone)
    for hours in range(-30, 54):
        for k in (-E, dt.timedelta(0)):
            t = start + dt.timedelta(hours=hours) + k
            ctx = Ctx(1, {"last_seen": t}, {}, t + dt.timedelta(days=9), {}, zone)
            assert with_const(ctx) == ops(local_date(t, zone), day), (t, op)
            now = t + dt.timedelta(days=2)  # T − 2 days is t
            ctx = Ctx(1, {"signup_date": day}, {}, now, {}, zone)
            truth = with_ago(ctx)
            assert truth == ops(day, local_date(t, zone)), (now, op)
            # the answer changes only when T − 2 days crosses a local midnight of `day`
            # or the next: it wakes no later than the first such change
            edges = [
                local_to_utc(dt.datetime.combine(day + dt.timedelta(days=k), dt.time()), zone)
                + dt.timedelta(days=2)
                for k in (0, 1)
            ]
            flips = [
                e
                for e in edges
                if e > now and with_ago(Ctx(1, {"signup_date": day}, {}, e, {}, zone)) != truth
            ]
            if flips:
                assert ctx.wake <= min(flips), (now, op, ctx.wake, flips)


# ---- random clocks, against the plain-Python oracle -------------------------------------


@pytest.fixture(scope="module")
def zoned_projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = {}
    for zone in ZONES:
        root = tmp_path_factory.mktemp("zoned") / "p"
        project, at = build(root, zone, seed=11)
        # a third of the customers, with their events (the replay is the slow part)
        keys = {"customers": "customer_id", "orders": "customer_id", "events": "user_id"}
        tables = {
            name: [r for r in rows if r[keys.get(name, "customer_id")] % 3 == 0]
            for name, rows in read_tables(root).items()
        }
        out[zone] = (project, tables, at)
    return out


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    zone=st.sampled_from(ZONES),
    steps=st.lists(
        st.tuples(
            st.integers(0, 80),  # which instant of the edges to start from
            st.sampled_from([dt.timedelta(0), -E, E, dt.timedelta(minutes=30)]),
            st.integers(-3 * 24, 3 * 24),  # hours away from it
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_random_clocks_match_the_oracle(
    zoned_projects: dict[str, Any], zone: str, steps: list[tuple[int, dt.timedelta, int]]
) -> None:
    """Replayed in time order with ticks at random clocks near the edges, the live
    memberships at the last clock are the oracle's (tests/oracle.py, plain Python)."""
    project, tables, at = zoned_projects[zone]
    clocks = sorted(
        at[min(i, len(at) - 1)] + jitter + dt.timedelta(hours=h) for i, jitter, h in steps
    )
    live = LiveEvaluator(project)
    for entity, key, attrs in entity_updates(tables, project.catalog):
        live.apply_attributes(key, attrs, entity)
    events = event_stream(tables, project.catalog)
    i = 0
    for t in clocks:
        while i < len(events) and events[i][0] <= t:
            _, kind, key, stamp, fields, eid = events[i]
            live.apply_event(kind, key, stamp, fields, eid)
            i += 1
        live.advance(t)
    oracle = Oracle(tables, project.catalog, clocks[-1])
    keys = {r["customer_id"] for r in tables["customers"]}
    for p in live.plans:
        want = oracle.members(project.segment(p.name))
        got = {k for k in keys if live.in_segment(live.profiles[("customer", k)], p.name)}
        assert got == want, (zone, p.name, clocks[-1], sorted(got ^ want))
