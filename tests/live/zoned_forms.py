"""A small project in a time zone with data on the edges of rolling months and calendar
periods, for tests/live/test_zoned_forms.py: values at local midnights, on both 2026
switches of summer time (Berlin 29 March / 25 October, New York 8 March / 1 November),
on month ends 28–31 (clamped days), exactly T − N months for the instants looked at and
a microsecond either side, and missing values."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb

import segdsl
from segdsl.semantic.ir import Duration
from segdsl.semantic.timecalc import local_to_utc, minus_in_zone, utc_to_local

CATALOG = """
[project]
name = "zoned_forms"
default_entity = "customer"
dialect = "duckdb"
timezone = "{zone}"

[entity.customer]
source = "data/customers.parquet"
key = "customer_id"

[entity.customer.attributes]
last_seen = "timestamp"
signup_date = "date"

[event.purchase]
source = "data/orders.parquet"
entity = "customer"
key = "customer_id"
timestamp = "ordered_at"

[event.purchase.fields]
amount = "number"

[event.add_to_cart]
source = "data/events.parquet"
entity = "customer"
key = "user_id"
timestamp = "ts"
kind = {{ column = "event_name", value = "add_to_cart" }}

[event.store_visit]
source = "data/visits.parquet"
entity = "customer"
key = "customer_id"
timestamp = {{ column = "visit_date", type = "date" }}
"""

RULES = """
# rolling months and years on a timestamp attribute
segment seen_1m where last_seen in last 1 month
segment seen_not_4m where last_seen not in last 4 months
segment seen_1y where last_seen in last 1 year
segment before_6m where last_seen before 6 months ago
segment after_2m where last_seen after 2 months ago
segment since_3m where last_seen >= 3 months ago
segment upto_1m where last_seen <= 1 month ago
segment seen_3m_to_1m where last_seen between 3 months ago and 1 month ago
segment seen_13m_to_12m where last_seen 13 months ago..12 months ago

# … in aggregates on timestamped events
segment bought_3m where did purchase in last 3 months
segment bought_twice_1y where count(purchase in last 1 year) >= 2
segment bought_12m_to_6m where count(purchase between 12 months ago and 6 months ago) >= 1
segment bought_2m_to_1m where did purchase between 2 months ago and 1 month ago
segment spent_1m where sum(purchase.amount in last 1 month) > 50
segment spent_most_2m where max(purchase.amount in last 2 months) >= 30
segment last_buy_1m where last(purchase) in last 1 month
segment first_buy_before_4m where first(purchase) before 4 months ago
segment carts_6m where count(add_to_cart in last 6 months) >= 2
segment not_bought_1m where did not purchase in last 1 month

# … and on a sequence's first event
segment rebuy_2m where did purchase in last 2 months then purchase within 3 days
segment cart_1m_no_buy where did add_to_cart in last 1 month then not purchase within 2 days
segment rebuy_6m_to_1m where did purchase between 6 months ago and 1 month ago then purchase within 1 week

# calendar windows on a sequence's first event
segment rebuy_this_month where did purchase in this month then purchase within 3 days
segment cart_this_week_no_buy where did add_to_cart in this week then not purchase within 1 day
segment cart_prev_month_buy where did add_to_cart in previous month then purchase within 2 days
segment buy_prev_2_months_no_rebuy where did purchase in previous 2 months then not purchase within 1 week
segment visit_this_month_again where did store_visit in this month then store_visit within 3 days
segment visit_prev_quarter_no_return where did store_visit in previous quarter then not store_visit within 1 week
segment buy_this_year_rebuy where did purchase in this year then purchase within 1 day

