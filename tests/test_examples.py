"""The retail example, evaluated at its as-of date and checked against plain Python.

segdsl evaluates every segment once (a module fixture). The expected members are not
taken from segdsl: the rows are read from the example's Parquet files as they are, and
the members are computed here in plain Python from the rules' meaning as the language
contract (section 10) states it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from typing import Any

import duckdb
import pytest

import segdsl
from segdsl.evaluation.evaluate import Evaluation
from segdsl.syntax.formatter import format_text
from segdsl.tools.lint import lint_project

RETAIL = Path(__file__).resolve().parent.parent / "examples" / "retail"
DATA = RETAIL / "data"
AS_OF = dt.datetime(2026, 6, 30)  # the example's as-of instant: midnight UTC
DAY = dt.timedelta(days=1)

LIFECYCLE = [
    "lifecycle_prospect",
    "lifecycle_new",
    "lifecycle_reactivated",
    "lifecycle_active",
    "lifecycle_at_risk",
    "lifecycle_lapsed",
]
# `near_a_store`: the three stores (latitude, longitude) and the radius.
STORES = [(48.8606, 2.3376), (51.5154, -0.1419), (52.3702, 4.891)]
PARIS_STORE = STORES[0]
RADIUS_KM = 25.0
EARTH_RADIUS_KM = 6371.0088

Order = tuple[Any, ...]  # ordered_at, amount (Decimal), status, category
Event = tuple[Any, ...]  # ts, page


# ---- the data, read as plain rows ---------------------------------------------------------


def read(file: str, columns: str, kind: str | None = None) -> list[tuple[Any, ...]]:
    """Rows of one of the example's Parquet files (web events of one kind), in a fixed
    order. Only reading happens in DuckDB; nothing is computed there."""
    sql = f"SELECT {columns} FROM read_parquet(?)"
    params: list[object] = [str(DATA / file)]
    if kind is not None:
        sql += " WHERE event_name = ?"
        params.append(kind)
    con = duckdb.connect(":memory:")
    try:
        return con.execute(sql + " ORDER BY ALL", params).fetchall()
    finally:
        con.close()


def by_customer(records: list[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    """Rows grouped by their first column (the customer), sorted by time, only those at
    or before the as-of instant (later rows do not exist for the evaluation)."""
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for cid, ts, *rest in records:
        if ts <= AS_OF:
            grouped[cid].append((ts, *rest))
    for lst in grouped.values():
        lst.sort()
    return grouped


@pytest.fixture(scope="module")
def customers() -> list[tuple[Any, ...]]:
    return read("customers.parquet", "customer_id, country, latitude, longitude")


@pytest.fixture(scope="module")
def orders() -> dict[int, list[Order]]:
    return by_customer(read("orders.parquet", "customer_id, ordered_at, amount, status, category"))


@pytest.fixture(scope="module")
def carts() -> dict[int, list[Event]]:
    return by_customer(read("events.parquet", "user_id, ts, page", "add_to_cart"))


@pytest.fixture(scope="module")
def page_views() -> dict[int, list[Event]]:
    return by_customer(read("events.parquet", "user_id, ts, page", "page_view"))


@pytest.fixture(scope="module")
def evaluation() -> Evaluation:
    return segdsl.load_project(RETAIL).evaluate(as_of=AS_OF)


def members(evaluation: Evaluation, name: str) -> set[int]:
    return set(evaluation.members(name))


# ---- (a) every segment is a real audience -------------------------------------------------


def test_every_segment_is_neither_empty_nor_everyone(evaluation: Evaluation) -> None:
    assert len(evaluation.sizes) >= 60
    wrong = {
        name: (size.members, size.entity_count)
        for name, size in evaluation.sizes.items()
        if not 0 < size.members < size.entity_count
    }
    assert wrong == {}


def test_each_segment_alone_gives_the_same_members(evaluation: Evaluation) -> None:
    """All segments at once (one membership statement, `in segment` reused) and each
    segment on its own (its own statement) are two compile paths: same members."""
    project = segdsl.load_project(RETAIL)
    differ = {}
    for name in project.segments:
        alone = project.evaluate([name], as_of=AS_OF).members(name)
        if alone != evaluation.members(name):
            differ[name] = (len(alone), evaluation.sizes[name].members)
    assert differ == {}


def test_the_example_is_lint_and_fmt_clean() -> None:
    result = lint_project(RETAIL)
    assert [(d.code, d.message) for d in result.diagnostics] == []
    for path in sorted(RETAIL.glob("*.seg")):
        text = path.read_text(encoding="utf-8")
        assert format_text(text, str(path)) == text, f"{path.name} is not formatted"


# ---- (b) lifecycle stages -----------------------------------------------------------------


def test_lifecycle_stages_are_mutually_exclusive(evaluation: Evaluation) -> None:
    stages = {name: members(evaluation, name) for name in LIFECYCLE}
    overlaps = {(a, b): len(stages[a] & stages[b]) for a, b in combinations(LIFECYCLE, 2)}
    assert overlaps == dict.fromkeys(overlaps, 0)


def test_lifecycle_stages_cover_every_customer(
    evaluation: Evaluation, customers: list[tuple[Any, ...]]
) -> None:
    union = set().union(*(members(evaluation, name) for name in LIFECYCLE))
    assert union == {c[0] for c in customers}


def lifecycle_stage(times: list[dt.datetime]) -> str:
    """The stage from the order times alone, as lifecycle.seg's header defines it."""
    if not times:
        return "lifecycle_prospect"
    first, last = min(times), max(times)
    if last > AS_OF - 90 * DAY:  # ordered in the last 90 days
        if first > AS_OF - 30 * DAY:
            return "lifecycle_new"
        gap = any(AS_OF - 270 * DAY < t <= AS_OF - 90 * DAY for t in times)
        if not gap and first < AS_OF - 270 * DAY:
            return "lifecycle_reactivated"
        return "lifecycle_active"
    if last > AS_OF - 180 * DAY:
        return "lifecycle_at_risk"
    return "lifecycle_lapsed"


