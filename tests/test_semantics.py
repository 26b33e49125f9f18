"""Results on DuckDB checked against the independent oracle (tests/oracle.py) and
against member sets worked out by hand from the edge dataset (tests/edge_data.py).

Contract: /work/shared/design/language.md, sections 6 (truth and missing values),
7 (time) and 8 (ranking). The as-of instant is T = 2026-06-30T00:00:00 unless a test
says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import edge_data
import pytest
from edge_data import ALL_ACCOUNTS, ALL_CUSTOMERS, ALL_KEYS
from oracle import Oracle, shift_months, step_back

from segdsl.semantic import ir
from segdsl.sql.compiler import compile_membership

ALL = ALL_CUSTOMERS

# Segments that are constant by construction (the rule itself, not the data, decides).
CONSTANT_SEGMENTS = {
    "country_in_empty",  # `in ()` holds for no one
    "likes_any_empty",  # `has any ()` holds for no one
    "top_none",  # top 0%
    "max_amount_big",  # the only orders ≥ 1000 are after T or of no customer: no one
}

# Other as-of instants: not at midnight (date(T) and T differ), and at a month end where
# one month back is clamped (2026-03-31 − 1 month = 2026-02-28). Many rows are after them.
NOON = dt.datetime(2026, 6, 29, 12, 0, 0)
MARCH_END = dt.datetime(2026, 3, 31, 0, 0, 0)
OTHER_AS_OF = [NOON, MARCH_END]

# ---- hand-written expectations -------------------------------------------------------
# (rule, entity, expected member ids), at T. Each set is worked out by hand from the rows
# of edge_data.py; the comment says how.
#
# US customers ("us" of 4 and "" of 9 are other values; 2 and 12 have no country):
US = frozenset({1, 6, 10, 14, 16, 20, 22, 25, 28, 31, 35, 39, 43, 47})
# Customers with an order stamped in (T − 90 days, T] = (2026-04-01T00:00, 2026-06-30T00:00]:
# 10 (exactly T − 90 d), 12 (after T only), 19, 20, 21 (older) are not.
BOUGHT_90D = frozenset({1, 11, 13, 14, 15, 16, 17, 18, 22, 23, 24, 25})
# Customers with any order stamped ≤ T (12's only order is after T; order 131 is of no one).
BOUGHT_EVER = frozenset({1, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25})
# Customers with a non-missing amount on an order ≤ T (16's amounts are all missing).
HAS_AMOUNT = BOUGHT_EVER - {16}
# age < 35 (2 and 8 have no age).
YOUNG = frozenset({1, 3, 4, 6, 7, 9, 13, 14, 15, 16, 17, 21, 22, 23, 24, 26, 31, 34, 39, 42, 47})
# is_subscribed: true / false; missing for 2, 6, 12, 19.
SUBSCRIBED = frozenset(
    {1, 4, 7, 8, 10, 13, 14, 16, 17, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48}
)
UNSUBSCRIBED = frozenset(
    {3, 5, 9, 11, 15, 18, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41, 43, 45, 47}
)

HAND_CASES: list[tuple[str, str, frozenset[Any]]] = [
    # §6: `!=` is the complement of `=`: missing (2, 12), "us" (4) and "" (9) are in.
    ('country != "US"', "customer", ALL - US),
    ('country is set and country != "US"', "customer", ALL - US - {2, 12}),
    ('country not in ("US", "CA")', "customer", ALL - US - {3, 15}),
    ("country in ()", "customer", frozenset()),
    ("country not in ()", "customer", ALL),
    # `not (age > 30)`: ages ≤ 30 and the missing ages of 2 and 8.
    (
        "not (age > 30)",
        "customer",
        frozenset({1, 2, 3, 6, 8, 9, 13, 15, 16, 17, 21, 22, 23, 26, 31, 34, 39, 47}),
    ),
    # `not` binds tighter than `and`: (not subscribed) and age > 60. Ages > 60: 18 (false),
    # 32 (true), 43 (false), 46 (true).
    ("not is_subscribed and age > 60", "customer", frozenset({18, 43})),
    ('age > 60 or country = "SE"', "customer", frozenset({18, 19, 32, 43, 46})),
    # `not is_subscribed` holds where it is false or missing; `= false` only where false.
    ("is_subscribed = false", "customer", UNSUBSCRIBED),
    ("not is_subscribed", "customer", UNSUBSCRIBED | {2, 6, 12, 19}),
    ("is_subscribed != true", "customer", ALL - SUBSCRIBED),
    # `has none` = not `has any`: missing lists (2, 8, 16, 21), empty lists (3, 18),
    # "Running" (4, case differs), chess or cooking only (7, 11, 22, 28 31 34 37 40 43 46).
    (
        'interests has none ("running", "yoga")',
        "customer",
        frozenset({2, 3, 4, 7, 8, 11, 16, 18, 21, 22, 28, 31, 34, 37, 40, 43, 46}),
    ),
    # `has all ()` holds for every set list, empty ones included; `has any ()` for no one.
    ("interests has all ()", "customer", ALL - {2, 8, 16, 21}),
    ("interests has any ()", "customer", frozenset()),
    # lucky_numbers has 7: 1 [7,3], 6, 8 [7,7], 10, 14, 17, 19, 20 [3,7], 22, 25, 32.
    ("lucky_numbers has 7", "customer", frozenset({1, 6, 8, 10, 14, 17, 19, 20, 22, 25, 32})),
    # §7 windows: 10's order at exactly T − 90 d is out, 11's at T − 90 d + 1 s is in,
    # 1's order at exactly T is in, 12's after-T order does not exist.
    ("did purchase in last 90 days", "customer", BOUGHT_90D),
    ("count(purchase in last 90 days) >= 1", "customer", BOUGHT_90D),
    ("did not purchase in last 90 days", "customer", ALL - BOUGHT_90D),
    # Events after T do not exist, also without a window.
    ("did purchase", "customer", BOUGHT_EVER),
    ("last(purchase) is set", "customer", BOUGHT_EVER),
    ("count(purchase) >= 1", "customer", BOUGHT_EVER),
    # 12's and 13's after-T orders (5000, quantity 9) are ignored; 999 is no customer.
    ("max(purchase.amount) >= 1000", "customer", frozenset()),
    ("max(purchase.amount) >= 300", "customer", frozenset({19})),
    ("max(purchase.quantity) >= 4", "customer", frozenset({20})),
    # first order before 2026-01-01T00:00: 19 (2025-06-30), 21 (2025-12-31 23:59:59);
    # 20's is exactly 2026-01-01T00:00.
    ("first(purchase) before 2026-01-01", "customer", frozenset({19, 21})),
    # last order on 2026-06-01 or 06-02 (calendar days): 13 (06-01 23:59:59; its
    # after-T order does not count), 14 (06-02 00:00).
    ("last(purchase) 2026-06-01..2026-06-02", "customer", frozenset({13, 14})),
    # Distinct skus ≤ T: 1 {A,B}, 19 {A,B}, 22 {A,B} (+ a missing sku), 24 {A,B,C};
    # 13 has only C (Z is after T); 18 only B.
    ("count distinct(purchase.sku) >= 2", "customer", frozenset({1, 19, 22, 24})),
    # Calendar month: T − 1 month = 2026-05-30T00:00. 17 (05-30 12:00) is in, 18
    # (exactly 05-30 00:00) is out; with 30 days (T − 30 d = 05-31) 17 is out too.
    (
        "count(purchase in last 1 month) >= 1",
        "customer",
        frozenset({1, 13, 14, 15, 16, 17, 22, 23, 24, 25}),
    ),
    (
        "count(purchase in last 30 days) >= 1",
        "customer",
        frozenset({1, 13, 14, 15, 16, 22, 23, 24, 25}),
    ),
    # `N days ago` inside an event condition: the same instant as the window's start.
    (
        "count(purchase where timestamp after 30 days ago) >= 1",
        "customer",
        frozenset({1, 13, 14, 15, 16, 22, 23, 24, 25}),
    ),
    # top 10% by the 90-day order count (n = 48: a count is never missing, limit 4.8):
    # 22 has 4 (0 greater), 24 and 25 have 3 (1 greater), 1 15 16 23 have 2 (3 greater);
    # those with 1 have 7 greater.
    (
        "top 10% by count(purchase in last 90 days)",
        "customer",
        frozenset({1, 15, 16, 22, 23, 24, 25}),
    ),
    # Month clamping: T − 4 months = 2026-02-30 → 2026-02-28. Dates: 13 (02-28) out,
    # 14 (03-01) in, 15 (07-01, after date(T)) out.
    ("signup_date in last 4 months", "customer", frozenset({8, 9, 11, 12, 14, 22})),
    # Timestamps: 18 (02-28T00:00) out, 19 (02-28T12:00) in, 5 (T + 1 s) out.
    (
        "last_seen in last 4 months",
        "customer",
        frozenset({1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 19, 21, 22, 23, 24, 25}),
    ),
    # (T − 7 d, T]: 7 (exactly T − 7 d) and 5 (T + 1 s) out; 8, 21 (T − 7 d + 1 s) in.
    ("last_seen in last 7 days", "customer", frozenset({1, 3, 4, 6, 8, 9, 21, 24, 25})),
    # A range of instants includes both ends: [06-20 00:00, 06-23 00:00] holds 7 (06-23
    # 00:00) and 22 (06-20 10:00); 8 and 21 (06-23 00:00:01) are past the end.
    ("last_seen between 10 days ago and 7 days ago", "customer", frozenset({7, 22})),
    ("signup_date 2026-02-28..2026-03-01", "customer", frozenset({13, 14})),
    # A timestamp compared with a date is compared on the calendar day:
    # 2026-06-29 is [06-29 00:00, 06-30 00:00): 3, 4 (23:59:59), 9; not 1 (06-30 00:00).
    ("last_seen = 2026-06-29", "customer", frozenset({3, 4, 9})),
    ("last_seen != 2026-06-29", "customer", ALL - {3, 4, 9}),
    ("last_seen after 2026-06-29", "customer", frozenset({1, 5})),
    # `timestamp after 2026-06-01` is from 06-02 00:00: 13's order at 06-01 23:59:59 is
    # not after, 14's at 06-02 00:00 is; 13's after-T order does not exist.
    (
        "count(purchase where timestamp after 2026-06-01) >= 1",
        "customer",
        frozenset({1, 14, 15, 16, 22, 23, 24, 25}),
    ),
    # A date compared with a timestamp is compared on the calendar day too: 6 signed up
    # on 2025-06-01, the same day, so not before 2025-06-01T12:00.
    (
        "signup_date before 2025-06-01T12:00:00",
        "customer",
        ALL - {2, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 22, 23},
    ),
    # The same calendar-day reading must hold whatever the form: `=`, an open range, a
    # closed range and an `in (…)` list. Signups: 9 on 06-29, 8 on 06-30, 15 on 07-01,
    # 6 on 2025-06-01.
    ("signup_date = 2026-06-30T10:00:00", "customer", frozenset({8})),
    ("signup_date in (2026-06-30T10:00:00, 2025-06-01T08:00:00)", "customer", frozenset({6, 8})),
    ("signup_date 2026-06-29T12:00:00..", "customer", frozenset({8, 9, 15})),
    ("signup_date 2026-06-29T12:00:00..2026-06-30T12:00:00", "customer", frozenset({8, 9})),
    ("signup_date between 2026-06-29T12:00:00 and 2026-12-31", "customer", frozenset({8, 9, 15})),
    # Last visits: 6 on 06-28, 3 and 4 on 06-29 (1 on 06-30, 5 on 06-27).
    (
        "last(store_visit) 2026-06-28T12:00:00..2026-06-29T12:00:00",
        "customer",
        frozenset({3, 4, 6}),
    ),
    # Date-stamped events: `in last 1 day` is date(T) only (1); 3's visit on date(T) − 1
    # is out and 5's visit after date(T) does not exist.
    ("did store_visit in last 1 day", "customer", frozenset({1})),
    # (date(T) − 7, date(T)]: 3 (06-29, 06-24) and 6 (06-28 twice); 4's 06-23 is out.
    ("count(store_visit in last 7 days) >= 2", "customer", frozenset({3, 6})),
    ("count(store_visit in last 1 week) >= 2", "customer", frozenset({3, 6})),
    # date(T) − 1 month = 05-30: every visit on or before date(T).
    ("did store_visit in last 1 month", "customer", frozenset({1, 3, 4, 5, 6})),
    # last visit after date(T) − 3 = 06-27: 5's last visit is 06-27 (07-01 is after T).
    ("last(store_visit) after 3 days ago", "customer", frozenset({1, 3, 4, 6})),
    (
        "count(store_visit where timestamp after 3 days ago) >= 1",
        "customer",
        frozenset({1, 3, 4, 6}),
    ),
    # Shared event table: kinds are kept apart; page_view (30 d = from 05-31 00:00, excl.)
    # of "pricing", case-insensitively: 1 "/Pricing", 4 (05-31 00:00:01), 9 "/PRICING…";
    # 3 (exactly T − 30 d), 5 (a cart), 7 ("search"), 8 (kind missing) are not.
    (
        'did page_view in last 30 days where (page contains "pricing")',
        "customer",
        frozenset({1, 4, 9}),
    ),
    # Two-valued event conditions: a page view with a missing page (8) is "not pricing".
    (
        'did page_view where (not (page contains "pricing"))',
        "customer",
        frozenset({6, 8, 22}),
    ),
    # carts in (T − 7 d, T]: 5, 9; 6's at exactly T − 7 d and 7's after T are out.
    ("count(add_to_cart in last 7 days) > 0", "customer", frozenset({5, 9})),
    # Text: case-insensitive, % and _ are plain characters.
    ('email contains "%"', "customer", frozenset({5, 12})),
    ('email starts with "a_"', "customer", frozenset({6, 8})),
    (
        'email ends with ".COM"',
        "customer",
        frozenset({1, 4, 5, 7, 10, 13, 14, 16, 20, 22, 25}),
    ),
    ('full_name starts with "émile"', "customer", frozenset({8})),
    ('full_name contains "O\'NEIL"', "customer", frozenset({26})),
    # The empty text is in every set text, the empty e-mail of 9 too (2, 19: missing).
    ('email contains ""', "customer", ALL - {2, 19}),
    # Numbers: negative and decimal incomes; -10.5 (5) and 10.25 (7) are outside.
    ("income -10..10", "customer", frozenset({3, 4, 6, 9})),
    # Division is real (31 / 2 = 15.5: 7) and by zero is missing (everyone here).
    ("age / 2 = 15.5", "customer", frozenset({7})),
    ("income / (age - age) is missing", "customer", ALL),
    # spend_per_purchase = spend_365d / purchases_90d is missing where there is no
    # purchase in 90 days: 10 and 19 divide a positive spend by 0. 16 is 0 / 2 = 0.
    ("spend_per_purchase is missing", "customer", ALL - BOUGHT_90D),
    ("spend_per_purchase = 0", "customer", frozenset({16})),
    # count/sum over nothing are 0, avg is missing: 16's amounts are all missing.
    ("sum(purchase.amount) = 0", "customer", ALL - HAS_AMOUNT),
    ("avg(purchase.amount) is missing", "customer", ALL - HAS_AMOUNT),
    ("spend_365d < 0", "customer", frozenset({23})),
    # §8 ranking. Incomes are set for 40 customers (n = 40). Descending: 300000 (20),
    # 250000 (19), 200000 (17, 18), 150000 (15, 16), 120000 (12), …
    # top 10%: fewer than 4 strictly greater → 20, 19, 17, 18; 15 and 16 have exactly 4.
    ("top 10% by income", "customer", frozenset({17, 18, 19, 20})),
    ("not (top 10% by income)", "customer", ALL - {17, 18, 19, 20}),
    # top 12.5%: fewer than 5 → the 150000 tie (4 greater) is all in.
    ("top 12.5% by income", "customer", frozenset({15, 16, 17, 18, 19, 20})),
    ("top 2.5% by income", "customer", frozenset({20})),
    # bottom 10%: -10.5 (5), -10 (4), 0 (3, 9: 2 smaller); 10 (6) has exactly 4 smaller.
    ("bottom 10% by income", "customer", frozenset({3, 4, 5, 9})),
    ("top 10% by -income", "customer", frozenset({3, 4, 5, 9})),
    ("top 0% by age", "customer", frozenset()),
    ("top 100% by age", "customer", ALL - {2, 8}),
    # Ranked over the whole entity: the top-10% income customers that are also young.
    ("top 10% by income and age < 35", "customer", frozenset({17})),
    # Segments: `young` is age < 35.
    ('in segment young and country = "US"', "customer", YOUNG & US),
    ("not in segment young", "customer", ALL - YOUNG),
    ("not in segment not_young", "customer", YOUNG),
    # Accounts: revenue set for 10 (n = 10): 3M (6, 7), 2M (2, 3), 1M (1, 5), …, -5 (9).
    ("top 30% by revenue", "account", frozenset({2, 3, 6, 7})),
    ("top 20% by revenue", "account", frozenset({6, 7})),
    ("bottom 20% by revenue", "account", frozenset({8, 9})),
    # 1: 6000 + 5000; 7: 20000; 2 is exactly 10000; 3's 5000 is after T.
    ("deal_value > 10000", "account", frozenset({1, 7})),
    ("did not deal", "account", frozenset({5, 6, 8, 9, 10, 11})),
    # "Software" (4) is not "software"; 3 has 501 employees, 5 is retail.
    (
        'employees 50..500 and industry in ("software", "fintech")',
        "account",
        frozenset({1, 2, 7, 8, 9}),
    ),
    ('industry != "software"', "account", ALL_ACCOUNTS - {1, 3, 8}),
]

# (as-of, rule, expected customer ids) at the other instants.
AS_OF_CASES: list[tuple[dt.datetime, str, frozenset[Any]]] = [
    # 2026-03-31 − 1 month = 2026-02-28 (clamped): 18's order at 02-28 00:00 is out,
    # its 03-01 order is in; nothing else is in March.
    (MARCH_END, "count(purchase in last 1 month) >= 1", frozenset({18})),
    # Only orders stamped ≤ 2026-03-31 exist: 18, 19, 20, 21.
    (MARCH_END, "did purchase", frozenset({18, 19, 20, 21})),
    # As-of 06-29 12:00: date(as-of) = 06-29; visits of 06-29 (3, 4) are in the last day,
    # 1's visit of 06-30 is after it.
    (NOON, "did store_visit in last 1 day", frozenset({3, 4})),
    # (06-28 12:00, 06-29 12:00]: 3 (06-29 00:00), 6 (06-28 23:59:59), 9 (06-29 11:59:59);
    # 4 (06-29 23:59:59) is after the as-of instant.
    (NOON, "last_seen in last 1 day", frozenset({3, 6, 9})),
    # date(as-of) = 06-29: 9 signed up that day; 8 signed up on 06-30.
    (NOON, "signup_date in last 1 day", frozenset({9})),
]


def _case_id(case: tuple[str, str, frozenset[Any]]) -> str:
    rule, entity, _ = case
    return rule if entity == "customer" else f"{entity}: {rule}"


def _as_of_id(case: tuple[dt.datetime, str, frozenset[Any]]) -> str:
    return f"{case[0].isoformat()} {case[1]}"


def _entity_keys(entity: str) -> frozenset[Any]:
    return ALL_KEYS[entity]


def check_membership(rows, segments, oracle, is_truth_value) -> None:
    """One row per entity; per segment column, only two-valued truth values (never
    NULL), and the members the oracle computes. Reports every wrong column at once."""
    entity = segments[0].entity
    keys = [r[0] for r in rows]
    assert sorted(keys) == sorted(_entity_keys(entity)), "one row per entity"
    not_two_valued: dict[str, list[Any]] = {}
    wrong: dict[str, tuple[list[Any], list[Any]]] = {}
    for i, segment in enumerate(segments, start=1):
        column = [r[i] for r in rows]
        bad = [k for k, v in zip(keys, column, strict=True) if not is_truth_value(v)]
        if bad:
            not_two_valued[segment.name] = bad
        got = {k for k, v in zip(keys, column, strict=True) if v}
        want = oracle.members(segment)
        if got != want:
            wrong[segment.name] = (sorted(got - want), sorted(want - got))
    assert not not_two_valued, f"NULL or non-boolean values (segment: keys): {not_two_valued}"
    assert not wrong, f"wrong members (segment: (extra, missing)): {wrong}"


def check_corpus_at(project, engine, as_of, oracle, members_of) -> None:
    wrong = {}
    for name, segment in project.segments.items():
        got, want = members_of(segment, engine, as_of), oracle.members(segment)
        if got != want:
            wrong[name] = (sorted(got - want), sorted(want - got))
    assert not wrong, f"wrong members (segment: (extra, missing)): {wrong}"


# ---- every corpus segment, DuckDB against the oracle ------------------------------------


def test_corpus_segment_duckdb_matches_oracle(segment_name, project, oracle, members_of):
    segment = project.segments[segment_name]
    assert members_of(segment, "duckdb") == oracle.members(segment)


def test_corpus_segment_partition_duckdb(segment_name, project, members_of):
    """S and `not in segment S` together are the whole entity, with no overlap."""
    segment = project.segments[segment_name]
    complement = project.rule(f"not in segment {segment_name}", segment.entity)
    inside = members_of(segment, "duckdb")
    outside = members_of(complement, "duckdb")
    assert not inside & outside
    assert inside | outside == _entity_keys(segment.entity)


@pytest.mark.parametrize("entity", ["customer", "account", "shopper"])
def test_membership_duckdb_matches_oracle(entity, project, oracle, run_duckdb):
    """All segments of an entity in one statement: booleans, never NULL, right members."""
    segments = [s for s in project.segments.values() if s.entity == entity]
    sql = compile_membership(segments, project.catalog, "duckdb", edge_data.T)
    check_membership(run_duckdb(sql), segments, oracle, lambda v: isinstance(v, bool))


@pytest.mark.parametrize("as_of", OTHER_AS_OF, ids=lambda t: t.isoformat())
def test_corpus_duckdb_matches_oracle_at_other_instants(as_of, project, oracle_at, members_of):
    check_corpus_at(project, "duckdb", as_of, oracle_at(as_of), members_of)


# ---- hand-written expectations ------------------------------------------------------------


@pytest.mark.parametrize(("rule", "entity", "expected"), HAND_CASES, ids=map(_case_id, HAND_CASES))
def test_hand_written_duckdb(rule, entity, expected, project, members_of):
    assert members_of(project.rule(rule, entity), "duckdb") == expected


@pytest.mark.parametrize(("rule", "entity", "expected"), HAND_CASES, ids=map(_case_id, HAND_CASES))
def test_hand_written_oracle(rule, entity, expected, project, oracle):
    """The oracle agrees with the hand-worked sets too (it is checked, not trusted)."""
    assert oracle.members(project.rule(rule, entity)) == expected


@pytest.mark.parametrize(
    ("as_of", "rule", "expected"), AS_OF_CASES, ids=map(_as_of_id, AS_OF_CASES)
)
def test_hand_written_other_as_of(as_of, rule, expected, project, oracle_at, members_of):
    segment = project.rule(rule)
    assert oracle_at(as_of).members(segment) == expected
    assert members_of(segment, "duckdb", as_of) == expected


# ---- the oracle and the dataset themselves ---------------------------------------------------


def test_segments_discriminate(project, oracle):
    """The data is rich enough: every segment not constant by construction has some
    members and some non-members, so a wrong result cannot hide behind an empty set."""
    trivial = []
    for name, segment in project.segments.items():
        if name in CONSTANT_SEGMENTS:
            continue
        got = oracle.members(segment)
        if not got or got == _entity_keys(segment.entity):
            trivial.append(name)
    assert not trivial, f"segments with no or all members: {trivial}"


def test_oracle_calendar_steps():
    assert shift_months(dt.datetime(2024, 3, 31), -1) == dt.datetime(2024, 2, 29)
    assert shift_months(dt.datetime(2026, 6, 30), -4) == dt.datetime(2026, 2, 28)
    assert shift_months(dt.datetime(2026, 1, 15), -1) == dt.datetime(2025, 12, 15)
    assert step_back(dt.datetime(2024, 2, 29), ir.Duration(1, "year")) == dt.datetime(2023, 2, 28)
    assert step_back(edge_data.T, ir.Duration(2, "week")) == dt.datetime(2026, 6, 16)


def test_oracle_count_and_avg_over_no_events(project):
    """count over no events is 0, avg over none is missing (customer 2 has none)."""
    o = Oracle(edge_data.TABLES, project.catalog, edge_data.T)
    row2 = next(r for r in edge_data.TABLES["customers"] if r["customer_id"] == 2)
    count = project.rule("count(purchase) = 0").cond
    assert isinstance(count, ir.Compare)
    assert o.value(count.left, row2, "customer", None) == 0
    avg = project.rule("avg(purchase.amount) > 0").cond
    assert isinstance(avg, ir.Compare)
    assert o.value(avg.left, row2, "customer", None) is None


def test_dataset_sits_on_the_edges():
    """Guard the edges the hand-written sets rely on (a data edit must not lose them)."""
    t = edge_data.T
    stamps = {r["ordered_at"] for r in edge_data.TABLES["orders"]}
    assert t in stamps  # exactly T
    assert t - dt.timedelta(days=90) in stamps  # exactly T − 90 days
    assert t - dt.timedelta(days=90) + dt.timedelta(seconds=1) in stamps
    assert any(s > t for s in stamps)  # after T
    assert dt.datetime(2026, 5, 30) in stamps  # exactly T − 1 month
    visits = {r["visit_date"] for r in edge_data.TABLES["store_visits"]}
    assert {t.date(), t.date() - dt.timedelta(days=1), t.date() - dt.timedelta(days=7)} <= visits
    customers = edge_data.TABLES["customers"]
    for column, _ in edge_data.SCHEMA["customers"][1:]:
        assert any(r[column] is None for r in customers), f"no missing {column}"
    assert any(r["interests"] == [] for r in customers)
