"""Generate the B2B example's data: Parquet files under ``data/``.

    python examples/b2b/generate.py

Deterministic (fixed SEED); only the standard library and duckdb are used. Every
timestamp is before 2026-06-30T00:00:00, so ``--as-of 2026-06-30`` sees all of the data.

- ``accounts.parquet``  1,000 companies (firmographics and tech stack)
- ``deals.parquet``     closed deals (won or lost), 2024-07-01 .. 2026-06-29
- ``tickets.parquet``   support tickets, 2024-07-01 .. 2026-06-29
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import tempfile
from pathlib import Path

import duckdb

SEED = 4242
N_ACCOUNTS = 1_000
DATA_START = dt.datetime(2024, 7, 1)
DATA_END = dt.datetime(2026, 6, 30)  # exclusive
OUT = Path(__file__).resolve().parent / "data"

INDUSTRIES = [
    ("software", 22), ("fintech", 9), ("manufacturing", 14), ("retail", 12),
    ("healthcare", 10), ("logistics", 8), ("media", 7), ("education", 6),
    ("energy", 5), ("public_sector", 4),
]  # fmt: skip
COUNTRIES = [
    ("US", 38), ("GB", 12), ("DE", 12), ("FR", 8), ("NL", 5), ("CA", 6), ("SE", 4),
    ("IN", 6), ("AU", 4), ("BR", 5),
]  # fmt: skip
TECH = [
    ("aws", 45), ("azure", 25), ("gcp", 18), ("kubernetes", 22), ("snowflake", 14),
    ("databricks", 8), ("salesforce", 30), ("hubspot", 20), ("sap", 12), ("slack", 40),
    ("teams", 30), ("shopify", 8), ("postgres", 30), ("oracle", 10),
]  # fmt: skip
NAME_A = ["Blue", "North", "Bright", "Iron", "Quantum", "Silver", "Green", "Rapid", "Nova",
          "Summit", "Pixel", "Harbor", "Atlas", "Cedar", "Vertex", "Orbit"]  # fmt: skip
NAME_B = ["Labs", "Systems", "Works", "Logistics", "Health", "Foods", "Media", "Energy",
          "Analytics", "Robotics", "Partners", "Goods", "Networks", "Capital"]  # fmt: skip
PRODUCTS = ["platform", "api", "billing", "integrations", "reporting"]


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def instant(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    t = start + dt.timedelta(seconds=rng.random() * (end - start).total_seconds())
    return t.replace(microsecond=0)


def make_accounts(rng: random.Random) -> list[dict]:
    accounts = []
    for aid in range(1, N_ACCOUNTS + 1):
        industry = pick(rng, INDUSTRIES)
        # company size: heavy-tailed, from a handful of people to tens of thousands
        employees = min(120_000, max(3, round(rng.lognormvariate(math.log(120), 1.7))))
        founded = 2025 - min(120, round(rng.expovariate(1 / 14)))
        young = founded >= 2018
        growth = rng.lognormvariate(0.15 if young else 0.03, 0.2)
        prev = max(1, round(employees / growth))
        per_head = {"software": 180_000, "fintech": 260_000, "retail": 140_000}.get(
            industry, 150_000
        )
        revenue = round(employees * per_head * rng.lognormvariate(0, 0.5), -3)
        stack_size = min(len(TECH), 1 + int(math.log10(employees) * 2) + rng.randint(0, 2))
        stack = sorted(set(pick(rng, TECH) for _ in range(stack_size)))
        accounts.append(
            {
                "account_id": aid,
                "name": f"{rng.choice(NAME_A)} {rng.choice(NAME_B)} {aid}",
                "industry": industry,
                "employees": employees if rng.random() > 0.03 else None,
                "employees_prev_year": prev if rng.random() > 0.08 else None,
                "revenue": revenue if rng.random() > 0.1 else None,
                "country": pick(rng, COUNTRIES),
                "founded_year": founded,
                "tech_stack": stack if rng.random() > 0.05 else None,
            }
        )
    return accounts


def make_deals_and_tickets(rng: random.Random, accounts: list[dict]) -> tuple[list, list]:
    deals, tickets = [], []
    for a in accounts:
        size = a["employees"] or 50
        # bigger companies do more and bigger deals; a quarter never closed one with us
        if rng.random() < 0.25:
            continue
        n_deals = 1 + int(rng.expovariate(1 / (1 + math.log10(size))))
        for _ in range(n_deals):
            value = round(2_000 * (size**0.45) * rng.lognormvariate(0, 0.7), -2)
            stage = "won" if rng.random() < 0.55 else "lost"
            deals.append((a["account_id"], instant(rng, DATA_START, DATA_END), value, stage))
        # customers (a won deal) open support tickets
        if any(d[0] == a["account_id"] and d[3] == "won" for d in deals[-n_deals:]):
            for _ in range(int(rng.expovariate(1 / (2 + math.log10(size) * 3)))):
                tickets.append(
                    (
                        a["account_id"],
                        instant(rng, DATA_START, DATA_END),
                        pick(rng, [("low", 50), ("normal", 35), ("high", 12), ("urgent", 3)]),
                        rng.choice(PRODUCTS),
                    )
                )
            # a few customers are having a rough time lately: a burst of tickets
            if rng.random() < 0.06:
                for _ in range(rng.randint(3, 12)):
                    tickets.append(
                        (
                            a["account_id"],
                            instant(rng, DATA_END - dt.timedelta(days=100), DATA_END),
                            pick(rng, [("normal", 40), ("high", 45), ("urgent", 15)]),
                            rng.choice(PRODUCTS),
                        )
                    )
    return deals, tickets


def write(con, tmp: Path, name: str, rows, columns: dict[str, str], order_by: str) -> None:
    src = tmp / f"{name}.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, default=str) + "\n")
    cols = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
    target = OUT / f"{name}.parquet"
    con.execute(
        f"COPY (SELECT * FROM read_json('{src}', format = 'newline_delimited', "
        f"columns = {{{cols}}}) ORDER BY {order_by}) "
        f"TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
    )
    n = con.execute(f"SELECT count(*) FROM '{target}'").fetchone()[0]
    print(f"{target.relative_to(OUT.parent)}: {n:,} rows, {target.stat().st_size / 1e3:.0f} kB")


def main() -> None:
    rng = random.Random(SEED)
    accounts = make_accounts(rng)
    deals, tickets = make_deals_and_tickets(rng, accounts)
    OUT.mkdir(exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute("SET threads = 1")
    with tempfile.TemporaryDirectory() as tmp:
        write(
            con,
            Path(tmp),
            "accounts",
            accounts,
            {
                "account_id": "INTEGER",
                "name": "VARCHAR",
                "industry": "VARCHAR",
                "employees": "INTEGER",
                "employees_prev_year": "INTEGER",
                "revenue": "DOUBLE",
                "country": "VARCHAR",
                "founded_year": "INTEGER",
                "tech_stack": "VARCHAR[]",
            },
            "account_id",
        )
        deals.sort(key=lambda d: (d[1], d[0]))
        write(
            con,
            Path(tmp),
            "deals",
            (
                {"deal_id": i, "account_id": a, "closed_at": t, "value": v, "stage": s}
                for i, (a, t, v, s) in enumerate(deals, start=1)
            ),
            {
                "deal_id": "INTEGER",
                "account_id": "INTEGER",
                "closed_at": "TIMESTAMP",
                "value": "DOUBLE",
                "stage": "VARCHAR",
            },
            "deal_id",
        )
        tickets.sort(key=lambda t: (t[1], t[0]))
        write(
            con,
            Path(tmp),
            "tickets",
            (
                {"ticket_id": i, "account_id": a, "opened_at": t, "priority": p, "product": pr}
                for i, (a, t, p, pr) in enumerate(tickets, start=1)
            ),
            {
                "ticket_id": "INTEGER",
                "account_id": "INTEGER",
                "opened_at": "TIMESTAMP",
                "priority": "VARCHAR",
                "product": "VARCHAR",
            },
            "ticket_id",
        )


if __name__ == "__main__":
    main()
