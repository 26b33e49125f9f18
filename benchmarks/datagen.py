"""Synthetic retail data for the benchmarks, generated in DuckDB SQL into Parquet files.

    python benchmarks/datagen.py --customers 100000 --events 2000000 [--data DIR]

Three files per dataset, in ``DIR/c<customers>-e<events>-v<version>/``:

- ``customers.parquet``: one row per customer with demographics and missing values
  (age, gender, country, income, e-mail, interests as a list, ...).
- ``orders.parquet``: 15% of the events: orders with an amount, a status and a category.
- ``events.parquet``: the other 85%: web events (page_view, add_to_cart, login).

Events are spread over the two years before the as-of instant (2026-06-30T00:00:00)
in time order, as an append-only log is, with 0.5% stamped after it (they must be
ignored). Customers are skewed: low customer ids are much more active, and many
customers have no order at all. Every value is a pure function of the row number
through DuckDB's ``hash``, so the same parameters always give the same rows, and a
dataset is generated once and reused while its parameters and generator version match.
Amounts are in half-euro steps, so sums of amounts are exact in binary floating point
whatever the summation order: DuckDB, pandas and every plan agree to the last bit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
AS_OF = dt.datetime(2026, 6, 30)
HISTORY_DAYS = 730
FUTURE_DAYS = 4  # ~0.5% of the two years: events after the as-of instant
ORDER_SHARE = 0.15
DEFAULT_DATA = Path(os.environ.get("SEGDSL_BENCH_DATA", Path.home() / ".cache" / "segdsl-bench"))

CATEGORIES = ["electronics", "fashion", "home", "beauty", "sports", "grocery", "books", "toys"]
INTERESTS = [
    "running", "yoga", "fitness", "outdoors", "tech",
    "cooking", "home_decor", "fashion", "gaming", "books",
]  # fmt: skip


@dataclass(frozen=True)
class Dataset:
    """One generated dataset: where its files are and how big it is."""

    root: Path
    customers: int
    events: int

    @property
    def orders_rows(self) -> int:
        return round(self.events * ORDER_SHARE)

    @property
    def web_rows(self) -> int:
        return self.events - self.orders_rows

    def file(self, table: str) -> Path:
        return self.root / f"{table}.parquet"

    @property
    def meta(self) -> dict[str, Any]:
        path = self.root / "meta.json"
        data: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {}
        return data


def sql_string(text: str) -> str:
    """A SQL string literal (quotes doubled): used for file paths and fixed words."""
    return "'" + text.replace("'", "''") + "'"


def sql_list(items: list[str]) -> str:
    return "[" + ", ".join(sql_string(i) for i in items) + "]"


def _u(seed: int, row: str = "i") -> str:
    """A uniform number in [0, 1) from the row number and a seed."""
    return f"((hash({row}, {seed}) % 1000000007) / 1000000007.0)"


def _pick(items: list[str], seed: int, row: str = "i") -> str:
    return f"{sql_list(items)}[1 + (hash({row}, {seed}) % {len(items)})::BIGINT]"


def customers_sql(n: int) -> str:
    asof = AS_OF.strftime("%Y-%m-%d %H:%M:%S")
    us_cities = ["New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Seattle"]
    countries = (
        ["US"] * 6 + ["GB"] * 2 + ["DE"] * 3 + ["FR"] * 2
        + ["NL", "ES", "IT", "CA", "CA", "AU", "JP", "BR", "MX", "SE"]
    )  # fmt: skip
    u = _u
    return f"""
    SELECT
      i AS customer_id,
      CASE WHEN {u(1)} < 0.07 THEN NULL ELSE 18 + floor({u(2)} * 70)::INTEGER END AS age,
      CASE WHEN {u(3)} < 0.48 THEN 'female' WHEN {u(3)} < 0.94 THEN 'male'
           WHEN {u(3)} < 0.97 THEN 'non-binary' END AS gender,
      CASE WHEN {u(4)} < 0.04 THEN NULL ELSE {_pick(countries, 5)} END AS country,
      CASE WHEN {u(6)} < 0.02 THEN NULL ELSE {_pick(us_cities, 7)} END AS us_city,
      CASE WHEN {u(8)} < 0.06 THEN NULL
           WHEN {u(9)} < 0.005 THEN 'staff' || i || '@acme-shop.com'
           WHEN {u(9)} < 0.006 THEN 'Staff' || i || '@ACME-SHOP.COM'
           WHEN {u(9)} < 0.009 THEN 'qa' || i || '+test@gmail.com'
           ELSE 'user' || i || '@' || {_pick(["gmail.com", "yahoo.com", "outlook.com", "web.de"], 10)}
      END AS email,
      CASE WHEN {u(11)} < 0.13 THEN NULL ELSE 1000.0 * (10 + floor({u(12)} * 150)) END AS income,
      CASE WHEN {u(13)} < 0.20 THEN NULL
           WHEN {u(13)} < 0.30 THEN []::VARCHAR[]
           ELSE list_sort(list_distinct([
             {_pick(INTERESTS, 14)}, {_pick(INTERESTS, 15)}, {_pick(INTERESTS, 16)}
           ][1:1 + (hash(i, 17) % 3)::BIGINT]))
      END AS interests,
      CASE WHEN {u(18)} < 0.05 THEN NULL ELSE {_pick(["ios", "android", "desktop"], 19)} END AS device,
      DATE '2022-01-01' + (hash(i, 20) % 1641)::INTEGER AS signup_date,
      CASE WHEN {u(21)} < 0.05 THEN NULL
           ELSE TIMESTAMP '{asof}' - to_microseconds(
             (pow({u(22)}, 2) * 400 * 86400e6)::BIGINT - 21600000000)
      END AS last_seen,
      CASE WHEN {u(23)} < 0.03 THEN NULL ELSE {u(24)} < 0.55 END AS is_subscribed,
      (hash(i, 25) % 4)::INTEGER AS holdout
    FROM range(1, {n} + 1) AS t(i)
    """


def customers_final(n: int) -> str:
    # city follows the country: one of six US cities, else a city named after the country
    return f"""
    SELECT customer_id, age, gender, country,
      CASE WHEN country = 'US' THEN us_city
           WHEN country IS NULL THEN NULL
           ELSE country || '-' || (customer_id % 5) END AS city,
      email, income, interests, device, signup_date, last_seen, is_subscribed, holdout
    FROM ({customers_sql(n)})
    """


def _time(rows: int, row: str) -> str:
    """Timestamps in row order over the history (plus a few days after the as-of
    instant), at microsecond resolution, as an append-only log."""
    start = (AS_OF - dt.timedelta(days=HISTORY_DAYS)).strftime("%Y-%m-%d %H:%M:%S")
    span_us = (HISTORY_DAYS + FUTURE_DAYS) * 86400 * 1_000_000
    return (
        f"TIMESTAMP '{start}' + to_microseconds("
        f"(({row} + {_u(2, row)}) * {span_us} / {rows})::BIGINT)"
    )


def _customer(n: int, seed: int, skew: float, row: str) -> str:
    # skewed activity: density ∝ x^(1/skew − 1), so low ids buy and browse much more;
    # 0.1% of the rows belong to ids that are not customers (deleted accounts)
    return (
        f"CASE WHEN {_u(seed + 1, row)} < 0.001 THEN {n} + 1 + (hash({row}, {seed + 2}) % 1000)::BIGINT "
        f"ELSE 1 + floor({n} * pow({_u(seed, row)}, {skew}))::BIGINT END"
    )


def orders_sql(n_customers: int, rows: int) -> str:
    return f"""
    SELECT
      j AS order_id,
      {_customer(n_customers, 30, 2.5, "j")} AS customer_id,
      {_time(rows, "j")} AS ordered_at,
      0.5 * (10 + floor(pow({_u(33, "j")}, 3) * 4000)) AS amount,
      CASE WHEN {_u(34, "j")} < 0.08 THEN 'refunded' ELSE 'paid' END AS status,
      {_pick(CATEGORIES, 35, "j")} AS category
    FROM range({rows}) AS t(j)
    """


def events_sql(n_customers: int, rows: int) -> str:
    pages = ["/", "/", "/search", "/sale", "/sale/summer", "/SALE/outlet", "/account"]
    return f"""
    SELECT
      k AS event_id,
      {_customer(n_customers, 40, 2.0, "k")} AS user_id,
      {_time(rows, "k")} AS ts,
      CASE WHEN {_u(43, "k")} < 0.80 THEN 'page_view'
           WHEN {_u(43, "k")} < 0.92 THEN 'add_to_cart' ELSE 'login' END AS event_name,
      CASE WHEN {_u(43, "k")} >= 0.92 THEN NULL
           WHEN {_u(43, "k")} < 0.40 THEN {_pick(pages, 44, "k")}
           WHEN {_u(45, "k")} < 0.02 THEN '/Product/Electronics-' || (hash(k, 46) % 500)
           ELSE '/product/' || {_pick(CATEGORIES, 47, "k")} || '-' || (hash(k, 46) % 500)
      END AS page
    FROM range({rows}) AS t(k)
    """


def dataset_dir(data: Path, customers: int, events: int) -> Path:
    return data / f"c{customers}-e{events}-v{GENERATOR_VERSION}"


def ensure(data: Path, customers: int, events: int, quiet: bool = False) -> Dataset:
    """The dataset with these parameters: generated unless a matching one is cached."""
    import duckdb

    root = dataset_dir(data, customers, events)
    ds = Dataset(root, customers, events)
    meta = ds.meta
    if meta.get("duckdb") == duckdb.__version__ and all(
        ds.file(t).is_file() for t in ("customers", "orders", "events")
    ):
        return ds
    data.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=root.name + ".", dir=data))
    start = time.perf_counter()
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET preserve_insertion_order = true")
        parts = {
            "customers": customers_final(customers),
            "orders": orders_sql(customers, ds.orders_rows),
            "events": events_sql(customers, ds.web_rows),
        }
        for table, query in parts.items():
            target = sql_string(str(tmp / f"{table}.parquet"))
            con.execute(f"COPY ({query}) TO {target} (FORMAT parquet, COMPRESSION zstd)")
    finally:
        con.close()
    seconds = time.perf_counter() - start
    (tmp / "meta.json").write_text(
        json.dumps(
            {
                "customers": customers,
                "events": events,
                "orders_rows": ds.orders_rows,
                "web_rows": ds.web_rows,
                "generator_version": GENERATOR_VERSION,
                "duckdb": duckdb.__version__,
                "seconds": round(seconds, 2),
            },
            indent=2,
        )
    )
    if root.exists():
        shutil.rmtree(root)
    tmp.rename(root)
    if not quiet:
        print(f"generated {root} in {seconds:.1f} s", flush=True)
    return ds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ns = parser.parse_args()
    ds = ensure(ns.data, ns.customers, ns.events)
    print(ds.root)


if __name__ == "__main__":
    main()
