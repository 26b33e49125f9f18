"""The behavioural forms of language.md §10 (issue 5): offset windows, sequences,
per-group ranking, distance and samples.

Three independent sources of truth are compared:

- member sets worked out by hand from the rows of tests/edge_data.py (the `shopper`
  entity, and the customers' carts, page views and orders), each with a comment why;
- the plain-Python oracle (tests/oracle.py), which implements the meanings directly
  (pairs of events by brute force, haversine with atan2, MD5 through hashlib);
- the compiled SQL, run on DuckDB and on SQLite, at several as-of instants.

The exact meanings where the contract is silent (docs/language.md):
- offset window on timestamps ``T − N < ts ≤ T − M``, on dates from ``date(T)``;
- ``then``: ``e1.ts < e2.ts ≤ e1.ts + D`` and ``e2.ts ≤ T``; ``then not``: some E1 with
  ``e1.ts + D ≤ T`` and no E2 in ``(e1.ts, e1.ts + D]``; equal instants never follow;
- ``per G``: a missing G is in no group;
- ``within``: haversine, R = 6371.0088 km, inclusive, 1 mm of slack; a missing
  coordinate is not within;
- ``sample P% seed s``: ``int(md5("s:key")[:8], 16) < floor(P/100 · 2³²)``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import edge_data
import pytest
from edge_data import ALL_CUSTOMERS, ALL_KEYS, ALL_SHOPPERS, PARIS, T, north_of
from oracle import EARTH_RADIUS_KM, haversine_km, sample_hash, sample_threshold

import segdsl
from segdsl import SegdslError
from segdsl.engines.sqlite_support import prepare as prepare_sqlite
from segdsl.semantic import ir
from segdsl.sql.compiler import compile_membership, compile_segment
from segdsl.syntax import ast

# ---- as-of instants -------------------------------------------------------------------------
NOON = dt.datetime(2026, 6, 29, 12, 0, 0)  # date(as-of) = 06-29: 06-30 visits do not exist
EDGE = dt.datetime(2026, 6, 21, 10, 0, 0)  # s01: its cart + exactly 1 day, its order's instant
JUST_BEFORE = dt.datetime(2026, 6, 21, 9, 59, 59)  # 1 s earlier: s01's order does not exist
LATER = dt.datetime(2026, 7, 2, 0, 0, 0)  # every follow-up window has elapsed
MARCH_END = dt.datetime(2026, 3, 31, 0, 0, 0)  # before every shopper event
INSTANTS = [T, NOON, EDGE, JUST_BEFORE, LATER, MARCH_END]
ENGINES = ["duckdb", "sqlite"]


CORPUS = Path(__file__).parent / "corpus"


@functools.cache
def corpus_project() -> segdsl.Project:
    # The same project as conftest.py's `project` fixture (needed here at collection).
    return segdsl.load_project(CORPUS)


def key_set(rows: list[Any]) -> set[Any]:
    """The keys of a one-column result, each member exactly once."""
    keys = [r[0] for r in rows]
    assert all(len(r) == 1 for r in rows) and len(keys) == len(set(keys))
    return set(keys)


def _behaviour_segments() -> list[str]:
    """The segments defined in tests/corpus/behaviour.seg, in file order."""
    project = corpus_project()
    names: list[str] = []
    for module in project.modules:
        if module.source_path.endswith("behaviour.seg"):
            names += [s.name for s in module.statements if isinstance(s, ast.SegmentDef)]
    return names


BEHAVIOUR = _behaviour_segments()


def _iso(t: dt.datetime) -> str:
    return t.isoformat()


# ---- every behavioural corpus segment: oracle = DuckDB = SQLite, at every instant -----------


def test_behaviour_corpus_is_there() -> None:
    """Every form is in the corpus (a renamed file must not silently drop the tests)."""
    assert len(BEHAVIOUR) >= 60
    project = corpus_project()
    kinds = {type(c).__name__ for n in BEHAVIOUR for c in _conds(project.segments[n].cond)}
    assert {"Sequence", "Within", "Sample", "Rank", "Not"} <= kinds
    aggs = {
        a.func
        for n in BEHAVIOUR
        for a in ir.walk_values(project.segments[n].cond)
        if isinstance(a, ir.Aggregate) and a.until is not None
    }
    # an offset window in every aggregate kind (`did` is a count)
    assert aggs == {"count", "count_distinct", "sum", "avg", "min", "max", "first", "last"}


def _conds(c: ir.Cond) -> Iterator[ir.Cond]:
    yield c
    if isinstance(c, ir.Not):
        yield from _conds(c.operand)
    elif isinstance(c, ir.And | ir.Or):
        for x in c.items:
            yield from _conds(x)
    elif isinstance(c, ir.InSegment):
        yield from _conds(c.cond)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", BEHAVIOUR)
def test_behaviour_segment_matches_oracle(name, engine, project, oracle_at, members_of):
    segment = project.segments[name]
    wrong = {}
    for as_of in INSTANTS:
        got, want = members_of(segment, engine, as_of), oracle_at(as_of).members(segment)
        if got != want:
            wrong[as_of.isoformat()] = (sorted(got - want, key=str), sorted(want - got, key=str))
    assert not wrong, f"{engine} differs from the oracle (as-of: (extra, missing)): {wrong}"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", BEHAVIOUR)
def test_behaviour_partition(name, engine, project, members_of):
    """S and `not in segment S` are the whole entity, with no overlap, at every instant."""
    segment = project.segments[name]
    complement = project.rule(f"not in segment {name}", segment.entity)
    for as_of in (T, EDGE, LATER):
        inside = members_of(segment, engine, as_of)
        outside = members_of(complement, engine, as_of)
        assert not inside & outside, as_of
        assert inside | outside == ALL_KEYS[segment.entity], as_of


def test_behaviour_segments_discriminate(project, oracle):
    """Each segment has members and non-members at T: a wrong result cannot hide."""
    trivial = []
    for name in BEHAVIOUR:
        segment = project.segments[name]
        if oracle.members(segment) in (set(), ALL_KEYS[segment.entity]):
            trivial.append(name)
    assert not trivial


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("as_of", [T, EDGE, LATER], ids=_iso)
def test_shopper_membership_statement(engine, as_of, project, oracle_at, duck, sqlite_db):
    """All shopper segments in one `--membership` statement: one row per shopper, only
    true/false (never NULL), and the oracle's members in every column."""
    segments = [s for s in project.segments.values() if s.entity == "shopper"]
    sql = compile_membership(segments, project.catalog, engine, as_of)
    con: Any = duck if engine == "duckdb" else sqlite_db
    rows = con.execute(sql).fetchall()
    keys = [r[0] for r in rows]
    assert sorted(keys) == sorted(ALL_SHOPPERS)
    truth_values = (True, False) if engine == "duckdb" else (0, 1)
    wrong = {}
    for i, seg in enumerate(segments, start=1):
        column = [r[i] for r in rows]
        assert all(v in truth_values and v is not None for v in column), seg.name
        got = {k for k, v in zip(keys, column, strict=True) if v}
        if got != oracle_at(as_of).members(seg):
            wrong[seg.name] = got ^ oracle_at(as_of).members(seg)
    assert not wrong


