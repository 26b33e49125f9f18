"""A small project with data for the snapshot/history/explain/overlap tests, and a
plain-Python oracle that computes every segment's members from the same rows.

The rows are deterministic (a seeded generator) and built to hit the edges: missing
ages and countries, spend ties at the top-20% boundary, orders exactly at the start
of a 30-day window (excluded), exactly at the as-of instant (included) and after it
(not visible).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

T0 = dt.datetime(2026, 6, 30)  # the main as-of instant
AS_OFS = (dt.datetime(2026, 5, 31), dt.datetime(2026, 6, 15), T0)

CATALOG = """\
[project]
name = "hist"
default_entity = "customer"

[entity.customer]
source = "data/customers.csv"
key = "customer_id"

[entity.customer.attributes]
age = "integer"
country = "string"

[entity.shop]
source = "data/shops.csv"
key = "shop_id"

[entity.shop.attributes]
region = "string"

[event.purchase]
source = "data/orders.csv"
entity = "customer"
key = "customer_id"
timestamp = "ordered_at"

[event.purchase.fields]
amount = "number"
"""

MEASURES = """\
measure buys_30d = count(purchase in last 30 days)
measure spend = sum(purchase.amount)
"""

SEGMENTS = """\
segment adults where age >= 18
segment us where country = "US"
segment recent_buyers where buys_30d >= 1
segment top_spenders where top 20% by spend
segment young_us_buyers
  title "Young <US> buyers & co"
  where age 18..30 and country = "US" and buys_30d >= 1
segment picky
  where age is set
    and (country = "US" or country = "CA" or age >= 60)
    and spend > 50
    and top 50% by spend