def test_lifecycle_stages_match_plain_python(
    evaluation: Evaluation, customers: list[tuple[Any, ...]], orders: dict[int, list[Order]]
) -> None:
    expected: dict[str, set[int]] = {name: set() for name in LIFECYCLE}
    for cid, *_ in customers:
        expected[lifecycle_stage([o[0] for o in orders.get(cid, [])])].add(cid)
    for name in LIFECYCLE:
        assert members(evaluation, name) == expected[name], name
    assert all(expected.values())


def test_winback_candidates_match_plain_python(
    evaluation: Evaluation, customers: list[tuple[Any, ...]], orders: dict[int, list[Order]]
) -> None:
    """Two or more paid orders in (T-365d, T-90d] and no order at all in (T-90d, T]."""
    expected = set()
    for cid, *_ in customers:
        mine = orders.get(cid, [])
        before = [o for o in mine if AS_OF - 365 * DAY < o[0] <= AS_OF - 90 * DAY]
        paid_before = sum(1 for o in before if o[2] == "paid")
        if paid_before >= 2 and not any(o[0] > AS_OF - 90 * DAY for o in mine):
            expected.add(cid)
    assert members(evaluation, "winback_candidates") == expected


# ---- (c) the campaign holdout -------------------------------------------------------------

# The holdout is a binomial draw: for the ~1,840 customers of summer_audience, the share's
# standard deviation is sqrt(0.1 * 0.9 / 1840) = 0.7 points, so 10% +- 3 points is more than
# four standard deviations: a different data set would still pass.
HOLDOUT_SHARE = 0.10
HOLDOUT_TOLERANCE = 0.03


def test_target_and_holdout_partition_the_campaign(evaluation: Evaluation) -> None:
    audience = members(evaluation, "summer_audience")
    target = members(evaluation, "summer_email_target")
    holdout = members(evaluation, "summer_email_holdout")
    assert target & holdout == set()
    assert target | holdout == audience
    assert len(audience) >= 1000  # big enough for the tolerance above
    share = len(holdout) / len(audience)
    assert abs(share - HOLDOUT_SHARE) <= HOLDOUT_TOLERANCE, share


def in_sample(key: int, percent: int, seed: str) -> bool:
    """`sample P% seed "s"` by its definition: the first 8 hex digits of
    md5("s:key"), read as a 32-bit number, below floor(P/100 * 2**32)."""
    digest = hashlib.md5(f"{seed}:{key}".encode(), usedforsecurity=False).hexdigest()
    return int(digest[:8], 16) < percent * (1 << 32) // 100