# ---- hand-worked expectations ---------------------------------------------------------------
# (as-of, entity, rule, expected). Worked out from the rows of edge_data.py; the comment
# says how. Checked on the oracle, DuckDB and SQLite alike.
S = ALL_SHOPPERS
SH = "shopper"
CU = "customer"
HAND: list[tuple[dt.datetime, str, str, frozenset[Any]]] = [
    # -- offset windows (T − N < ts ≤ T − M): (05-31T00:00, 06-23T00:00] -------------------
    # s22's order at exactly T − 30 d is out, s23's at exactly T − 7 d is in (its 2nd, 1 s
    # later, is out), s24's 1 s after T − 30 d is in; s06 (T), s19 (06-24) are too recent.
    (
        T,
        SH,
        "did order between 30 days ago and 7 days ago",
        frozenset(
            {"s01", "s02", "s03", "s08", "s10", "s11", "s12", "s13", "s18", "s20", "s21"}
            | {"s23", "s24"}
        ),
    ),
    # Calendar months: (04-30T00:00, 05-30T00:00]: s22 exactly T − 2 months out, s24
    # exactly T − 1 month in, ß-25 1 s after T − 2 months in, "x y" (05-15) in.
    (
        T,
        SH,
        "count(order between 2 months ago and 1 month ago) >= 1",
        frozenset({"s24", "ß-25", "x y"}),
    ),
    # sum over the window > 20: s01 30, s08 60, s10 70, s12 45 (cancelled counts: no
    # condition), s13 45, s20 80 + 80; s02 and s18 are exactly 20; s23 12 (13 is out).
    (
        T,
        SH,
        "sum(order.amount between 30 days ago and 7 days ago) > 20",
        frozenset({"s01", "s08", "s10", "s12", "s13", "s20"}),
    ),
    # min < 15: s11 5, s21 12, s23 12 (not 13: out), s24 14; s03 is exactly 15.
    (
        T,
        SH,
        "min(order.amount between 30 days ago and 7 days ago) < 15",
        frozenset({"s11", "s21", "s23", "s24"}),
    ),
    # (05-01, 06-29]: s23 has skus B (06-23 00:00) and C (06-23 00:00:01); s24's two
    # orders have B and a missing sku; s22's 04-30 order is outside.
    (
        T,
        SH,
        "count distinct(order.sku between 60 days ago and 1 day ago) >= 2",
        frozenset({"s23"}),
    ),
    # Window (04-01, 06-10T00:00]; first order before 06-01: s22 (04-30), s24 (05-30),
    # ß-25, "x y"; s13's 06-01T00:00 is not before 06-01; s08's 06-10T12:00 is outside.
    (
        T,
        SH,
        "first(order between 90 days ago and 20 days ago) before 2026-06-01",
        frozenset({"s22", "s24", "ß-25", "x y"}),
    ),
    # Last order of the window after 06-15T00:00: s10's 06-15T10:00 is; s08 (06-10),
    # s13 (06-01), s21 (06-13), s24 (05-31) are not.
    (
        T,
        SH,
        "last(order between 30 days ago and 7 days ago) after 2026-06-15T00:00:00",
        frozenset({"s01", "s02", "s03", "s10", "s11", "s12", "s18", "s20", "s23"}),
    ),
    # Dates: (date(T) − 7, date(T) − 1] = (06-23, 06-29]: s08's 06-23 is out, s03's and
    # s06's 06-29 are in, s04's 06-30 (date(T)) is out.
    (
        T,
        SH,
        "count(visit between 7 days ago and 1 day ago) >= 1",
        frozenset({"s03", "s05", "s06", "s09"}),
    ),
    # Weeks on dates: (06-16, 06-23]: s08's visit on 06-23 is the inclusive near end.
    (T, SH, "did visit between 2 weeks ago and 1 week ago", frozenset({"s01", "s02", "s08"})),
    # Win-back: an order in (05-01, 06-16T00:00] and none since. s18's 06-16T12:00 is
    # after the near end (and recent); ß-25's 04-30T00:00:01 is before the far end.
    (
        T,
        SH,
        "did order between 60 days ago and 14 days ago and did not order in last 14 days",
        frozenset({"s08", "s10", "s13", "s21", "s22", "s24", "x y"}),
    ),
    # Customers: purchases in (2026-01-01T00:00, 2026-05-31T00:00]: 20's at exactly
    # T − 180 d is out, 17's 05-30T12:00 is in.
    (T, CU, "did purchase between 180 days ago and 30 days ago", frozenset({10, 11, 17, 18})),
    # -- sequences: cart then order within 1 day ------------------------------------------
    # s01: order exactly at cart + 1 day (in); s06: order exactly at T = cart + 1 day; s08:
    # its first cart; s11, s12: no condition on either side; s21: its second cart (the
    # first is 25 h before the order). Not: s02 (1 s late), s03 (same instant), s07
    # (order after T), s09 (cart after T), s10 (order before the cart), s13 (the cart
    # has no time), s17.
    (
        T,
        SH,
        "did cart then order within 1 day",
        frozenset({"s01", "s06", "s08", "s11", "s12", "s18", "s19", "s20", "s21"}),
    ),
    # Abandoned: s02 (late), s03 (same instant), s05 (cart at exactly T − 1 day: its day
    # has elapsed), s08 (its second cart), s10, s15 (no order), s17 and s21 (first cart).
    # Not: s04 and s07 (the day after the cart has not elapsed at T), s09 (after T).
    (
        T,
        SH,
        "did cart then not order within 1 day",
        frozenset({"s02", "s03", "s05", "s08", "s10", "s15", "s17", "s21"}),
    ),
    # Both hold for s08 and s21: `then not` is not the complement of `then`.
    # `did not … then …` is: everyone but the 9 above.
    (
        T,
        SH,
        "did not cart then order within 1 day",
        S - {"s01", "s06", "s08", "s11", "s12", "s18", "s19", "s20", "s21"},
    ),
    # Carts in (06-23T00:00, T]: s04 and s07 not elapsed, s06 followed, s17 exactly at
    # T − 7 days (out); s05 and s15 are abandoned.
    (T, SH, "did cart in last 7 days then not order within 1 day", frozenset({"s05", "s15"})),
    # Weeks: s02's order 1 day + 1 s after is within 1 week.
    (
        T,
        SH,
        "did cart then order within 1 week",
        frozenset({"s01", "s02", "s06", "s08", "s11", "s12", "s18", "s19", "s20", "s21"}),
    ),
    # Conditions on both sides: s11's cart is 5 (fails C1), s12's only order is
    # cancelled (fails C2), s20's cancelled order is followed by a paid one (passes).
    (
        T,
        SH,
        'did cart where (amount >= 10) then order within 1 day where (status = "paid")',
        frozenset({"s01", "s06", "s08", "s18", "s19", "s20", "s21"}),
    ),
    (
        T,
        SH,
        'did cart then not order within 1 day where (status = "paid")',
        frozenset({"s02", "s03", "s05", "s08", "s10", "s12", "s15", "s17", "s21"}),
    ),
    # Offset window on E1: carts in (06-16T00:00, 06-23T00:00]; s18's cart at exactly
    # T − 14 days is out, s17's and s19's at exactly T − 7 days are in; the order may come
    # after the window (s19: 06-24T00:00).
    (
        T,
        SH,
        "did cart between 14 days ago and 7 days ago then order within 1 day",
        frozenset({"s01", "s11", "s12", "s19", "s20"}),
    ),
    (
        T,
        SH,
        "did cart between 14 days ago and 7 days ago then not order within 1 day",
        frozenset({"s02", "s03", "s08", "s17"}),
    ),
    # The same kind on both sides: an event never follows itself, nor one at its instant.
    # s21: two carts 1 h apart. s14: views 10 h apart; s16: two views at one instant.
    (T, SH, "did cart then cart within 1 day", frozenset({"s21"})),
    (T, SH, "did view then view within 1 day", frozenset({"s14", "s22"})),
    # s14's second view and s15's only view have no follower; s16's two equal views none.
    (T, SH, "did view then not view within 1 day", frozenset({"s14", "s15", "s16", "s22"})),
    (
        T,
        SH,
        'did view where (page = "/a") then view within 1 day where (page = "/b")',
        frozenset({"s14"}),
    ),
    # A missing page is `is missing` (s22), not "/a".
    (
        T,
        SH,
        'did view where (page is missing) then view within 1 day where (page = "/b")',
        frozenset({"s22"}),
    ),
    # Two kinds of one shared table: s15's view (06-20) then its cart (06-25).
    (T, SH, "did view then cart within 2 weeks", frozenset({"s15"})),
    # … exactly 5 days later: in at 5 days, out at 4.
    (T, SH, "did view then cart within 5 days", frozenset({"s15"})),
    (T, SH, "did view then cart within 4 days", frozenset()),
    # Dates: s01 06-20 → 06-21; s06 06-29 → 06-30 (date(T)); s02 is 2 days; s05 twice on
    # one day (never follows); s07's 07-01 is after date(T).
    (T, SH, "did visit then visit within 1 day", frozenset({"s01", "s06"})),
    (T, SH, "did visit then visit within 2 days", frozenset({"s01", "s02", "s06"})),
    # s03's visit on date(T) − 1: its day has elapsed (06-30 ≤ date(T)); s04's and
    # s07's on date(T) have not; s06's 06-29 visit is followed and its 06-30 one is recent.
    (
        T,
        SH,
        "did visit then not visit within 1 day",
        frozenset({"s01", "s02", "s03", "s05", "s08", "s09"}),
    ),
    # Customers (shared events table): 6's cart (06-23) is followed by a page view 2 days
    # later; 9's cart and page view are at one instant (never follows).
    (T, CU, "did add_to_cart then page_view within 3 days", frozenset({6})),
    (T, CU, "did page_view then add_to_cart within 1 day", frozenset()),
    # 5's cart (06-29T10:00) has not had its day at T; 7's is after T.
    (T, CU, "did add_to_cart then not purchase within 1 day", frozenset({6, 9})),
    # -- sequences at other instants ---------------------------------------------------------
    # As-of = s01's order instant = its cart + 1 day: the order exists and follows. s02's
    # order (1 s later) does not exist yet, and its cart's day has just elapsed.
    (
        EDGE,
        SH,
        "did cart then order within 1 day",
        frozenset({"s01", "s08", "s11", "s12", "s18", "s21"}),
    ),
    (
        EDGE,
        SH,
        "did cart then not order within 1 day",
        frozenset({"s02", "s03", "s08", "s10", "s21"}),
    ),
    # 1 s earlier: s01's order does not exist, and the carts of 06-20T10:00 (s01, s02,
    # s03) are 1 s short of their day: neither followed nor abandoned.
    (
        JUST_BEFORE,
        SH,
        "did cart then order within 1 day",
        frozenset({"s08", "s11", "s12", "s18", "s21"}),
    ),
    (JUST_BEFORE, SH, "did cart then not order within 1 day", frozenset({"s08", "s10", "s21"})),
    # Later: s07's order (T + 1 s) now exists and follows its cart; s04's and s09's carts
    # have had their day without an order.
    (
        LATER,
        SH,
        "did cart then order within 1 day",
        frozenset({"s01", "s06", "s07", "s08", "s11", "s12", "s18", "s19", "s20", "s21"}),
    ),
    (
        LATER,
        SH,
        "did cart then not order within 1 day",
        frozenset({"s02", "s03", "s04", "s05", "s08", "s09", "s10", "s15", "s17", "s21"}),
    ),
    # Dates at noon of 06-29 (date 06-29): 06-30 visits do not exist; s03's and s06's
    # 06-29 visits have not had their day.
    (
        NOON,
        SH,
        "did visit then not visit within 1 day",
        frozenset({"s01", "s02", "s05", "s08", "s09"}),
    ),
    # Later (date 07-02): s07's 06-30 → 07-01 now follows; every last visit has elapsed.
    (LATER, SH, "did visit then visit within 1 day", frozenset({"s01", "s06", "s07"})),
    (
        LATER,
        SH,
        "did visit then not visit within 1 day",
        frozenset({"s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08", "s09"}),
    ),
    # -- per-group ranking ------------------------------------------------------------------------
    # US 100, 90, 90, 80, 70 (n = 5, limit 1): s01. DE: s07 alone. FR: a tie of two (both).
    # "us": s12 alone. JP -5 0 0 20: s18. BR 3 3 3: all. IN 7 8: s23. AT 1 2: "x y".
    # Missing country (s10 with 1000, s11) and GB (no spend) give nobody.
    (
        T,
        SH,
        "top 20% by spend per country",
        frozenset({"s01", "s07", "s08", "s09", "s12", "s18", "s19", "s20", "s21", "s23", "x y"}),
    ),
    # limit 2 in US: the 90 tie (1 greater) is all in; JP limit 1.6: the 0 tie (1 greater).
    (
        T,
        SH,
        "top 40% by spend per country",
        frozenset(
            {"s01", "s02", "s03", "s07", "s08", "s09", "s12", "s16", "s17", "s18"}
            | {"s19", "s20", "s21", "s23", "x y"}
        ),
    ),
    # bottom 50%: US limit 2.5: 70, 80 and the 90 tie (2 smaller); JP limit 2: -5, 0, 0.
    (
        T,
        SH,
        "bottom 50% by spend per country",
        frozenset(
            {"s02", "s03", "s04", "s05", "s07", "s08", "s09", "s12", "s15", "s16", "s17"}
            | {"s19", "s20", "s21", "s22", "ß-25"}
        ),
    ),
    # Over the whole entity (n = 21 set spends, limit 2.1): 1000, 100, 90, 90.
    (T, SH, "top 10% by spend", frozenset({"s10", "s01", "s02", "s03"})),
    # Every customer's name is its own group (size 1): everyone with an income and a name.
    (T, CU, "top 10% by income per full_name", ALL_CUSTOMERS - {2, 21, 22, 23, 24, 25, 26, 27}),
    (T, SH, "top 0% by spend per country", frozenset()),
    # -- distance ------------------------------------------------------------------------------
    # s01/s04: exactly 50 km north/south along Paris's meridian; s03 0.5 mm beyond (in the
    # 1 mm slack); s02 1 cm beyond (out); s05 Paris; s21 Versailles (~18 km); s22 Orléans
    # (~111 km); s06, s07, s08 miss a coordinate.
    (T, SH, "within 50 km of (48.8566, 2.3522)", frozenset({"s01", "s03", "s04", "s05", "s21"})),
    (
        T,
        SH,
        "not within 50 km of (48.8566, 2.3522)",
        S - {"s01", "s03", "s04", "s05", "s21"},
    ),
    # Across the antimeridian: s10 (0, 179.9), s13 (0, 180) 11 km, s11 (0, -179.8) 33 km;
    # s12 (0, -179.4) is 78 km.
    (T, SH, "within 50 km of (0, 179.9)", frozenset({"s10", "s11", "s13"})),
    # The poles: every longitude is the same point.
    (T, SH, "within 20 km of (90, 0)", frozenset({"s15", "s16"})),
    (T, SH, "within 1 km of (-90, 100)", frozenset({"s14"})),
    # A radius beyond half the circumference (πR ≈ 20015.11 km) covers the globe: all with
    # both coordinates. 20015 km misses only the antipode of (0, 0), s13 at (0, 180).
    (T, SH, "within 20100 km of (0, 0)", S - {"s06", "s07", "s08"}),
    (T, SH, "within 20015 km of (0, 0)", S - {"s06", "s07", "s08", "s13"}),
    # -- sample -------------------------------------------------------------------------------------
    (T, SH, "sample 0%", frozenset()),
    (T, SH, "sample 100%", S),
    (T, SH, 'sample 100% seed "x"', S),
    (T, CU, 'not sample 100% seed "x"', frozenset()),
    (T, CU, "sample 0% or age > 60", frozenset({18, 32, 43, 46})),
]


