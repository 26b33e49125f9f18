"""`segdsl lift` and `segdsl profile` at scale, side by side with the way an analyst
would do it without them (every member's number read into Python, then SciPy/pandas).

    python benchmarks/measure.py                    # 200,000 customers, ~1.2M orders
    python benchmarks/measure.py --customers 20000  # smaller

Generates a project in a temporary folder (customers and orders as Parquet, through
DuckDB), then times, median of --reps runs:

  lift        segdsl's one statement (membership at T0, metric over [T0, T1), CUPED
              covariate, sums per group) + the statistics in Python
  lift-rows   the same groups and per-member metric read row by row into Python,
              then scipy.stats.ttest_ind (the numbers are checked to agree)
  profile     segdsl profile of the treated group against everyone
  profile-df  the customers with one measure read into pandas, then value_counts,
              mean and quantile per attribute

and prints the rows each method moved from the engine into Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

T0, T1 = dt.datetime(2026, 7, 1), dt.datetime(2026, 7, 31)

CATALOG = """
[project]
name = "measure-bench"
default_entity = "customer"

[entity.customer]
source = "data/customers.parquet"
key = "customer_id"

[entity.customer.attributes]
age = "integer"
country = "string"
device = "string"
income = "number"

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
segment audience where age >= 18
segment treated where in segment audience and not sample 10% seed "bench"
segment holdout where in segment audience and sample 10% seed "bench"
measure spend_365d = sum(purchase.amount in last 365 days where status = "paid")
"""


def generate(root: Path, customers: int) -> None:
    (root / "data").mkdir(parents=True)
    (root / "segdsl.toml").write_text(CATALOG, encoding="utf-8")
    (root / "rules.seg").write_text(RULES, encoding="utf-8")
    con = duckdb.connect(":memory:")
    con.execute("SELECT setseed(0.16)")
    con.execute(
        """CREATE TABLE customers AS SELECT i AS customer_id,
             CASE WHEN random() < 0.05 THEN NULL ELSE 16 + CAST(random() * 60 AS INT) END AS age,
             ['US','GB','DE','FR','NL'][1 + CAST(floor(random() * 5) AS INT)] AS country,
             ['ios','android','desktop'][1 + CAST(floor(random() * 3) AS INT)] AS device,
             CASE WHEN random() < 0.1 THEN NULL
                  ELSE round(20000 + random() * 80000) END AS income
           FROM range(1, ? + 1) t(i)""",
        [customers],
    )
    con.execute(
        """CREATE TABLE orders AS SELECT customer_id,
             TIMESTAMP '2025-07-31'
               + to_seconds(CAST(random() * 365 * 86400 AS BIGINT)) AS ordered_at,
             round(5 + random() * 120, 2) AS amount,
             CASE WHEN random() < 0.06 THEN 'refunded' ELSE 'paid' END AS status
           FROM customers JOIN range(12) r(j) ON random() < 0.5"""
    )
    for table in ("customers", "orders"):
        con.execute(f"COPY {table} TO '{root / 'data' / table}.parquet' (FORMAT parquet)")
    n = con.execute("SELECT count(*) FROM orders").fetchone()
    print(f"data: {customers:,} customers, {n[0] if n else 0:,} orders")
    con.close()


def timed(fn: Callable[[], Any], reps: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(reps):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()

    import scipy.stats as ss

    import segdsl
    from segdsl.tools.measure.lift import lift
    from segdsl.tools.measure.profile import profile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        generate(root, args.customers)
        project = segdsl.load_project(root)
        metric = 'sum(purchase.amount where status = "paid")'

        def run_lift() -> Any:
            return lift(project, "treated", "holdout", metric, T0, T1, pre_days=30)

        def run_rows() -> Any:
            ev = project.evaluate(["treated", "holdout"], T0)
            con = duckdb.connect(":memory:")
            rows = con.execute(
                "SELECT customer_id, sum(amount) FROM read_parquet(?) WHERE status = 'paid' "
                "AND ordered_at >= ? AND ordered_at < ? GROUP BY customer_id",
                [str(root / "data" / "orders.parquet"), T0, T1],
            ).fetchall()
            con.close()
            spend = dict(rows)
            t = [float(spend.get(k, 0.0)) for k in ev.members("treated")]
            c = [float(spend.get(k, 0.0)) for k in ev.members("holdout")]
            moved = len(rows) + len(t) + len(c)
            return ss.ttest_ind(t, c, equal_var=False), moved

        def run_profile() -> Any:
            return profile(project, "treated", as_of=T0)

        def run_df() -> Any:
            con = duckdb.connect(":memory:")
            df = con.execute(
                "SELECT * FROM read_parquet(?)", [str(root / "data" / "customers.parquet")]
            ).df()
            spend = con.execute(
                "SELECT customer_id, sum(amount) AS s FROM read_parquet(?) WHERE status = 'paid' "
                "AND ordered_at > ? AND ordered_at <= ? GROUP BY customer_id",
                [str(root / "data" / "orders.parquet"), T0 - dt.timedelta(days=365), T0],
            ).df()
            con.close()
            by_id = dict(zip(spend.customer_id, spend.s, strict=True))
            df["spend_365d"] = df.customer_id.map(by_id).fillna(0)
            members = set(project.evaluate(["treated"], T0).members("treated"))
            seg = df[df.customer_id.isin(members)]
            out = {}
            for frame in (seg, df):
                for c in ("country", "device"):
                    out[c] = frame[c].value_counts(normalize=True, dropna=False)
                for c in ("age", "income", "spend_365d"):
                    out[c] = (frame[c].mean(), frame[c].quantile([0.25, 0.5, 0.75]))
            return out, len(df) + len(spend) + len(members)

        t_lift, r = timed(run_lift, args.reps)
        t_rows, (ref, moved) = timed(run_rows, args.reps)
        assert abs(r.welch.p_value - ref.pvalue) <= 1e-9 * max(ref.pvalue, 1e-300)
        t_prof, _ = timed(run_profile, args.reps)
        t_df, (_, moved_df) = timed(run_df, args.reps)
        print(f"{'method':<12} {'seconds':>8}  rows into Python")
        print(f"{'lift':<12} {t_lift:>8.2f}  3 (one per group: treated, control, both)")
        print(f"{'lift-rows':<12} {t_rows:>8.2f}  {moved:,}")
        print(f"{'profile':<12} {t_prof:>8.2f}  under 100 (values, sums, order statistics)")
        print(f"{'profile-df':<12} {t_df:>8.2f}  {moved_df:,}")


if __name__ == "__main__":
    main()