# dates (already exact) and a timestamp met by a date literal, for company
segment signed_3m where signup_date in last 3 months
segment signed_before_1m where signup_date before 1 month ago
segment visited_2m where did store_visit in last 2 months
segment seen_on_switch_day where last_seen = 2026-03-29 or last_seen = 2026-10-25
segment seen_after_switch_day where last_seen after 2026-11-01
"""

SWITCH_DAYS = {
    "Europe/Berlin": ("2026-03-29", "2026-10-25", "2025-03-30", "2025-10-26"),
    "America/New_York": ("2026-03-08", "2026-11-01", "2025-03-09", "2025-11-02"),
}
WALLS = (
    dt.time(0),
    dt.time(0, 30),
    dt.time(1, 30),
    dt.time(2),
    dt.time(2, 30),
    dt.time(3),
    dt.time(12),
    dt.time(23, 59, 59, 999999),
)
E = dt.timedelta(microseconds=1)
MONTHS = (1, 2, 3, 4, 6, 12, 13)


def grid_days(zone: str) -> list[dt.date]:
    """Local days on the edges: month ends and starts, the switch days and their
    neighbours, from December 2024 to January 2027."""
    days: set[dt.date] = set()
    d = dt.date(2024, 12, 1)
    while d <= dt.date(2027, 1, 31):
        nxt = d + dt.timedelta(days=1)
        if d.day in (1, 28, 29, 30, 31) or nxt.day == 1:
            days.add(d)
        d = nxt
    for text in SWITCH_DAYS[zone]:
        s = dt.date.fromisoformat(text)
        days |= {s - dt.timedelta(days=1), s, s + dt.timedelta(days=1)}
    return sorted(days)


def local_instants(zone: str, day: dt.date) -> set[dt.datetime]:
    """Each wall time of WALLS on ``day`` as instants (both readings of a repeated hour,
    and the reading of a skipped one)."""
    import zoneinfo

    out = set()
    for w in WALLS:
        local = dt.datetime.combine(day, w)
        for fold in (0, 1):
            aware = local.replace(tzinfo=zoneinfo.ZoneInfo(zone), fold=fold)
            out.add(aware.astimezone(dt.UTC).replace(tzinfo=None))
    return out


def instants(zone: str) -> list[dt.datetime]:
    """The instants looked at: local midnights and the switch hours of 2026, month ends,
    period starts (Mondays, months, quarters, the year), between events, and a
    microsecond before each."""
    out: set[dt.datetime] = set()
    picks = [
        "2026-01-01",
        "2026-01-31T12:00",
        "2026-02-28T23:59:59.999999",
        "2026-03-01",
        "2026-03-28T12:00",
        "2026-03-30",
        "2026-03-31",
        "2026-04-01",
        "2026-04-06",  # a Monday
        "2026-04-29T02:30",
        "2026-04-30T00:30",
        "2026-05-31",
        "2026-06-29T12:00",
        "2026-06-30",
        "2026-07-01",
        "2026-08-31T23:59:59.999999",
        "2026-09-29T03:00",
        "2026-09-30T02:00",
        "2026-10-01",
        "2026-10-26",
        "2026-11-02",
        "2026-11-30",
        "2026-12-31T12:00",
        "2027-01-01",
    ]
    for text in picks:
        t = local_to_utc(dt.datetime.fromisoformat(text), zone)
        out |= {t, t - E}
    for text in SWITCH_DAYS[zone][:2]:
        day = dt.date.fromisoformat(text)
        for t in local_instants(zone, day):
            out |= {t, t - E}
    return sorted(out)


def edge_values(zone: str, at: list[dt.datetime], rng: random.Random) -> list[dt.datetime]:
    """Timestamps on the grid, and exactly T − N months (± 1 µs) for instants T."""
    grid = sorted({t for d in grid_days(zone) for t in local_instants(zone, d)})
    values = set(rng.sample(grid, 260))
    for t in at[::3]:
        for n in MONTHS:
            b = minus_in_zone(t, Duration(n, "month"), zone)
            values |= {b, b - E, b + E}
    return sorted(values)


def build(root: Path, zone: str, seed: int = 7) -> tuple[segdsl.Project, list[dt.datetime]]:
    """Write the project and its data under ``root``; the instants to look at."""
    rng = random.Random(seed)
    at = instants(zone)
    values = edge_values(zone, at, rng)
    customers: list[tuple[Any, ...]] = []
    orders: list[tuple[Any, ...]] = []
    carts: list[tuple[Any, ...]] = []
    visits: list[tuple[Any, ...]] = []
    days = grid_days(zone)
    for key, seen in enumerate(values, start=1):
        signup = rng.choice(days) if rng.random() < 0.9 else None
        customers.append((key, seen, signup))
        # events near the attribute's value (on the same edges), some missing amounts
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            t = rng.choice(values) if rng.random() < 0.7 else seen
            if rng.random() < 0.3:
                t += rng.choice((dt.timedelta(days=1), dt.timedelta(days=3), E, -E))
            amount = rng.choice((None, 10, 30, 45, 60))
            orders.append((key, t, amount))
        for _ in range(rng.choice((0, 1, 2))):
            t = seen - rng.choice((dt.timedelta(days=1), dt.timedelta(days=2), E, 0 * E))
            carts.append((key, t, "add_to_cart"))
        for _ in range(rng.choice((0, 0, 1, 2))):
            day = utc_to_local(seen, zone).date()
            visits.append((key, day + dt.timedelta(days=rng.choice((0, 1, 3, 4, 8)))))
    customers.append((len(values) + 1, None, None))  # every attribute missing, no events
    data = root / "data"
    data.mkdir(parents=True)
    con = duckdb.connect()
    tables = {
        "customers": ("customer_id INTEGER, last_seen TIMESTAMP, signup_date DATE", customers),
        "orders": ("customer_id INTEGER, ordered_at TIMESTAMP, amount DECIMAL(10, 2)", orders),
        "events": ("user_id INTEGER, ts TIMESTAMP, event_name VARCHAR", carts),
        "visits": ("customer_id INTEGER, visit_date DATE", visits),
    }
    for name, (columns, rows) in tables.items():
        con.execute(f"CREATE TABLE {name} ({columns})")
        marks = ", ".join("?" for _ in columns.replace("10, 2", "").split(","))
        con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        con.execute(f"COPY {name} TO '{data / name}.parquet' (FORMAT PARQUET)")
    con.close()
    (root / "segdsl.toml").write_text(CATALOG.format(zone=zone), encoding="utf-8")
    (root / "rules.seg").write_text(RULES, encoding="utf-8")
    return segdsl.load_project(root), at


def read_tables(root: Path) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name in ("customers", "orders", "events", "visits"):
        cur = duckdb.sql(f"SELECT * FROM read_parquet('{root / 'data' / name}.parquet')")
        out[name] = [dict(zip(cur.columns, row, strict=True)) for row in cur.fetchall()]
    return out