def _hand_id(case: tuple[dt.datetime, str, str, frozenset[Any]]) -> str:
    as_of, entity, rule, _ = case
    return f"{as_of.isoformat()} {entity}: {rule}"


@pytest.mark.parametrize("engine", ["oracle", *ENGINES])
@pytest.mark.parametrize(("as_of", "entity", "rule", "expected"), HAND, ids=map(_hand_id, HAND))
def test_hand_worked(as_of, entity, rule, expected, engine, project, oracle_at, members_of):
    segment = project.rule(rule, entity)
    if engine == "oracle":
        got = oracle_at(as_of).members(segment)
    else:
        got = members_of(segment, engine, as_of)
    assert got == expected, (sorted(got - expected, key=str), sorted(expected - got, key=str))


# ---- identities that hold at every instant ---------------------------------------------------

SEQUENCES = [
    "did cart then order within 1 day",
    "did cart then not order within 1 day",
    'did cart in last 7 days where (amount >= 10) then order within 2 days where (status = "paid")',
    "did cart between 14 days ago and 7 days ago then not order within 1 week",
    "did view then view within 1 day",
    "did visit then not visit within 1 day",
]


@pytest.mark.parametrize("engine", ["oracle", *ENGINES])
@pytest.mark.parametrize("rule", SEQUENCES)
def test_did_not_sequence_is_the_complement(rule, engine, project, oracle_at, members_of):
    negated = rule.replace("did ", "did not ", 1)
    for as_of in INSTANTS:
        pos, neg = project.rule(rule, SH), project.rule(negated, SH)
        if engine == "oracle":
            a, b = oracle_at(as_of).members(pos), oracle_at(as_of).members(neg)
        else:
            a, b = members_of(pos, engine, as_of), members_of(neg, engine, as_of)
        assert not a & b and a | b == S, as_of


