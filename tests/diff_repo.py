"""A small project in a real git repository, for the `segdsl diff` tests, and a plain-Python
oracle of its segments.

The data (customers with missing ages and countries, orders before and after the as-of
instant) is written to Parquet by DuckDB from Python rows; the oracle computes each
segment's members from the same rows, without SQL.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

AS_OF = dt.datetime(2026, 6, 30)

CATALOG = """\
[project]
name = "shop"
default_entity = "customer"

[entity.customer]
source = "data/customers.parquet"
key = "customer_id"

[entity.customer.attributes]
age = "integer"
country = "string"

[event.purchase]
source = "data/orders.parquet"
entity = "customer"
key = "customer_id"
timestamp = "ordered_at"

[event.purchase.fields]
amount = "number"
"""

MEASURES_V1 = """\
measure buys_90d = count(purchase in last 90 days)
measure spend    = sum(purchase.amount)
"""

MEASURES_V3 = MEASURES_V1.replace("in last 90 days", "in last 60 days")

CORE_V1 = """\
segment young
  where age 25..34 and country is set

segment active_us
  where country = "US" and buys_90d >= 1

segment frequent
  where buys_90d >= 2

segment young_buyers
  where in segment young and spend > 0

segment old_name
  where age > 50
"""

CORE_V2 = CORE_V1.replace("age 25..34", "age 25..40").replace("old_name", "seniors")

CORE_WORKING = CORE_V2.replace(
    "where buys_90d >= 2", 'where buys_90d >= 2 and country != "FR"'
).replace("segment young_buyers\n", 'segment young_buyers\n  title "Young buyers"\n')

EXTRA = 'segment germans\n  where country = "DE"\n'
NEW = "segment idle\n  where buys_90d = 0\n"

GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_DATE": "2026-06-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-06-01T00:00:00Z",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo.parent)}
    proc = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "-c", "commit.gpgsign=false", "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


# ---- data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Customer:
    id: int
    age: int | None
    country: str | None


@dataclass(frozen=True)
class Order:
    customer_id: int
    ordered_at: dt.datetime
    amount: float | None


def customers() -> list[Customer]:
    countries = ["US", "DE", "FR", None, "US", "GB"]
    return [
        Customer(i, None if i % 7 == 0 else 18 + (i * 7) % 50, countries[i % 6])
        for i in range(1, 61)
    ]


def orders() -> list[Order]:
    out = []
    for i in range(1, 61):
        for k in range(i % 4):
            days = (i * 11 + k * 37) % 130
            amount = None if (i + k) % 9 == 0 else float(5 + (i * k) % 40)
            out.append(Order(i, AS_OF - dt.timedelta(days=days) + dt.timedelta(hours=1), amount))
        if i % 5 == 0:  # after the as-of instant: must not count
            out.append(Order(i, AS_OF + dt.timedelta(days=2), 10.0))
    return out


def write_data(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    try:
        con.execute("CREATE TABLE c (customer_id BIGINT, age BIGINT, country VARCHAR)")
        con.executemany(
            "INSERT INTO c VALUES (?, ?, ?)", [(c.id, c.age, c.country) for c in customers()]
        )
        con.table("c").write_parquet(str(folder / "customers.parquet"))
        con.execute("CREATE TABLE o (customer_id BIGINT, ordered_at TIMESTAMP, amount DOUBLE)")
        con.executemany(
            "INSERT INTO o VALUES (?, ?, ?)",
            [(o.customer_id, o.ordered_at, o.amount) for o in orders()],
        )
        con.table("o").write_parquet(str(folder / "orders.parquet"))
    finally:
        con.close()


# ---- the oracle ---------------------------------------------------------------------------


def buys(c: Customer, days: int, as_of: dt.datetime = AS_OF) -> int:
    start = as_of - dt.timedelta(days=days)
    return sum(1 for o in orders() if o.customer_id == c.id and start < o.ordered_at <= as_of)


def spend(c: Customer, as_of: dt.datetime = AS_OF) -> float:
    return sum(
        o.amount
        for o in orders()
        if o.customer_id == c.id and o.ordered_at <= as_of and o.amount is not None
    )


def members(rule: Callable[[Customer], bool]) -> set[int]:
    return {c.id for c in customers() if rule(c)}


def young(hi: int) -> Callable[[Customer], bool]:
    return lambda c: c.age is not None and 25 <= c.age <= hi and c.country is not None


def versions() -> dict[str, dict[str, set[int]]]:
    """Each segment's members in the base (v1), the head commit (v3) and the working tree."""
    v1 = {
        "young": members(young(34)),
        "active_us": members(lambda c: c.country == "US" and buys(c, 90) >= 1),
        "frequent": members(lambda c: buys(c, 90) >= 2),
        "young_buyers": members(lambda c: young(34)(c) and spend(c) > 0),
        "old_name": members(lambda c: c.age is not None and c.age > 50),
        "germans": members(lambda c: c.country == "DE"),
    }
    v3 = {
        "young": members(young(40)),
        "active_us": members(lambda c: c.country == "US" and buys(c, 60) >= 1),
        "frequent": members(lambda c: buys(c, 60) >= 2),
        "young_buyers": members(lambda c: young(40)(c) and spend(c) > 0),
        "seniors": members(lambda c: c.age is not None and c.age > 50),
        "idle": members(lambda c: buys(c, 60) == 0),
    }
    # `country != "FR"` includes customers whose country is missing.
    work = dict(v3, frequent=members(lambda c: buys(c, 60) >= 2 and c.country != "FR"))
    return {"v1": v1, "v3": v3, "work": work}


@dataclass(frozen=True)
class Repo:
    root: Path  # the repository
    project: Path  # the project folder inside it
    c1: str
    c2: str
    c3: str


def make_repo(tmp: Path) -> Repo:
    """Three commits and working-tree changes:

    - c1: the catalog, the data, measures.seg, core.seg and extra.seg;
    - c2: the range of `young` widened (25..34 → 25..40), `old_name` renamed `seniors`;
    - c3: `buys_90d` counts 60 days instead of 90 (used by `active_us` and `frequent`),
      extra.seg deleted, new.seg added;
    - working tree: `frequent` gains `and country != "FR"`, `young_buyers` a title.
    """
    root = tmp / "repo"
    project = root / "shop"
    project.mkdir(parents=True)
    git(root, "init", "-q")
    (project / "segdsl.toml").write_text(CATALOG)
    write_data(project / "data")
    (project / "measures.seg").write_text(MEASURES_V1)
    (project / "core.seg").write_text(CORE_V1)
    (project / "extra.seg").write_text(EXTRA)
    c1 = commit(root, "first")
    (project / "core.seg").write_text(CORE_V2)
    c2 = commit(root, "widen young, rename old_name")
    (project / "measures.seg").write_text(MEASURES_V3)
    (project / "extra.seg").unlink()
    (project / "new.seg").write_text(NEW)
    c3 = commit(root, "60 days; idle; no germans")
    (project / "core.seg").write_text(CORE_WORKING)
    return Repo(root, project, c1, c2, c3)
