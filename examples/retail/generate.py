"""Generate the retail example's data: three Parquet files under ``data/``.

    python examples/retail/generate.py            # writes data/
    python examples/retail/generate.py OUT_DIR    # writes OUT_DIR/ instead

The output is a pure function of SEED: running the script twice gives the same rows.
Only the standard library and duckdb are used. Every timestamp is before
2026-06-30T00:00:00, so ``--as-of 2026-06-30`` (midnight at the start of 30 June, UTC)
sees all of the data.

- ``customers.parquet``  ~5,000 customers (one row each, with latitude/longitude)
- ``orders.parquet``     ~60,000 orders, 2024-07-01 .. 2026-06-29, skewed spend
- ``events.parquet``     ~177,000 web events (page_view, add_to_cart and a few login);
                         about three carts in five are abandoned

After the as-of date, ``orders.parquet`` also holds the summer 2026 campaign's
post-period: the orders of 2026-06-30 .. 2026-07-29 (``add_campaign``), where the
customers who got the e-mails (subscribed, with an address, outside the 10% holdout
of ``sample 10% seed "summer-2026"``) order 50% more often than they would have — the
planted effect that ``segdsl lift`` measures. ``--as-of 2026-06-30`` does not see them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import random
import sys
import tempfile
from pathlib import Path

import duckdb

SEED = 20260630
N_CUSTOMERS = 5_000
TARGET_ORDERS = 60_000
TARGET_BROWSE_EVENTS = 110_000  # page views and abandoned carts not tied to an order

DATA_START = dt.datetime(2024, 7, 1)
DATA_END = dt.datetime(2026, 6, 30)  # exclusive: the last row is on 2026-06-29
SIGNUP_START = dt.date(2023, 1, 1)

OUT = Path(__file__).resolve().parent / "data"

FIRST_NAMES = [
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Leon", "Sofia", "Mateo",
    "Amelia", "Hugo", "Isla", "Elias", "Chloe", "Finn", "Lena", "Arthur", "Zoe", "Louis",
    "Hannah", "Jack", "Grace", "Paul", "Nora", "Marco", "Julia", "Oscar", "Ella", "Theo",
    "Anna", "Max", "Lucia", "Felix", "Clara", "Diego", "Maya", "Ben", "Ines", "Sam",
]  # fmt: skip
LAST_NAMES = [
    "Smith", "Müller", "Garcia", "Rossi", "Martin", "Johnson", "Brown", "Schmidt",
    "Bernard", "Lopez", "Jansen", "Wilson", "Taylor", "Fischer", "Dubois", "Romano",
    "de Vries", "Clark", "O'Neil", "Weber", "Moreau", "Fernandez", "Bianchi", "Lee",
    "Walker", "Becker", "Petit", "Martinez", "Colombo", "Bakker", "Young", "King",
]  # fmt: skip
EMAIL_DOMAINS = [
    ("gmail.com", 40), ("yahoo.com", 10), ("outlook.com", 14), ("icloud.com", 12),
    ("web.de", 6), ("orange.fr", 5), ("btinternet.co.uk", 5), ("hotmail.com", 4),
    ("acme-shop.com", 1),  # the shop's own staff
]  # fmt: skip
# country -> (weight, cities, income multiplier)
COUNTRIES = {
    "US": (34, ["New York", "Los Angeles", "Chicago", "Austin", "Seattle", "Boston"], 1.15),
    "GB": (14, ["London", "Manchester", "Bristol", "Leeds", "Edinburgh"], 1.0),
    "DE": (12, ["Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt"], 1.0),
    "FR": (10, ["Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux"], 0.95),
    "CA": (8, ["Toronto", "Vancouver", "Montreal", "Calgary"], 1.0),
    "ES": (6, ["Madrid", "Barcelona", "Valencia", "Seville"], 0.8),
    "IT": (5, ["Rome", "Milan", "Turin", "Naples"], 0.85),
    "NL": (5, ["Amsterdam", "Rotterdam", "Utrecht", "The Hague"], 1.05),
    "AU": (6, ["Sydney", "Melbourne", "Brisbane", "Perth"], 1.05),
}
# city centres (latitude, longitude in degrees)
CITY_LOCATION = {
    "New York": (40.7128, -74.0060), "Los Angeles": (34.0522, -118.2437),
    "Chicago": (41.8781, -87.6298), "Austin": (30.2672, -97.7431),
    "Seattle": (47.6062, -122.3321), "Boston": (42.3601, -71.0589),
    "London": (51.5072, -0.1276), "Manchester": (53.4808, -2.2426),
    "Bristol": (51.4545, -2.5879), "Leeds": (53.8008, -1.5491),
    "Edinburgh": (55.9533, -3.1883), "Berlin": (52.5200, 13.4050),
    "Munich": (48.1351, 11.5820), "Hamburg": (53.5511, 9.9937),
    "Cologne": (50.9375, 6.9603), "Frankfurt": (50.1109, 8.6821),
    "Paris": (48.8566, 2.3522), "Lyon": (45.7640, 4.8357),
    "Marseille": (43.2965, 5.3698), "Toulouse": (43.6047, 1.4442),
    "Bordeaux": (44.8378, -0.5792), "Toronto": (43.6532, -79.3832),
    "Vancouver": (49.2827, -123.1207), "Montreal": (45.5019, -73.5674),
    "Calgary": (51.0447, -114.0719), "Madrid": (40.4168, -3.7038),
    "Barcelona": (41.3874, 2.1686), "Valencia": (39.4699, -0.3763),
    "Seville": (37.3891, -5.9845), "Rome": (41.9028, 12.4964),
    "Milan": (45.4642, 9.1900), "Turin": (45.0703, 7.6869),
    "Naples": (40.8518, 14.2681), "Amsterdam": (52.3676, 4.9041),
    "Rotterdam": (51.9244, 4.4777), "Utrecht": (52.0907, 5.1214),
    "The Hague": (52.0705, 4.3007), "Sydney": (-33.8688, 151.2093),
    "Melbourne": (-37.8136, 144.9631), "Brisbane": (-27.4698, 153.0251),
    "Perth": (-31.9505, 115.8605),
}  # fmt: skip
INTERESTS = [
    "running", "yoga", "fitness", "outdoors", "cooking", "gardening", "home_decor",
    "gaming", "tech", "photography", "fashion", "beauty", "travel", "books", "music",
]  # fmt: skip
CATEGORIES = ["electronics", "fashion", "home", "beauty", "sports", "grocery", "books", "toys"]
# which categories an interest makes more likely
INTEREST_CATEGORY = {
    "running": "sports", "yoga": "sports", "fitness": "sports", "outdoors": "sports",
    "cooking": "grocery", "gardening": "home", "home_decor": "home", "gaming": "electronics",
    "tech": "electronics", "photography": "electronics", "fashion": "fashion",
    "beauty": "beauty", "travel": "fashion", "books": "books", "music": "electronics",
}  # fmt: skip
# typical order value per category
CATEGORY_PRICE = {
    "electronics": 140.0, "fashion": 60.0, "home": 75.0, "beauty": 35.0,
    "sports": 55.0, "grocery": 28.0, "books": 22.0, "toys": 40.0,
}  # fmt: skip
DEVICES = [("ios", 40), ("android", 38), ("desktop", 22)]
NEEDS = [("price", 36), ("quality", 26), ("convenience", 24), ("sustainability", 14)]
GENERAL_PAGES = [
    ("/", 30), ("/search", 14), ("/sale", 10), ("/new-arrivals", 6), ("/account", 5),
    ("/cart", 6), ("/help/shipping", 2), ("/help/returns", 2), ("/blog/style-guide", 2),
    ("/blog/gift-ideas", 2), ("/stores", 1), ("/loyalty", 2),
]  # fmt: skip
# Month-of-year demand: Black Friday and Christmas are busy, January is quiet.
SEASON = {1: 0.8, 2: 0.85, 3: 0.95, 4: 1.0, 5: 1.0, 6: 1.0, 7: 0.95, 8: 0.95, 9: 1.0,
          10: 1.05, 11: 1.45, 12: 1.6}  # fmt: skip


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    values = [v for v, _ in weighted]
    weights = [w for _, w in weighted]
    return rng.choices(values, weights=weights)[0]


def seconds(t: dt.datetime) -> dt.datetime:
    return t.replace(microsecond=0)


def random_instant(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    """A seasonal, daytime-weighted instant in [start, end)."""
    span = (end - start).total_seconds()
    while True:
        t = start + dt.timedelta(seconds=rng.random() * span)
        if rng.random() * 1.6 > SEASON[t.month]:
            continue
        # people shop more in the evening than at 4 am
        if t.hour < 7 and rng.random() < 0.7:
            continue
        return seconds(t)


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def make_customers(rng: random.Random) -> list[dict]:
    customers = []
    signup_days = (dt.date(2026, 6, 29) - SIGNUP_START).days
    for cid in range(1, N_CUSTOMERS + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        # sign-ups grow over time: more recent dates are more likely
        signup = SIGNUP_START + dt.timedelta(days=int(signup_days * rng.random() ** 0.8))
        country = pick(rng, [(c, w) for c, (w, _, _) in COUNTRIES.items()])
        city = rng.choice(COUNTRIES[country][1])
        if rng.random() < 0.04:  # no address on file
            country, city = None, None
        elif rng.random() < 0.03:  # country known, city not
            city = None
        age = max(18, min(85, round(rng.gauss(39, 13))))
        income = None
        if rng.random() > 0.13:
            mult = COUNTRIES[country][2] if country else 1.0
            age_mult = 0.7 + min(age, 55) / 110
            income = round(rng.lognormvariate(math.log(52_000), 0.5) * mult * age_mult, -2)
        if rng.random() < 0.07:
            age = None
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "").replace("ü", "ue")
        if rng.random() < 0.3:
            local += str(rng.randint(1, 99))
        email = f"{local}@{pick(rng, EMAIL_DOMAINS)}" if rng.random() > 0.03 else None
        if rng.random() < 0.004:  # accounts the QA team created to test the shop
            email = f"qa+test{cid}@acme-shop.com"
        r = rng.random()
        if r < 0.06:
            interests = None  # never asked
        elif r < 0.14:
            interests = []  # asked, picked nothing
        else:
            interests = rng.sample(INTERESTS, k=rng.choice([1, 1, 2, 2, 3, 3, 4, 5]))
        need = pick(rng, NEEDS) if rng.random() < 0.62 else None
        device = pick(rng, DEVICES)
        if age is not None and age >= 60 and rng.random() < 0.35:
            device = "desktop"
        customers.append(
            {
                "customer_id": cid,
                "name": f"{first} {last}",
                "email": email,
                "age": age,
                "gender": pick(rng, [("female", 50), ("male", 46), ("non-binary", 2)])
                if rng.random() > 0.03
                else None,
                "country": country,
                "city": city,
                "income": income,
                "interests": interests,
                "device": device,
                "survey_need": need,
                "signup_date": signup,
                "is_subscribed": rng.random() < 0.55,
            }
        )
    return customers


def active_period(rng: random.Random, c: dict) -> tuple[dt.datetime, dt.datetime]:
    """When the customer shops: from sign-up (or the data start) until they churn."""
    start = max(DATA_START, dt.datetime.combine(c["signup_date"], dt.time()))
    end = DATA_END
    if rng.random() < 0.35:  # a third of customers drift away at some point
        churn = start + (end - start) * rng.random()
        end = max(churn, start + dt.timedelta(days=14))
        end = min(end, DATA_END)
    return start, end


def make_orders_and_events(rng: random.Random, customers: list[dict]) -> tuple[list, list]:
    profiles = []
    for c in customers:
        start, end = active_period(rng, c)
        buyer = rng.random() > 0.11  # about one in nine never buys anything
        # Order frequency: heavy-tailed, so a few customers order very often.
        freq = rng.paretovariate(1.6) if buyer else 0.0
        # Basket size: a per-customer level, higher for high incomes and for VIPs.
        level = rng.lognormvariate(0, 0.45)
        if c["income"] and c["income"] > 90_000:
            level *= 1.4
        if rng.random() < 0.02:  # the whales
            level *= 4
            freq *= 2
        prefs = [INTEREST_CATEGORY[i] for i in (c["interests"] or [])]
        browse = rng.lognormvariate(0, 0.8) * (0.6 if buyer else 0.4)
        profiles.append((c, start, end, freq, level, prefs, browse))

    # Scale the frequencies so that the expected number of orders is TARGET_ORDERS.
    days = [max(0.0, (end - start).days) for _, start, end, *_ in profiles]
    raw = sum(p[3] * d for p, d in zip(profiles, days, strict=True))
    per_day = TARGET_ORDERS / raw
    raw_browse = sum(p[6] * d for p, d in zip(profiles, days, strict=True))
    browse_per_day = TARGET_BROWSE_EVENTS / raw_browse

    orders, events, browsing = [], [], []
    for (c, start, end, freq, level, prefs, browse), d in zip(profiles, days, strict=True):
        cid = c["customer_id"]
        for _ in range(poisson(rng, freq * d * per_day)):
            at = random_instant(rng, start, end)
            favourite = prefs and rng.random() < 0.6
            category = rng.choice(prefs) if favourite else rng.choice(CATEGORIES)
            amount = CATEGORY_PRICE[category] * level * rng.lognormvariate(0, 0.55)
            if at.month in (11, 12) and rng.random() < 0.3:
                amount *= 1.5  # holiday gifts
            amount = round(max(3.0, amount), 2)
            status = "refunded" if rng.random() < 0.06 else "paid"
            orders.append((cid, at, amount, status, category))
            # a third of orders leave a visible path: product page, add to cart
            if rng.random() < 0.33:
                sku = f"/product/{category}-{rng.randint(100, 999)}"
                cart = at - dt.timedelta(minutes=rng.randint(2, 240))
                view = cart - dt.timedelta(minutes=rng.randint(1, 30))
                events.append((cid, seconds(view), "page_view", sku))
                events.append((cid, seconds(cart), "add_to_cart", sku))
        # browsing that does not lead to an order (kept apart for add_cart_activity)
        for _ in range(poisson(rng, browse * d * browse_per_day)):
            at = random_instant(rng, start, end)
            r = rng.random()
            if r < 0.08:
                category = rng.choice(prefs) if prefs else rng.choice(CATEGORIES)
                sku = f"/product/{category}-{rng.randint(100, 999)}"
                browsing.append((cid, at, "add_to_cart", sku))  # an abandoned cart
            elif r < 0.13:
                browsing.append((cid, at, "login", None))
            elif r < 0.45:
                category = rng.choice(prefs) if prefs and rng.random() < 0.6 else None
                category = category or rng.choice(CATEGORIES)
                browsing.append((cid, at, "page_view", f"/category/{category}"))
            elif r < 0.62:
                category = rng.choice(prefs) if prefs else rng.choice(CATEGORIES)
                sku = f"/product/{category}-{rng.randint(100, 999)}"
                browsing.append((cid, at, "page_view", sku))
            else:
                browsing.append((cid, at, "page_view", pick(rng, GENERAL_PAGES)))
    # drop anything that the time shifts above pushed outside the data range
    events = [e for e in events if DATA_START <= e[1] < DATA_END]
    browsing = [e for e in browsing if DATA_START <= e[1] < DATA_END]
    return orders, events, browsing


def add_cart_activity(rng: random.Random, orders: list, browsing: list) -> list:
    """More add-to-cart events, so that carts behave as they do in real shops: most
    carts are abandoned (about three in five here; industry studies report 60-80%),
    some come back and buy a day or more later, and the rest buy within minutes.

    Uses its own random stream, so the customers, orders and page views made before
    are unchanged. Carts are added only next to existing activity (a page view or an
    order), so last_seen moves by minutes at most.
    """
    carts = []
    for cid, at, name, page in browsing:
        if name != "page_view":
            continue
        if page.startswith("/product/") and rng.random() < 0.6:
            # liked the product, put it in the cart, left
            carts.append((cid, at + dt.timedelta(seconds=rng.randint(20, 1200)), page))
        elif page.startswith("/category/") and rng.random() < 0.35:
            # "quick add" from a category listing
            sku = f"/product/{page.removeprefix('/category/')}-{rng.randint(100, 999)}"
            carts.append((cid, at + dt.timedelta(seconds=rng.randint(20, 600)), sku))
    last_days = DATA_END - dt.timedelta(days=10)
    for cid, at, _amount, _status, category in orders:
        sku = f"/product/{category}-{rng.randint(100, 999)}"
        r = rng.random()
        if r < 0.07:
            # put in the cart, then bought a day or more later (a reminder worked)
            carts.append((cid, at - dt.timedelta(seconds=rng.randint(25 * 3600, 4 * 86400)), sku))
        elif at >= last_days and r < 0.13:
            # A few carts exactly one day (and one day and a second) before the order,
            # so that the example also meets the edge of `then not purchase within 1 day`:
            # an order at cart + 1 day follows the cart; one a second later does not.
            gap = dt.timedelta(days=1) if r < 0.10 else dt.timedelta(days=1, seconds=1)
            carts.append((cid, at - gap, sku))
    return [
        (cid, seconds(t), "add_to_cart", sku) for cid, t, sku in carts if DATA_START <= t < DATA_END
    ]


def add_locations(rng: random.Random, customers: list[dict]) -> None:
    """Latitude and longitude (degrees) around the customer's city: most live in the
    city or its suburbs, a fifth in the wider region (15-90 km out). Missing when the
    customer has no city on file or the address could not be geocoded (about 8%).
    Uses its own random stream, so the other columns are unchanged."""
    for c in customers:
        c["latitude"] = c["longitude"] = None
        if c["city"] is None or rng.random() < 0.08:
            continue
        lat0, lon0 = CITY_LOCATION[c["city"]]
        if rng.random() < 0.8:
            north, east = rng.gauss(0, 7), rng.gauss(0, 7)  # km
        else:
            km, bearing = rng.uniform(15, 90), rng.uniform(0, 2 * math.pi)
            north, east = km * math.cos(bearing), km * math.sin(bearing)
        c["latitude"] = round(lat0 + north / 111.32, 5)
        c["longitude"] = round(lon0 + east / (111.32 * math.cos(math.radians(lat0))), 5)


def add_last_seen(rng: random.Random, customers: list[dict], orders: list, events: list) -> None:
    latest: dict[int, dt.datetime] = {}
    for cid, at, *_ in orders + events:
        if cid not in latest or at > latest[cid]:
            latest[cid] = at
    for c in customers:
        seen = latest.get(c["customer_id"])
        if seen is None and rng.random() < 0.5:
            # never active in the data window: last seen at sign-up, or not recorded
            base = dt.datetime.combine(c["signup_date"], dt.time(9))
            seen = min(base + dt.timedelta(minutes=rng.randint(0, 600)), DATA_END)
        c["last_seen"] = seen


CAMPAIGN_START = dt.datetime(2026, 6, 30)  # membership is taken here (T0)
CAMPAIGN_DAYS = 30  # the post-period: [T0, T0 + 30 days)
CAMPAIGN_EFFECT = 1.5  # treated customers order 50% more often
HOLDOUT_SEED, HOLDOUT_PERCENT = "summer-2026", 10


def in_holdout(cid: int) -> bool:
    """`sample 10% seed "summer-2026"`: the first 8 hex digits of MD5("seed:key") read
    as a 32-bit number are below 10% of 2^32 (the language's definition)."""
    threshold = HOLDOUT_PERCENT * (1 << 32) // 100
    digest = hashlib.md5(f"{HOLDOUT_SEED}:{cid}".encode()).hexdigest()
    return int(digest[:8], 16) < threshold


def add_campaign(rng: random.Random, customers: list[dict], orders: list) -> list:
    """The post-period orders. Each customer keeps ordering at the rate of their last
    91 days (paid orders, plus a little), with order values drawn around their own
    earlier ones; those who got the campaign's e-mails order CAMPAIGN_EFFECT times as
    often. Uses its own random stream and runs after last_seen is set, so the data up
    to the as-of date is unchanged."""
    recent: dict[int, list[float]] = {}
    since = CAMPAIGN_START - dt.timedelta(days=91)
    for cid, at, amount, status, _category in orders:
        if status == "paid" and since <= at < CAMPAIGN_START:
            recent.setdefault(cid, []).append(amount)
    out = []
    for c in customers:
        cid = c["customer_id"]
        amounts = recent.get(cid, [])
        treated = c["is_subscribed"] and c["email"] is not None and not in_holdout(cid)
        rate = (len(amounts) + 0.1) / 91 * (CAMPAIGN_EFFECT if treated else 1.0)
        for _ in range(poisson(rng, rate * CAMPAIGN_DAYS)):
            at = CAMPAIGN_START + dt.timedelta(seconds=rng.randrange(CAMPAIGN_DAYS * 86400))
            base = rng.choice(amounts) if amounts else 40.0
            amount = round(max(3.0, base * rng.lognormvariate(0, 0.25)), 2)
            status = "refunded" if rng.random() < 0.06 else "paid"
            out.append((cid, at, amount, status, rng.choice(CATEGORIES)))
    return out


def write(con: duckdb.DuckDBPyConnection, tmp: Path, out: Path, name: str, rows, columns, order_by):
    """Rows → newline-delimited JSON → a typed, sorted Parquet file in ``out``."""
    src = tmp / f"{name}.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
    cols = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
    target = out / f"{name}.parquet"
    con.execute(
        f"COPY (SELECT * FROM read_json('{src}', format = 'newline_delimited', "
        f"columns = {{{cols}}}) ORDER BY {order_by}) "
        f"TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
    )
    n = con.execute(f"SELECT count(*) FROM '{target}'").fetchone()[0]
    print(f"{target}: {n:,} rows, {target.stat().st_size / 1e6:.2f} MB")


def main(out: Path = OUT) -> None:
    rng = random.Random(SEED)
    customers = make_customers(rng)
    orders, events, browsing = make_orders_and_events(rng, customers)
    events += browsing
    # The carts and locations draw from their own streams (added after the first
    # version of the data), so that everything above stays as it was.
    events += add_cart_activity(random.Random(f"{SEED}:carts"), orders, browsing)
    add_last_seen(rng, customers, orders, events)
    add_locations(random.Random(f"{SEED}:locations"), customers)
    orders += add_campaign(random.Random(f"{SEED}:campaign"), customers, orders)

    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:")
    con.execute("SET threads = 1")  # row order and file bytes do not depend on the machine
    with tempfile.TemporaryDirectory() as tmp:
        write(
            con,
            Path(tmp),
            out,
            "customers",
            customers,
            {
                "customer_id": "INTEGER",
                "name": "VARCHAR",
                "email": "VARCHAR",
                "age": "INTEGER",
                "gender": "VARCHAR",
                "country": "VARCHAR",
                "city": "VARCHAR",
                "income": "DOUBLE",
                "interests": "VARCHAR[]",
                "device": "VARCHAR",
                "survey_need": "VARCHAR",
                "signup_date": "DATE",
                "last_seen": "TIMESTAMP",
                "is_subscribed": "BOOLEAN",
                "latitude": "DOUBLE",
                "longitude": "DOUBLE",
            },
            "customer_id",
        )
        write(
            con,
            Path(tmp),
            out,
            "orders",
            (
                {
                    "order_id": i,
                    "customer_id": cid,
                    "ordered_at": at,
                    "amount": amount,
                    "status": status,
                    "category": category,
                }
                for i, (cid, at, amount, status, category) in enumerate(
                    sorted(orders, key=lambda o: (o[1], o[0])), start=100_001
                )
            ),
            {
                "order_id": "INTEGER",
                "customer_id": "INTEGER",
                "ordered_at": "TIMESTAMP",
                "amount": "DECIMAL(10, 2)",
                "status": "VARCHAR",
                "category": "VARCHAR",
            },
            "order_id",
        )
        write(
            con,
            Path(tmp),
            out,
            "events",
            (
                {"user_id": cid, "ts": at, "event_name": name, "page": page}
                for cid, at, name, page in events
            ),
            {"user_id": "INTEGER", "ts": "TIMESTAMP", "event_name": "VARCHAR", "page": "VARCHAR"},
            "ts, user_id, event_name, page",
        )


if __name__ == "__main__":
    # An optional argument writes the files to another folder (the tests use it to
    # check that the committed data is what this script makes).
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