# `between N unit ago and 0 days ago` is `in last N unit`, in every aggregate kind.
ZERO_END = [
    ("count(order {w}) >= 1", "30 days"),
    ("count distinct(order.sku {w}) >= 1", "2 weeks"),
    ("sum(order.amount {w}) > 20", "1 month"),
    ("avg(order.amount {w}) >= 20", "30 days"),
    ("min(order.amount {w}) < 15", "60 days"),
    ("max(order.amount {w}) >= 30", "1 year"),
    ("first(order {w}) before 2026-06-15", "30 days"),
    ("last(order {w}) after 2026-06-15", "30 days"),
    ("count(visit {w}) >= 2", "7 days"),
]


@pytest.mark.parametrize("engine", ["oracle", *ENGINES])
@pytest.mark.parametrize(("template", "span"), ZERO_END)
def test_offset_window_ending_now_is_in_last(
    template, span, engine, project, oracle_at, members_of
):
    offset = project.rule(template.format(w=f"between {span} ago and 0 days ago"), SH)
    last = project.rule(template.format(w=f"in last {span}"), SH)
    for as_of in INSTANTS:
        if engine == "oracle":
            assert oracle_at(as_of).members(offset) == oracle_at(as_of).members(last)
        else:
            assert members_of(offset, engine, as_of) == members_of(last, engine, as_of)


