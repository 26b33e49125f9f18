"""A small project for the tests of `segdsl lift`, `profile` and `test`: customers in
two countries (the treated group "T" and the control "C", plus "X" in neither), their
orders before and after the campaign start, with the edges that matter — orders
exactly at T0 (inside) and at T1 (outside), customers without any order, missing
attributes, ties, empty and missing lists.

The rows are plain Python (``CUSTOMERS``, ``ORDERS``) so that the tests compute the
expected numbers from them without segdsl; ``write_project`` puts them in Parquet
files (through DuckDB, values as parameters) with a catalog and rules.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb

T0 = dt.datetime(2026, 7, 1)
T1 = dt.datetime(2026, 7, 31)
PRE_DAYS = 30

CATALOG = """
[project]
name = "measure-test"
default_entity = "customer"

[entity.customer]
source = "data/customers.parquet"
key = "customer_id"

[entity.customer.attributes]
age = "integer"
country = "string"
device = "string"
income = "number"
interests = "list<string>"
is_subscribed = "boolean"

[event.purchase]
source = "data/orders.parquet"
entity = "customer"
key = "customer_id"
timestamp = "ordered_at"

[event.purchase.fields]
amount = "number"
status = "string"
"""

RULES = """
segment treated where country = "T"
segment control where country = "C"
segment everyone_t where country = "T" or country = "C"
segment nobody where country = "Z"
segment lone_c where country = "C" and age = 33 and income < 15000
segment subscribed where is_subscribed
measure spend = sum(purchase.amount where status = "paid")
measure orders_30d = count(purchase in last 30 days)
"""


def _make() -> tuple[list[dict[str, Any]], list[tuple[int, dt.datetime, float, str]]]:
    rng = random.Random(16)
    customers: list[dict[str, Any]] = []
    orders: list[tuple[int, dt.datetime, float, str]] = []
    for cid in range(1, 241):
        country = "T" if cid % 3 == 0 else ("C" if cid % 3 == 1 else "X")
        if cid in (7, 8):
            country = None  # missing
        interests = rng.choice([None, [], ["run"], ["run", "tech"], ["tech"], ["yoga", "run"]])
        customers.append(
            {
                "customer_id": cid,
                "age": None if cid % 17 == 0 else 20 + cid % 40,  # ties
                "country": country,
                "device": rng.choice(["ios", "android", "desktop", None]),
                "income": None if cid % 11 == 0 else float(1000 * (cid % 23)),
                "interests": interests,
                "is_subscribed": None if cid % 13 == 0 else cid % 2 == 0,
            }
        )
        level = rng.uniform(5, 60)
        boost = 1.4 if country == "T" else 1.0
        if cid % 10 == 5:
            continue  # never orders
        for _ in range(rng.randint(0, 4)):  # before the campaign
            at = T0 - dt.timedelta(seconds=rng.randrange(1, PRE_DAYS * 2 * 86400))
            orders.append((cid, at, round(level * rng.uniform(0.5, 1.5), 2), "paid"))
        for _ in range(rng.randint(0, round(3 * boost))):  # during
            at = T0 + dt.timedelta(seconds=rng.randrange(0, 30 * 86400))
            status = "refunded" if rng.random() < 0.1 else "paid"
            orders.append((cid, at, round(level * boost * rng.uniform(0.5, 1.5), 2), status))
    # the edges: exactly at T0 (counted), exactly at T1 (not), at T0 - 30 days (covariate)
    orders += [
        (3, T0, 10.0, "paid"),
        (4, T0, 20.0, "paid"),
        (6, T1, 1000.0, "paid"),
        (9, T0 - dt.timedelta(days=PRE_DAYS), 5.0, "paid"),
        (10, T0 - dt.timedelta(days=PRE_DAYS, seconds=1), 7.0, "paid"),
    ]
    return customers, orders


CUSTOMERS, ORDERS = _make()


def write_project(root: Path, rules: str = RULES, catalog: str = CATALOG) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "segdsl.toml").write_text(catalog, encoding="utf-8")
    (root / "rules.seg").write_text(rules, encoding="utf-8")
    con = duckdb.connect(":memory:")
    try:
        con.execute(
            "CREATE TABLE customers (customer_id BIGINT, age BIGINT, country VARCHAR, "
            "device VARCHAR, income DOUBLE, interests VARCHAR[], is_subscribed BOOLEAN)"
        )
        con.executemany(
            "INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (c["customer_id"], c["age"], c["country"], c["device"], c["income"],
                 c["interests"], c["is_subscribed"])
                for c in CUSTOMERS
            ],
        )  # fmt: skip
        con.execute(
            "CREATE TABLE orders (customer_id BIGINT, ordered_at TIMESTAMP, amount DOUBLE, "
            "status VARCHAR)"
        )
        con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)", ORDERS)
        for table in ("customers", "orders"):
            target = str(root / "data" / f"{table}.parquet")
            con.execute(f"COPY {table} TO '{target}' (FORMAT parquet)")
    finally:
        con.close()
    return root


def per_customer(start: dt.datetime, end: dt.datetime, paid_only: bool = True) -> dict[int, float]:
    """Each customer's paid spend in [start, end) (0 without orders)."""
    out = {c["customer_id"]: 0.0 for c in CUSTOMERS}
    for cid, at, amount, status in ORDERS:
        if start <= at < end and (status == "paid" or not paid_only):
            out[cid] += amount
    return out


def group(country: str) -> list[int]:
    return [c["customer_id"] for c in CUSTOMERS if c["country"] == country]