def test_holdout_is_the_documented_hash_sample(evaluation: Evaluation) -> None:
    audience = members(evaluation, "summer_audience")
    expected = {k for k in audience if in_sample(k, 10, "summer-2026")}
    assert members(evaluation, "summer_email_holdout") == expected


# ---- (d) sequences and distances against plain Python -------------------------------------


def followed(first: dt.datetime, seconds: list[dt.datetime], within: dt.timedelta) -> bool:
    """Some time in the sorted list ``seconds`` lies in (first, first + within], at or
    before the as-of instant."""
    i = bisect.bisect_right(seconds, first)
    return i < len(seconds) and seconds[i] <= min(first + within, AS_OF)


def sequence(
    customers: list[tuple[Any, ...]],
    first: dict[int, list[tuple[Any, ...]]],
    first_ok: Callable[[tuple[Any, ...]], bool],
    window: dt.timedelta,
    second: dict[int, list[tuple[Any, ...]]],
    second_ok: Callable[[tuple[Any, ...]], bool],
    within: dt.timedelta,
    *,
    absent: bool,
) -> set[int]:
    """`did E1 in last WINDOW where (C1) then [not] E2 within D where (C2)`, per section
    10 of the contract: `then` needs a matching E2 in (e1, e1 + D] (and at or before T);
    `then not` needs an E1 whose follow-up time has passed (e1 + D <= T) with none."""
    result = set()
    for cid, *_ in customers:
        later = sorted(e[0] for e in second.get(cid, []) if second_ok(e))
        for e1 in first.get(cid, []):
            ts = e1[0]
            if not (AS_OF - window < ts <= AS_OF and first_ok(e1)):
                continue
            if absent:
                if ts + within <= AS_OF and not followed(ts, later, within):
                    result.add(cid)
                    break
            elif followed(ts, later, within):
                result.add(cid)
                break
    return result


def anything(_: tuple[Any, ...]) -> bool:
    return True


def test_abandoned_cart_matches_plain_python(
    evaluation: Evaluation,
    customers: list[tuple[Any, ...]],
    carts: dict[int, list[Event]],
    orders: dict[int, list[Order]],
) -> None:
    expected = sequence(customers, carts, anything, 7 * DAY, orders, anything, DAY, absent=True)
    assert members(evaluation, "abandoned_cart") == expected
    assert len(expected) >= 50


def test_the_data_meets_the_edges_of_the_cart_rule(
    carts: dict[int, list[Event]], orders: dict[int, list[Order]]
) -> None:
    """The comparison above means something only if the data holds carts on the edges:
    an order exactly one day after a cart (it follows the cart), one a second later (it
    does not), and carts less than a day old at the as-of instant (not abandoned yet)."""
    exact = late_by_a_second = pending = 0
    for cid, lst in carts.items():
        times = {o[0] for o in orders.get(cid, [])}
        for ts, _ in lst:
            if ts <= AS_OF - 7 * DAY:
                continue
            exact += ts + DAY in times
            late_by_a_second += ts + DAY + dt.timedelta(seconds=1) in times
            pending += ts + DAY > AS_OF
    assert exact >= 3 and late_by_a_second >= 3 and pending >= 20


def test_abandoned_electronics_cart_matches_plain_python(
    evaluation: Evaluation,
    customers: list[tuple[Any, ...]],
    carts: dict[int, list[Event]],
    orders: dict[int, list[Order]],
) -> None:
    expected = sequence(
        customers,
        carts,
        lambda e: e[1].lower().startswith("/product/electronics"),
        14 * DAY,
        orders,
        lambda o: o[3] == "electronics",
        2 * DAY,
        absent=True,
    )
    assert members(evaluation, "abandoned_electronics_cart") == expected
    assert expected


def test_quick_cart_converters_match_plain_python(
    evaluation: Evaluation,
    customers: list[tuple[Any, ...]],
    carts: dict[int, list[Event]],
    orders: dict[int, list[Order]],
) -> None:
    expected = sequence(customers, carts, anything, 90 * DAY, orders, anything, DAY, absent=False)
    assert members(evaluation, "quick_cart_converters") == expected
    assert expected