@pytest.mark.parametrize("engine", ENGINES)
def test_offset_window_is_a_difference_of_windows(engine, project, oracle_at, members_of):
    """count(between N ago and M ago) = count(in last N) − count(in last M), per shopper:
    checked as member sets of `=` rules on a few totals."""
    for as_of in INSTANTS:
        for k in range(4):
            a = project.rule(f"count(order between 30 days ago and 7 days ago) = {k}", SH)
            b = project.rule(
                f"count(order in last 30 days) - count(order in last 7 days) = {k}", SH
            )
            assert members_of(a, engine, as_of) == members_of(b, engine, as_of)
            assert oracle_at(as_of).members(a) == members_of(a, engine, as_of)


# ---- per-group ranking: more groupings, oracle = engines -------------------------------------

PER_RULES = [
    ("top 50% by count(order) per tier", SH),
    ("bottom 34% by spend per tier", SH),
    ("top 25% by spend + count(order) per country", SH),
    ("top 10% by income per is_subscribed", CU),
    ("bottom 30% by age per city", CU),
    ("top 50% by spend_365d per country", CU),
    ("top 50% by count(order between 30 days ago and 7 days ago) per country", SH),
    ("top 20% by spend per country or top 20% by spend per tier", SH),
    ("top 20% by spend per country and not top 20% by spend", SH),
    ("bottom 50% by sum(order.amount in last 30 days) per tier and did order", SH),
    ("top 20% by revenue per country", "account"),
    ("top 50% by deal_value per industry and country is set", "account"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("rule", "entity"), PER_RULES)
def test_per_group_matches_oracle(rule, entity, engine, project, oracle_at, members_of):
    segment = project.rule(rule, entity)
    for as_of in (T, NOON, LATER):
        assert members_of(segment, engine, as_of) == oracle_at(as_of).members(segment), as_of


def test_per_group_missing_group_is_never_a_member(project, oracle):
    """Whatever the percentage: the shoppers without a country are ranked nowhere."""
    for pct in ("1%", "50%", "100%"):
        for word in ("top", "bottom"):
            members = oracle.members(project.rule(f"{word} {pct} by spend per country", SH))
            assert not members & {"s10", "s11"}
    # … though s10's spend is the highest of all, which `top` without `per` sees.
    assert "s10" in oracle.members(project.rule("top 1% by spend", SH))


# ---- distance: points built on and around circles, on both engines --------------------------


def along_meridian(lat0: float, lon0: float, km: float) -> tuple[float, float]:
    """The point ``km`` kilometres from (lat0, lon0) along its meridian's great circle,
    north for km > 0 and south for km < 0, going over a pole when it reaches one (the
    distance is then still R·Δφ, measured along the circle)."""
    a = lat0 + math.degrees(km / EARTH_RADIUS_KM)
    if -90 <= a <= 90:
        return a, lon0
    lon = lon0 + 180 if lon0 <= 0 else lon0 - 180
    return (180 - a, lon) if a > 90 else (-180 - a, lon)


def _points(seed: int) -> list[tuple[str, float | None, float | None]]:
    """Points exactly on each circle of CIRCLES (north and south along the meridian),
    1 cm beyond, 0.5 mm beyond (inside the 1 mm slack), and random points."""
    rnd = random.Random(seed)
    pts: list[tuple[str, float | None, float | None]] = []
    for (lat0, lon0), km in CIRCLES:
        for sign in (1, -1):
            for extra, tag in ((0.0, "on"), (0.00001, "out1cm"), (0.0000005, "in05mm")):
                lat, lon = along_meridian(lat0, lon0, sign * (km + extra))
                pts.append((f"{tag}:{lat0},{lon0},{km},{sign}", lat, lon))
    for i in range(400):
        lat = math.degrees(math.asin(rnd.uniform(-1, 1)))  # uniform on the sphere
        pts.append((f"r{i}", lat, rnd.uniform(-180, 180)))
    pts += [("nolat", None, 1.0), ("nolon", 1.0, None), ("none", None, None)]
    return pts


CIRCLES = [
    ((48.8566, 2.3522), 50.0),
    ((48.8566, 2.3522), 0.5),
    ((-33.8688, 151.2093), 1000.0),
    ((0.0, 179.9), 250.0),
    ((0.0, -180.0), 5000.0),
    ((-60.0, 0.0), 3000.0),
    ((10.0, -75.0), 20000.0),  # over the poles: the circle is near the antipode
    ((89.99, 10.0), 100.0),  # over the north pole
]


@pytest.fixture(scope="module")
def point_dbs() -> Iterator[dict[str, Any]]:
    pts = _points(20260630)
    duck = duckdb.connect(":memory:")
    duck.execute("CREATE TABLE shoppers (shopper_id VARCHAR, lat DOUBLE, lon DOUBLE)")
    duck.executemany("INSERT INTO shoppers VALUES (?, ?, ?)", pts)
    lite = prepare_sqlite(sqlite3.connect(":memory:"))
    lite.execute("CREATE TABLE shoppers (shopper_id TEXT, lat REAL, lon REAL)")
    lite.executemany("INSERT INTO shoppers VALUES (?, ?, ?)", pts)
    yield {"duckdb": duck, "sqlite": lite, "points": pts}
    duck.close()
    lite.close()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("center", "km"), CIRCLES, ids=lambda v: str(v))