segment anyone_odd where age >= 65 or country = "DE" or buys_30d = 0
segment nobody_adult_kid where age >= 18 and age < 10 and country = "US"
segment north of shop where region = "north"
"""


@dataclass(frozen=True)
class Customer:
    key: int | str
    age: int | None
    country: str | None


@dataclass(frozen=True)
class Order:
    key: int | str
    at: dt.datetime
    amount: Decimal


@dataclass(frozen=True)
class Data:
    customers: list[Customer]
    orders: list[Order]
    shops: list[tuple[int, str | None]]


def make_data(n: int = 80, seed: int = 11, string_keys: bool = False) -> Data:
    rng = random.Random(seed)
    countries = ["US", "US", "CA", "DE", "FR", None]
    customers = []
    for i in range(1, n + 1):
        key: int | str = f"c-{i:04d}" if string_keys else i
        age = None if rng.random() < 0.12 else rng.randint(8, 80)
        customers.append(Customer(key, age, rng.choice(countries)))
    orders = []
    amounts = [Decimal("10"), Decimal("25.5"), Decimal("40"), Decimal("40"), Decimal("99.75")]
    for c in customers:
        for _ in range(rng.randint(0, 4)):
            days = rng.randint(0, 80)
            at = T0 - dt.timedelta(days=days, hours=rng.randint(0, 23))
            orders.append(Order(c.key, at, rng.choice(amounts)))
    # window edges at T0: exactly T0 - 30 days (out), exactly T0 (in), after T0 (invisible)
    edge = customers[:3]
    orders.append(Order(edge[0].key, T0 - dt.timedelta(days=30), Decimal("40")))
    orders.append(Order(edge[1].key, T0, Decimal("40")))
    orders.append(Order(edge[2].key, T0 + dt.timedelta(seconds=1), Decimal("5000")))
    shops = [(i, rng.choice(["north", "south", None])) for i in range(1, 13)]
    return Data(customers, orders, shops)


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    return str(v)


def write_project(root: Path, data: Data, segments: str = SEGMENTS) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "segdsl.toml").write_text(CATALOG, encoding="utf-8")
    (root / "measures.seg").write_text(MEASURES, encoding="utf-8")
    (root / "segments.seg").write_text(textwrap.dedent(segments), encoding="utf-8")
    write_data(root, data)
    return root


def write_data(root: Path, data: Data) -> None:
    with (root / "data" / "customers.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "age", "country"])
        for c in data.customers:
            w.writerow([_cell(c.key), _cell(c.age), _cell(c.country)])
    with (root / "data" / "orders.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "ordered_at", "amount"])
        for o in data.orders:
            w.writerow([_cell(o.key), _cell(o.at), _cell(o.amount)])
    with (root / "data" / "shops.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["shop_id", "region"])
        for k, region in data.shops:
            w.writerow([k, _cell(region)])


# ---- the oracle ----------------------------------------------------------------------


class Oracle:
    """Members of each segment of SEGMENTS, computed in plain Python."""

    def __init__(self, data: Data, as_of: dt.datetime, window_days: int = 30) -> None:
        self.data = data
        self.t = as_of
        self.window = window_days
        self.keys = [c.key for c in data.customers]
        self.by_key = {c.key: c for c in data.customers}
        visible = [o for o in data.orders if o.at <= as_of]
        self.spend: dict[object, Decimal] = {k: Decimal(0) for k in self.keys}
        self.buys: dict[object, int] = {k: 0 for k in self.keys}
        start = as_of - dt.timedelta(days=window_days)
        for o in visible:
            self.spend[o.key] += o.amount
            if start < o.at <= as_of:
                self.buys[o.key] += 1

    def where(self, pred: Callable[[Customer], bool]) -> set[object]:
        return {c.key for c in self.data.customers if pred(c)}

    def top(self, percent: int) -> set[object]:
        values = self.spend  # sum over no events is 0, so set for everyone
        n = len(values)
        return {
            k
            for k, v in values.items()
            if sum(1 for w in values.values() if w > v) * 100 < percent * n
        }

    def adults(self) -> set[object]:
        return self.where(lambda c: c.age is not None and c.age >= 18)

    def us(self) -> set[object]:
        return self.where(lambda c: c.country == "US")

    def recent_buyers(self) -> set[object]:
        return {k for k in self.keys if self.buys[k] >= 1}

    def top_spenders(self) -> set[object]:
        return self.top(20)

    def young_us_buyers(self) -> set[object]:
        part1 = self.where(lambda c: c.age is not None and 18 <= c.age <= 30)
        return part1 & self.us() & self.recent_buyers()

    # `picky` part by part, as `explain` reports them
    def picky_parts(self) -> list[set[object]]:
        return [
            self.where(lambda c: c.age is not None),
            self.picky_or(),
            {k for k in self.keys if self.spend[k] > 50},
            self.top(50),
        ]

    def picky_branches(self) -> list[set[object]]:
        return [
            self.where(lambda c: c.country == "US"),
            self.where(lambda c: c.country == "CA"),
            self.where(lambda c: c.age is not None and c.age >= 60),
        ]

    def picky_or(self) -> set[object]:
        a, b, c = self.picky_branches()
        return a | b | c

    def picky(self) -> set[object]:
        out = set(self.keys)
        for p in self.picky_parts():
            out &= p
        return out

    def anyone_odd_branches(self) -> list[set[object]]:
        return [
            self.where(lambda c: c.age is not None and c.age >= 65),
            self.where(lambda c: c.country == "DE"),
            {k for k in self.keys if self.buys[k] == 0},
        ]

    def anyone_odd(self) -> set[object]:
        a, b, c = self.anyone_odd_branches()
        return a | b | c

    def nobody_adult_kid(self) -> set[object]:
        return set()

    def north(self) -> set[object]:
        return {k for k, r in self.data.shops if r == "north"}

    def members(self, name: str) -> set[object]:
        fn: Callable[[], set[object]] = getattr(self, name)
        return fn()


CUSTOMER_SEGMENTS = (
    "adults",
    "us",
    "recent_buyers",
    "top_spenders",
    "young_us_buyers",
    "picky",
    "anyone_odd",
    "nobody_adult_kid",
)