def test_sale_page_converters_match_plain_python(
    evaluation: Evaluation,
    customers: list[tuple[Any, ...]],
    page_views: dict[int, list[Event]],
    orders: dict[int, list[Order]],
) -> None:
    expected = sequence(
        customers,
        page_views,
        lambda e: "sale" in e[1].lower(),
        180 * DAY,
        orders,
        lambda o: o[2] == "paid",
        7 * DAY,
        absent=False,
    )
    assert members(evaluation, "sale_page_converters") == expected
    assert expected


def distance_km(lat: float, lon: float, lat0: float, lon0: float) -> float:
    """Great-circle distance (haversine, the Earth's mean radius)."""
    p, p0 = math.radians(lat), math.radians(lat0)
    dp, dl = p - p0, math.radians(lon - lon0)
    h = math.sin(dp / 2) ** 2 + math.cos(p) * math.cos(p0) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def near(customers: list[tuple[Any, ...]], stores: list[tuple[float, float]]) -> set[int]:
    return {
        cid
        for cid, _, lat, lon in customers
        if lat is not None
        and lon is not None
        and any(distance_km(lat, lon, *store) <= RADIUS_KM for store in stores)
    }


def test_near_a_store_matches_plain_python(
    evaluation: Evaluation, customers: list[tuple[Any, ...]]
) -> None:
    assert members(evaluation, "near_a_store") == near(customers, STORES)
    assert members(evaluation, "near_paris_store") == near(customers, [PARIS_STORE])


def test_the_data_meets_the_edges_of_the_radius(customers: list[tuple[Any, ...]]) -> None:
    """Customers on both sides of the 25 km circle, close to it, and customers without
    a location, so that the comparison above is not trivially true."""
    missing = sum(1 for c in customers if c[2] is None)
    distances = [
        min(distance_km(lat, lon, *s) for s in STORES)
        for _, _, lat, lon in customers
        if lat is not None
    ]
    just_inside = sum(1 for d in distances if 20 <= d <= RADIUS_KM)
    just_outside = sum(1 for d in distances if RADIUS_KM < d <= 30)
    assert missing >= 100 and just_inside >= 3 and just_outside >= 3


def test_top_spenders_per_country_match_plain_python(
    evaluation: Evaluation, customers: list[tuple[Any, ...]], orders: dict[int, list[Order]]
) -> None:
    """Top 10% by paid spend in the last 365 days within each country: fewer than
    10% of the country's customers spend strictly more (spend is 0 without orders, so
    every customer is ranked); customers without a country are in no group."""
    spend = {
        cid: sum(
            (o[1] for o in orders.get(cid, []) if o[2] == "paid" and o[0] > AS_OF - 365 * DAY),
            Decimal(0),
        )
        for cid, *_ in customers
    }
    groups: dict[str, list[int]] = defaultdict(list)
    for cid, country, *_ in customers:
        if country is not None:
            groups[country].append(cid)
    expected = set()
    for group in groups.values():
        for cid in group:
            greater = sum(1 for other in group if spend[other] > spend[cid])
            if greater * 10 < len(group):
                expected.add(cid)
    assert members(evaluation, "top_spenders_per_country") == expected


# ---- the data is what generate.py makes ----------------------------------------------------


def test_generate_py_makes_the_committed_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(RETAIL / "generate.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    con = duckdb.connect(":memory:")
    try:
        for name in ("customers", "orders", "events"):
            new, committed = str(tmp_path / f"{name}.parquet"), str(DATA / f"{name}.parquet")
            for a, b in ((new, committed), (committed, new)):
                row = con.execute(
                    "SELECT count(*) FROM (SELECT * FROM read_parquet(?) "
                    "EXCEPT ALL SELECT * FROM read_parquet(?))",
                    [a, b],
                ).fetchone()
                assert row == (0,), name
    finally:
        con.close()
    total = sum(p.stat().st_size for p in DATA.glob("*.parquet"))
    assert total <= 3_000_000


def test_readme_sizes_are_the_evaluated_sizes(evaluation: Evaluation) -> None:
    """Every README table row that names a segment and ends in a member count."""
    found = {}
    for line in (RETAIL / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.fullmatch(r"`\w+`", cells[0]):
            continue
        if re.fullmatch(r"[\d,]+", cells[-1]):
            found[cells[0].strip("`")] = int(cells[-1].replace(",", ""))
    assert len(found) >= 20
    assert {name: evaluation.sizes[name].members for name in found} == found