def test_within_on_built_points(center, km, engine, project, point_dbs):
    rule = f"within {km} km of ({center[0]}, {center[1]})"
    sql = compile_segment(project.rule(rule, SH), project.catalog, engine, T)
    got = key_set(point_dbs[engine].execute(sql).fetchall())
    want = {
        k
        for k, lat, lon in point_dbs["points"]
        if lat is not None and lon is not None and haversine_km(lat, lon, *center) <= km + 0.000001
    }
    assert got == want, (sorted(got - want), sorted(want - got))
    own = f"{center[0]},{center[1]},{km},"
    built = {k: k.split(":")[0] for k, *_ in point_dbs["points"] if own in k}
    assert len(built) == 6
    assert {k for k, tag in built.items() if tag in ("on", "in05mm")} <= got  # on: in
    assert not {k for k, tag in built.items() if tag == "out1cm"} & got  # 1 cm beyond: out
    assert not got & {"nolat", "nolon", "none"}


# ---- sample -------------------------------------------------------------------------------------


def _fresh(engine: str, table: str, column: str, sql_type: str, keys: list[Any]) -> Any:
    if engine == "duckdb":
        con: Any = duckdb.connect(":memory:")
        # DuckDB's executemany is slow on 100,000 rows: unnest one list parameter instead.
        con.execute(
            f"CREATE TABLE {table} AS SELECT CAST(UNNEST(?) AS {sql_type}) AS {column}", [keys]
        )
        return con
    con = prepare_sqlite(sqlite3.connect(":memory:"))
    con.execute(f"CREATE TABLE {table} ({column} {sql_type})")
    con.executemany(f"INSERT INTO {table} VALUES (?)", [(k,) for k in keys])
    return con


KEY_KINDS = {
    # entity: (table, key column, DuckDB type, SQLite type, key maker)
    "customer": ("customers", "customer_id", "BIGINT", "INTEGER", lambda i: i),
    "shopper": ("shoppers", "shopper_id", "VARCHAR", "TEXT", lambda i: f"shopper-{i}"),
}


def _sample_members(project, engine: str, entity: str, rule: str, keys: list[Any]) -> set[Any]:
    table, column, dtype, ltype, _ = KEY_KINDS[entity]
    con = _fresh(engine, table, column, dtype if engine == "duckdb" else ltype, keys)
    try:
        sql = compile_segment(project.rule(rule, entity), project.catalog, engine, T)
        return key_set(con.execute(sql).fetchall())
    finally:
        con.close()


N_KEYS = 100_000


@pytest.mark.parametrize("entity", ["customer", "shopper"])
@pytest.mark.parametrize("percent", ["1", "2.5", "10", "50", "90"])
def test_sample_proportion(percent, entity, project):
    """On 100,000 keys, the sample's size is within 4 standard deviations of n·p
    (binomial: σ = √(n·p·(1 − p)); for 10% that is ±379 keys, i.e. 10% ± 0.38 points),
    and it is exactly the set the MD5 rule gives."""
    make = KEY_KINDS[entity][4]
    keys = [make(i) for i in range(1, N_KEYS + 1)]
    got = _sample_members(project, "duckdb", entity, f'sample {percent}% seed "lift"', keys)
    p = float(percent) / 100
    sigma = math.sqrt(N_KEYS * p * (1 - p))
    assert abs(len(got) - N_KEYS * p) <= 4 * sigma, (len(got), N_KEYS * p, sigma)
    threshold = sample_threshold(Decimal(percent))
    assert got == {k for k in keys if sample_hash("lift", k) < threshold}


@pytest.mark.parametrize("entity", ["customer", "shopper"])
def test_sample_same_on_duckdb_and_sqlite(entity, project):
    make = KEY_KINDS[entity][4]
    keys = [make(i) for i in range(1, 20_001)] + ([-7, 0] if entity == "customer" else ["", "é ß"])
    rule = 'sample 12.5% seed "spring-2026"'
    on_duck = _sample_members(project, "duckdb", entity, rule, keys)
    on_lite = _sample_members(project, "sqlite", entity, rule, keys)
    assert on_duck == on_lite
    assert on_duck == {k for k in keys if sample_hash("spring-2026", k) < 2**29}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("entity", ["customer", "shopper"])
def test_sample_is_stable_when_rows_come_and_go(entity, engine, project):
    """A member stays a member (and a non-member stays out) when other rows are added
    or removed: membership depends on the key and the seed only."""
    make = KEY_KINDS[entity][4]
    before = [make(i) for i in range(1, 3001)]
    after = [make(i) for i in range(1501, 6001)][::-1]  # half removed, more added, reordered
    rule = 'sample 30% seed "holdout"'
    a = _sample_members(project, engine, entity, rule, before)
    b = _sample_members(project, engine, entity, rule, after)
    common = set(before) & set(after)
    assert a & common == b & common
    assert 300 < len(a & common) < 600  # about 30% of the 1,500 common keys


def test_sample_seed_defaults_to_the_segment_name(project, members_of):
    for name, entity in (("sh_sample_50", SH), ("cu_sample_25", CU)):
        seg = project.segments[name]
        assert isinstance(seg.cond, ir.Sample)
        assert seg.cond.seed == name
        spelled = project.rule(f'sample {seg.cond.percent}% seed "{name}"', entity)
        for engine in ENGINES:
            assert members_of(seg, engine) == members_of(spelled, engine)
    # `in segment` keeps the seed of the segment it names.
    for engine in ENGINES:
        assert members_of(project.segments["cu_in_sample_25"], engine) == members_of(
            project.segments["cu_sample_25"], engine
        )


def test_sample_seeds_differ(project, oracle):
    """Another seed is another sample (on 48 customers, 50% samples of two seeds that
    coincided would be a 1-in-2^48 accident)."""
    a = oracle.members(project.rule('sample 50% seed "a"'))
    b = oracle.members(project.rule('sample 50% seed "b"'))
    assert a != b


def test_sample_hash_is_md5_as_engines_compute_it(duck):
    """The oracle's hash against DuckDB's own MD5 (an independent implementation)."""
    for seed, key in (("lift", 1), ("lift", -7), ("s", "ß-25"), ("", "x y"), ("a:b", "")):
        (hexa,) = duck.execute("SELECT md5(?)", [f"{seed}:{key}"]).fetchone()
        assert sample_hash(seed, key) == int(hexa[:8], 16)
    assert sample_threshold(Decimal(0)) == 0
    assert sample_threshold(Decimal(50)) == 2**31
    assert sample_threshold(Decimal(100)) == 2**32
    assert sample_threshold(Decimal("12.5")) == 2**29


# ---- the oracle's geometry ------------------------------------------------------------------


def test_oracle_haversine() -> None:
    # One degree of the equator is 2πR/360; Paris–London is about 343.5 km.
    assert haversine_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360)
    assert haversine_km(*PARIS, 51.5074, -0.1278) == pytest.approx(343.56, abs=0.01)
    assert haversine_km(0, 179.9, 0, -179.9) == pytest.approx(haversine_km(0, 0, 0, 0.2))
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert haversine_km(90, 0, 90, 123) == pytest.approx(0, abs=1e-9)
    assert haversine_km(*PARIS, north_of(PARIS[0], 50), PARIS[1]) == pytest.approx(50, abs=1e-9)


def test_dataset_sits_on_the_edges() -> None:
    """Guard the edges the hand-worked sets rely on (a data edit must not lose them)."""
    rows = edge_data.TABLES
    carts = {r["shopper_id"]: r["at"] for r in rows["shopper_events"] if r["kind"] == "cart"}
    orders = {r["shopper_id"]: r["placed_at"] for r in rows["shopper_orders"]}
    day = dt.timedelta(days=1)
    assert orders["s01"] == carts["s01"] + day  # E2 exactly at e1 + D
    assert orders["s02"] == carts["s02"] + day + dt.timedelta(seconds=1)  # 1 s later
    assert orders["s03"] == carts["s03"]  # at e1 itself
    assert carts["s04"] + day > T  # not elapsed at T
    assert carts["s05"] == T - day  # exactly T − D
    assert orders["s06"] == T and carts["s06"] == T - day
    assert orders["s07"] > T and carts["s09"] > T  # after T
    assert carts["s17"] == T - 7 * day and carts["s18"] == T - 14 * day
    placed = {r["placed_at"] for r in rows["shopper_orders"]}
    assert {T - 30 * day, T - 7 * day, dt.datetime(2026, 4, 30), dt.datetime(2026, 5, 30)} <= placed
    shoppers = {r["shopper_id"]: r for r in rows["shoppers"]}
    assert haversine_km(shoppers["s01"]["lat"], shoppers["s01"]["lon"], *PARIS) == pytest.approx(
        50.0, abs=1e-9
    )
    assert shoppers["s10"]["country"] is None and shoppers["s07"]["country"] == "DE"
    assert sum(1 for r in rows["shoppers"] if r["country"] == "DE") == 1  # a group of one


# ---- error messages ---------------------------------------------------------------------------
# (rule, entity, code, words in the message, words in the hint)
ERRORS: list[tuple[str, str, str, str, str]] = [
    (
        "within 5 km of (91, 0)",
        SH,
        "E305",
        "latitude must be between -90 and 90, not 91",
        "(latitude, longitude)",
    ),
    (
        "within 5 km of (0, 181)",
        SH,
        "E305",
        "longitude must be between -180 and 180, not 181",
        "(latitude, longitude)",
    ),
    ("within 5 km of (-90.5, 0)", SH, "E305", "latitude", "(latitude, longitude)"),
    ("within 0 km of (0, 0)", SH, "E305", "more than 0 km", "within 50 km of"),
    ("within 5 miles of (0, 0)", SH, "E107", "unknown distance unit `miles`", "kilometres"),
    ("within 5 km of (0, 0)", CU, "E311", "`customer` has no location", "location = {"),
    (
        "did cart then order within 1 month",
        SH,
        "E309",
        "`within 1 month` is not a fixed length",
        "days or weeks",
    ),
    ("did cart then order within 1 year", SH, "E309", "not a fixed length", "days or weeks"),
    ("did cart then order within 0 days", SH, "E309", "within 0 days", "days or weeks"),
    (
        "count(order between 30 days ago and 120 days ago) > 0",
        SH,
        "E309",
        "`between 30 days ago and 120 days ago` ends before it starts",
        "`between 120 days ago and 30 days ago`",
    ),
    (
        "did order between 1 week ago and 30 days ago",
        SH,
        "E309",
        "ends before it starts",
        "between 30 days ago and 1 week ago",
    ),
    (
        "top 10% by spend per nosuch",
        SH,
        "E201",
        "`nosuch` is not an attribute of `shopper`",
        "per country",
    ),
    ("top 10% by spend per contry", SH, "E201", "not an attribute", "did you mean `country`?"),
    (
        "top 10% by income per spend_365d",
        CU,
        "E201",
        "`spend_365d` is a measure",
        "group by an attribute",
    ),
    ("top 10% by spend per tags", SH, "E303", "`tags` is a list", "one value per entity"),
    ("sample 120%", SH, "E305", "between 0% and 100%, not 120%", "sample 10%"),
    ("did cart then visit within 1 day", SH, "E310", "`cart`", "same type"),
    (
        'did cart where (status = "paid") then order within 1 day',
        SH,
        "E201",
        "unknown field `status` of event `cart`",
        "sku, amount",
    ),
    ("did purchase then cart within 1 day", SH, "E307", "belongs to `customer`", "of customer"),
    (
        "count(order where did cart then order within 1 day) > 0",
        SH,
        "E304",
        "inside an event condition",
        "",
    ),
]


@pytest.mark.parametrize(
    ("rule", "entity", "code", "message", "hint"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_error_messages(rule, entity, code, message, hint, project):
    with pytest.raises(SegdslError) as caught:
        project.rule(rule, entity)
    diag = caught.value.diagnostics[0]
    assert diag.code == code
    assert message in diag.message
    assert hint in diag.hint


def test_error_message_e310_reads_well(project):
    """Found by these tests: the message says "with a timestamps … with a dates"."""
    with pytest.raises(SegdslError) as caught:
        project.rule("did cart then visit within 1 day", SH)
    message = caught.value.diagnostics[0].message
    assert message == "`cart` is stamped with timestamps and `visit` with dates"


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("within 5 km of (0, 0)", "E311"),
        ("did add_to_cart then purchase within 1 month", "E309"),
        ("sample 120%", "E305"),
    ],
)
def test_errors_render_in_the_cli(rule, code) -> None:
    """Through the CLI: exit 1 and the code in the rendered message, no traceback."""
    from typer.testing import CliRunner

    from segdsl.cli.app import app

    result = CliRunner().invoke(
        app, ["compile", "-p", str(CORPUS), "--rule", rule, "--as-of", "2026-06-30"]
    )
    assert result.exit_code == 1, result.output
    assert code in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "engine",
    [
        "duckdb",
        # SQLite shifts with strftime('%Y-%m-%d %H:%M:%f', …), keeping milliseconds.
        "sqlite",
    ],
)
def test_sequence_with_fractions_of_a_second(engine, project) -> None:
    cart, order = "2026-06-20 10:00:00.500", "2026-06-21 10:00:00.250"  # 23 h 59 min 59.75 s
    if engine == "duckdb":
        con: Any = duckdb.connect(":memory:")
        stamp = "TIMESTAMP"
    else:
        con = prepare_sqlite(sqlite3.connect(":memory:"))
        stamp = "TEXT"
    con.execute("CREATE TABLE shoppers (shopper_id VARCHAR)")
    con.execute("INSERT INTO shoppers VALUES ('a')")
    con.execute(f'CREATE TABLE shopper_events (shopper_id VARCHAR, kind VARCHAR, "at" {stamp})')
    con.execute("INSERT INTO shopper_events VALUES ('a', 'cart', ?)", [cart])
    con.execute(f"CREATE TABLE shopper_orders (shopper_id VARCHAR, placed_at {stamp})")
    con.execute("INSERT INTO shopper_orders VALUES ('a', ?)", [order])
    seg = project.rule("did cart then order within 1 day", SH)
    assert key_set(con.execute(compile_segment(seg, project.catalog, engine, T)).fetchall()) == {
        "a"
    }
