"""A small hand-built dataset for the corpus catalog (tests/corpus/segdsl.toml), built
to sit on the edges of the contract (docs: /work/shared/design/language.md §6–8).

Every evaluation over it uses the as-of instant ``T = 2026-06-30T00:00:00``, so
``date(T) = 2026-06-30``. The edges that matter, with the instants they are built around:

    T − 7 days   = 2026-06-23T00:00      T − 2 weeks = 2026-06-16T00:00
    T − 30 days  = 2026-05-31T00:00      T − 1 month = 2026-05-30T00:00 (calendar step)
    T − 90 days  = 2026-04-01T00:00      T − 4 months = 2026-02-28T00:00 (30 Feb clamped)
    T − 180 days = 2026-01-01T00:00      T − 365 days = T − 1 year = 2025-06-30T00:00
    date(T) − 1 day = 2026-06-29         date(T) − 3 days = 2026-06-27
    date(T) − 7 days = 2026-06-23

The rows are plain Python values (``None`` is missing); the fixtures in conftest.py load
them into DuckDB and SQLite, and tests/oracle.py evaluates rules over them directly.
The comments on each row say which edge it is there for; tests/test_semantics.py works
out expected member sets by hand from these comments.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

T = dt.datetime(2026, 6, 30, 0, 0, 0)


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# Logical column types per table (the catalog's type names). conftest.py maps them to
# engine types; the order is the column order of each table.
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "customers": [
        ("customer_id", "integer"),
        ("name", "string"),
        ("age", "integer"),
        ("income", "number"),
        ("country", "string"),
        ("city", "string"),
        ("email", "string"),
        ("interests", "list<string>"),
        ("lucky_numbers", "list<integer>"),
        ("signup_date", "date"),
        ("last_seen", "timestamp"),
        ("is_subscribed", "boolean"),
    ],
    "orders": [
        ("order_id", "integer"),
        ("customer_id", "integer"),
        ("ordered_at", "timestamp"),
        ("amount", "number"),
        ("status", "string"),
        ("sku", "string"),
        ("quantity", "integer"),
    ],
    "events": [
        ("event_id", "integer"),
        ("user_id", "integer"),
        ("event_name", "string"),
        ("ts", "timestamp"),
        ("page", "string"),
    ],
    "store_visits": [
        ("visit_id", "integer"),
        ("customer_id", "integer"),
        ("visit_date", "date"),
        ("store", "string"),
    ],
    "accounts": [
        ("account_id", "integer"),
        ("industry", "string"),
        ("employees", "integer"),
        ("revenue", "number"),
        ("country", "string"),
    ],
    "deals": [
        ("deal_id", "integer"),
        ("account_id", "integer"),
        ("closed_at", "timestamp"),
        ("value", "number"),
    ],
}

# fmt: off
_CUSTOMER_ROWS: list[tuple[Any, ...]] = [
    # id  name            age   income     country city         email                  interests                          lucky         signup               last_seen                        subscribed
    # 1: orders at T exactly and in June; store visit on date(T); page_view of "/Pricing".
    (1,  "Ann Lee",       30,   50000.5,   "US",   "Boston",    "ann@example.com",     ["running", "yoga"],               [7, 3],       d("2024-03-15"),     ts("2026-06-30T00:00:00"),      True),
    # 2: every attribute missing, no events at all.
    (2,  None,            None, None,      None,   None,        None,                  None,                              None,         None,                None,                           None),
    # 3: empty lists (set, not missing); page_view exactly at T − 30 days.
    (3,  "Andy Park",     25,   0.0,       "CA",   "Toronto",   "andy@example.ca",     [],                                [],           d("2024-01-01"),     ts("2026-06-29T00:00:00"),      False),
    # 4: lower-case "us" (not "US"); upper-case e-mail; "Running" is not "running".
    (4,  "BOB STONE",     34,   -10.0,     "us",   "New York",  "BOB@EXAMPLE.COM",     ["Running"],                       [13],         d("2024-12-31"),     ts("2026-06-29T23:59:59"),      True),
    # 5: e-mail with %; last seen 1 s after T; store visit after date(T).
    (5,  "Cara Diaz",     35,   -10.5,     "MX",   None,        "50%off@shop.com",     ["yoga"],                          None,         d("2023-12-31"),     ts("2026-06-30T00:00:01"),      False),
    # 6: e-mail starting with a literal "a_"; subscription unknown.
    (6,  "Dan Wu",        29,   10.0,      "US",   "Seattle",   "a_b@example.org",     ["running"],                       [7],          d("2025-06-01"),     ts("2026-06-28T23:59:59"),      None),
    # 7: "axb@…" matches `a_` only if _ were a wildcard; last seen exactly T − 7 days.
    (7,  "Eve Ng",        31,   10.25,     "FR",   "Paris",     "axb@example.com",     ["chess"],                         [1, 2],       d("2025-06-02"),     ts("2026-06-23T00:00:00"),      True),
    # 8: non-ASCII upper case name; upper-case e-mail starting with "A_"; signed up on date(T).
    (8,  "ÉMILE DUPONT",  None, 75000.0,   "FR",   "Lyon",      "A_C@EXAMPLE.NET",     None,                              [7, 7],       d("2026-06-30"),     ts("2026-06-23T00:00:01"),      True),
    # 9: empty-string country, city and e-mail (set, not missing); lists with a NULL element.
    (9,  "Fay Li",        18,   0.0,       "",     "",          "",                    ["running", None],                 [None, 8],    d("2026-06-29"),     ts("2026-06-29T11:59:59"),      False),
    # 10: one order exactly at T − 90 days (outside the 90-day window).
    (10, "Gus Hale",      45,   80000.0,   "US",   "Denver",    "gus@example.com",     ["yoga", "running"],               [7],          d("2025-01-01"),     ts("2026-06-16T00:00:00"),      True),
    # 11: one order at T − 90 days + 1 s (inside).
    (11, "Hana Ito",      40,   80000.5,   "JP",   "Tokyo",     "hana@EXAMPLE.jp",     ["cooking"],                       [],           d("2026-05-30"),     ts("2026-06-16T00:00:01"),      False),
    # 12: its only order is after T (must be ignored by every aggregate).
    (12, "Ivan Petrov",   52,   120000.0,  None,   None,        "ivan%@mail.ru",       ["running"],                       None,         d("2026-05-31"),     ts("2026-05-31T00:00:00"),      None),
    # 13: a huge order after T plus a small one on 2026-06-01 at 23:59:59.
    (13, "Jo Kim",        27,   95000.0,   "KR",   "Seoul",     "jo_kim@example.com",  ["yoga"],                          [3],          d("2026-02-28"),     ts("2026-05-30T23:59:59"),      True),
    # 14: an order at 2026-06-02T00:00:00 (the first instant "after 2026-06-01").
    (14, "Kai Roe",       33,   60000.0,   "US",   "Austin",    "kai@example.COM",     ["running", "chess"],              [7, 3],       d("2026-03-01"),     ts("2026-06-01T00:00:00"),      True),
    # 15: a refunded order and a paid one.
    (15, "Lia Sun",       30,   150000.0,  "CA",   None,        "lia@example.ca",      ["yoga"],                          [5],          d("2026-07-01"),     ts("2026-05-31T23:59:59"),      False),
    # 16: orders whose amount (and status, sku, quantity) are missing.
    (16, "Max Orr",       30,   150000.0,  "US",   None,        "max@example.com",     None,                              [],           d("2025-06-02"),     ts("2025-06-30T00:00:00"),      True),
    # 17: an order at 2026-05-30T12:00 (in the last 1 month, not in the last 30 days).
    (17, "Nia Patel",     28,   200000.0,  "GB",   "London",    "nia@example.co.uk",   ["running", "yoga", "chess"],      [7],          d("2024-06-15"),     ts("2025-06-30T00:00:01"),      True),
    # 18: an order exactly at T − 1 month (two more around 2026-03-31 − 1 month = 02-28).
    (18, "Oscar Diaz",    61,   200000.0,  "MX",   None,        "oscar@example.mx",    [],                                None,         d("2023-01-01"),     ts("2026-02-28T00:00:00"),      False),
    # 19: orders exactly at T − 365 days and 1 s later; no order in 90 days (0 division).
    (19, "Pia Berg",      44,   250000.0,  "SE",   "Stockholm", None,                  ["yoga"],                          [7],          d("2022-05-05"),     ts("2026-02-28T12:00:00"),      None),
    # 20: last order exactly at T − 180 days.
    (20, "Quinn Ray",     38,   300000.0,  "US",   "Miami",     "quinn@example.com",   ["running"],                       [3, 7],       d("2021-01-01"),     None,                           True),
    # 21: last order 1 s before T − 180 days.
    (21, "Rosa Vega",     26,   None,      "ES",   "Madrid",    "rosa@example.es",     None,                              None,         d("2025-01-01"),     ts("2026-06-23T00:00:01"),      False),
    # 22: four orders in 90 days (one with a missing sku).
    (22, "Sam Cole",      30,   None,      "US",   "Chicago",   "sam@example.com",     ["chess"],                         [7],          d("2026-06-01"),     ts("2026-06-20T10:00:00"),      True),
    # 23: a negative (refund) amount; spend_365d is negative.
    (23, "Tia Moss",      24,   None,      "DE",   "Berlin",    "tia@example.de",      ["yoga", "running"],               [2],          d("2025-06-30"),     ts("2026-06-10T00:00:00"),      False),
    # 24 and 25: the same spend_per_purchase (200 / 3), a tie for top 25% by it.
    (24, "Uma Shah",      33,   None,      "IN",   "Pune",      "uma@example.in",      ["running"],                       [],           d("2024-11-11"),     ts("2026-06-25T08:00:00"),      True),
    (25, "Vic Hall",      36,   None,      "US",   "Reno",      "vic@example.com",     ["yoga"],                          [7],          d("2024-11-12"),     ts("2026-06-26T08:00:00"),      False),
    # 26–48: background customers without events (26 has a quote in the name).
    (26, "Wes O'Neil",      30,   None,      "DE",   "Hamburg",   "wes@mail.test",       ["running"],                       [1],          d("2020-01-26"),     ts("2025-01-26T00:00:00"),      True),
    (27, "Xia Chen",      42,   None,      "CN",   "Shanghai",  "xia@mail.test",       ["yoga"],                          [2],          d("2020-01-27"),     ts("2025-01-27T00:00:00"),      False),
    (28, "Yara Haddad",   47,   41000.0,   "US",   "Detroit",   "yara@mail.test",      ["chess"],                         [3],          d("2020-01-28"),     ts("2025-01-28T00:00:00"),      True),
    (29, "Zoe Park",      51,   42000.0,   "BR",   "Recife",    "zoe@mail.test",       ["running"],                       [4],          d("2020-01-29"),     ts("2025-01-29T00:00:00"),      False),
    (30, "Abe Lowe",      56,   43000.0,   "IN",   "Delhi",     "abe@mail.test",       ["yoga"],                          [5],          d("2020-01-30"),     ts("2025-01-30T00:00:00"),      True),
    (31, "Bea Ruiz",      22,   44000.0,   "US",   "Dallas",    "bea@mail.test",       ["chess"],                         [6],          d("2020-01-31"),     ts("2025-01-31T00:00:00"),      False),
    (32, "Cal Ford",      64,   45000.0,   "DE",   "Munich",    "cal@mail.test",       ["running"],                       [7],          d("2020-02-01"),     ts("2025-02-01T00:00:00"),      True),
    (33, "Dee Wolf",      37,   46000.0,   "BR",   "Natal",     "dee@mail.test",       ["yoga"],                          [8],          d("2020-02-02"),     ts("2025-02-02T00:00:00"),      False),
    (34, "Eli Gray",      30,   47000.0,   "IN",   "Agra",      "eli@mail.test",       ["chess"],                         [9],          d("2020-02-03"),     ts("2025-02-03T00:00:00"),      True),
    (35, "Flo Hart",      48,   48000.0,   "US",   "Tampa",     "flo@mail.test",       ["running"],                       [10],         d("2020-02-04"),     ts("2025-02-04T00:00:00"),      False),
    (36, "Gil Snow",      53,   49000.0,   "DE",   "Bonn",      "gil@mail.test",       ["yoga"],                          [11],         d("2020-02-05"),     ts("2025-02-05T00:00:00"),      True),
    (37, "Hal Best",      39,   51000.0,   "BR",   "Belem",     "hal@mail.test",       ["chess"],                         [12],         d("2020-02-06"),     ts("2025-02-06T00:00:00"),      False),
    (38, "Ida Long",      45,   52000.0,   "IN",   "Goa",       "ida@mail.test",       ["running"],                       [13],         d("2020-02-07"),     ts("2025-02-07T00:00:00"),      True),
    (39, "Jay Moon",      23,   53000.0,   "US",   "Tulsa",     "jay@mail.test",       ["yoga"],                          [14],         d("2020-02-08"),     ts("2025-02-08T00:00:00"),      False),
    (40, "Kim Ash",       58,   54000.0,   "DE",   "Kiel",      "kim@mail.test",       ["chess"],                         [15],         d("2020-02-09"),     ts("2025-02-09T00:00:00"),      True),
    (41, "Lou Penn",      41,   55000.0,   "BR",   "Sao Paulo", "lou@mail.test",       ["running"],                       [16],         d("2020-02-10"),     ts("2025-02-10T00:00:00"),      False),
    (42, "Mae Tan",       34,   56000.0,   "IN",   "Kochi",     "mae@mail.test",       ["yoga"],                          [17],         d("2020-02-11"),     ts("2025-02-11T00:00:00"),      True),
    (43, "Ned Cruz",      66,   57000.0,   "US",   "Omaha",     "ned@mail.test",       ["chess"],                         [18],         d("2020-02-12"),     ts("2025-02-12T00:00:00"),      False),
    (44, "Ola Nord",      50,   58000.0,   "DE",   "Essen",     "ola@mail.test",       ["running"],                       [19],         d("2020-02-13"),     ts("2025-02-13T00:00:00"),      True),
    (45, "Pat Reid",      45,   59000.0,   "BR",   "Manaus",    "pat@mail.test",       ["yoga"],                          [20],         d("2020-02-14"),     ts("2025-02-14T00:00:00"),      False),
    (46, "Rey Sol",       70,   61000.0,   "IN",   "Surat",     "rey@mail.test",       ["chess"],                         [21],         d("2020-02-15"),     ts("2025-02-15T00:00:00"),      True),
    (47, "Sue Kent",      27,   62000.0,   "US",   "Boise",     "sue@mail.test",       ["running"],                       [22],         d("2020-02-16"),     ts("2025-02-16T00:00:00"),      False),
    (48, "Ty Webb",       59,   63000.0,   "DE",   "Ulm",       "ty@mail.test",        ["yoga"],                          [23],         d("2020-02-17"),     ts("2025-02-17T00:00:00"),      True),
]

_ORDER_ROWS: list[tuple[Any, ...]] = [
    # id   customer  ordered_at                       amount   status       sku    quantity
    (101,  1,        ts("2026-06-30T00:00:00"),       20.0,    "paid",      "A",   1),     # exactly T: inside every window
    (102,  1,        ts("2026-06-15T10:00:00"),       30.0,    "paid",      "B",   2),
    (103,  10,       ts("2026-04-01T00:00:00"),       10.0,    "paid",      "A",   1),     # exactly T − 90 days: outside
    (104,  11,       ts("2026-04-01T00:00:01"),       10.0,    "paid",      "A",   1),     # T − 90 days + 1 s: inside
    (105,  12,       ts("2026-06-30T00:00:01"),       5000.0,  "paid",      "Z",   9),     # after T: does not exist
    (106,  13,       ts("2026-06-30T00:00:01"),       5000.0,  "paid",      "Z",   9),     # after T: does not exist
    (107,  13,       ts("2026-06-01T23:59:59"),       4.5,     "paid",      "C",   1),     # same calendar day as 2026-06-01
    (108,  14,       ts("2026-06-02T00:00:00"),       60.0,    "paid",      "D",   2),
    (109,  15,       ts("2026-06-20T09:00:00"),       100.0,   "refunded",  "D",   3),
    (110,  15,       ts("2026-06-21T09:00:00"),       40.0,    "paid",      "D",   1),
    (111,  16,       ts("2026-06-10T12:00:00"),       None,    None,        None,  None),  # everything missing
    (112,  16,       ts("2026-06-11T12:00:00"),       None,    "paid",      "E",   None),  # amount missing
    (113,  17,       ts("2026-05-30T12:00:00"),       25.0,    "paid",      "A",   1),     # in last 1 month, not 30 days
    (114,  18,       ts("2026-05-30T00:00:00"),       25.0,    "paid",      "B",   1),     # exactly T − 1 month: outside
    (132,  18,       ts("2026-02-28T00:00:00"),       25.0,    "paid",      "B",   1),     # for as-of 2026-03-31: exactly 1 month before
    (133,  18,       ts("2026-03-01T00:00:00"),       25.0,    "paid",      "B",   1),     # for as-of 2026-03-31: inside 1 month
    (115,  19,       ts("2025-06-30T00:00:00"),       200.0,   "paid",      "A",   1),     # exactly T − 365 days: outside
    (116,  19,       ts("2025-06-30T00:00:01"),       300.0,   "paid",      "B",   1),     # inside 365 days
    (117,  20,       ts("2026-01-01T00:00:00"),       80.0,    "paid",      "C",   4),     # exactly 180 days ago
    (118,  21,       ts("2025-12-31T23:59:59"),       80.0,    "paid",      "C",   1),     # 1 s before 180 days ago
    (119,  22,       ts("2026-06-01T08:00:00"),       10.0,    "paid",      "A",   1),
    (120,  22,       ts("2026-06-05T08:00:00"),       10.0,    "paid",      "A",   1),
    (121,  22,       ts("2026-06-10T08:00:00"),       10.0,    "paid",      "B",   1),
    (122,  22,       ts("2026-06-15T08:00:00"),       10.0,    "paid",      None,  1),
    (123,  23,       ts("2026-06-01T08:00:00"),       -20.0,   "refunded",  "A",   1),
    (124,  23,       ts("2026-06-05T08:00:00"),       15.0,    "paid",      "A",   1),
    (125,  24,       ts("2026-06-05T08:00:00"),       100.0,   "paid",      "A",   1),
    (126,  24,       ts("2026-06-06T08:00:00"),       50.0,    "paid",      "B",   1),
    (127,  24,       ts("2026-06-07T08:00:00"),       50.0,    "pending",   "C",   1),
    (128,  25,       ts("2026-06-05T08:00:00"),       50.0,    "paid",      "A",   2),
    (129,  25,       ts("2026-06-06T08:00:00"),       50.0,    "paid",      "A",   2),
    (130,  25,       ts("2026-06-07T08:00:00"),       100.0,   "paid",      "A",   2),
    (131,  999,      ts("2026-06-01T00:00:00"),       1000.0,  "paid",      "A",   1),     # no such customer
    (134,  None,     ts("2026-06-01T00:00:00"),       1000.0,  "paid",      "A",   1),     # no customer key
]

_EVENT_ROWS: list[tuple[Any, ...]] = [
    # id   user  event_name      ts                            page
    (201,  1,    "page_view",    ts("2026-06-29T10:00:00"),    "/Pricing"),           # upper case P
    (202,  3,    "page_view",    ts("2026-05-31T00:00:00"),    "/pricing"),           # exactly T − 30 days: outside
    (203,  4,    "page_view",    ts("2026-05-31T00:00:01"),    "/pricing?ref=%"),     # inside
    (204,  5,    "add_to_cart",  ts("2026-06-29T10:00:00"),    "/pricing"),           # a cart, not a page view
    (205,  6,    "add_to_cart",  ts("2026-06-23T00:00:00"),    "/shoes"),             # exactly T − 7 days: outside
    (206,  6,    "page_view",    ts("2026-06-25T00:00:00"),    "/home"),
    (207,  7,    "add_to_cart",  ts("2026-06-30T00:00:01"),    "/shoes"),             # after T
    (208,  7,    "search",       ts("2026-06-29T10:00:00"),    "/pricing"),           # a kind not in the catalog
    (209,  8,    "page_view",    ts("2026-06-29T10:00:00"),    None),                 # page missing
    (210,  8,    None,           ts("2026-06-29T10:00:00"),    "/pricing"),           # kind missing
    (211,  9,    "add_to_cart",  ts("2026-06-24T00:00:00"),    "/shoes"),
    (212,  9,    "page_view",    ts("2026-06-24T00:00:00"),    "/PRICING/plans"),
    (213,  22,   "page_view",    ts("2026-06-30T00:00:00"),    "/home"),              # exactly T: inside
    (214,  None, "page_view",    ts("2026-06-29T10:00:00"),    "/pricing"),           # no user key
]

_STORE_VISIT_ROWS: list[tuple[Any, ...]] = [
    # id   customer  visit_date            store
    (301,  1,        d("2026-06-30"),      "Boston"),    # date(T): in the last 1 day
    (302,  3,        d("2026-06-29"),      "Toronto"),   # date(T) − 1: outside 1 day, inside 7
    (303,  3,        d("2026-06-24"),      "Toronto"),   # inside 7 days
    (304,  4,        d("2026-06-23"),      "NYC"),       # date(T) − 7: outside 7 days
    (305,  4,        d("2026-06-29"),      "NYC"),
    (306,  5,        d("2026-07-01"),      "Mexico"),    # after date(T): does not exist
    (307,  5,        d("2026-06-27"),      "Mexico"),    # exactly 3 days ago: not after it
    (308,  6,        d("2026-06-28"),      "Seattle"),   # twice on the same day
    (309,  6,        d("2026-06-28"),      None),
]

_ACCOUNT_ROWS: list[tuple[Any, ...]] = [
    # id  industry     employees  revenue      country
    (1,   "software",  50,        1000000.0,   "US"),
    (2,   "fintech",   500,       2000000.0,   "US"),
    (3,   "software",  501,       2000000.0,   "CA"),
    (4,   "Software",  100,       500000.0,    "US"),   # not "software" (equality is exact)
    (5,   "retail",    49,        1000000.0,   None),
    (6,   None,        None,      3000000.0,   "DE"),
    (7,   "fintech",   200,       3000000.0,   "DE"),
    (8,   "software",  300,       100.0,       "FR"),
    (9,   "fintech",   60,        -5.0,        "FR"),
    (10,  "health",    1000,      750000.0,    "US"),
    (11,  None,        None,      None,        None),
]

_DEAL_ROWS: list[tuple[Any, ...]] = [
    # id   account  closed_at                      value
    (401,  1,       ts("2026-06-01T00:00:00"),     6000.0),
    (402,  1,       ts("2026-06-15T00:00:00"),     5000.0),
    (403,  2,       ts("2026-06-01T00:00:00"),     10000.0),   # exactly 10000: not > 10000
    (404,  3,       ts("2026-06-01T00:00:00"),     9000.0),
    (405,  3,       ts("2026-07-01T00:00:00"),     5000.0),    # after T
    (406,  4,       ts("2026-06-01T00:00:00"),     None),
    (407,  7,       ts("2026-01-01T00:00:00"),     20000.0),
]
# fmt: on


def _rows(table: str, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    names = [c for c, _ in SCHEMA[table]]
    out = []
    for row in rows:
        assert len(row) == len(names), (table, row)
        out.append(dict(zip(names, row, strict=True)))
    return out


TABLES: dict[str, list[dict[str, Any]]] = {
    "customers": _rows("customers", _CUSTOMER_ROWS),
    "orders": _rows("orders", _ORDER_ROWS),
    "events": _rows("events", _EVENT_ROWS),
    "store_visits": _rows("store_visits", _STORE_VISIT_ROWS),
    "accounts": _rows("accounts", _ACCOUNT_ROWS),
    "deals": _rows("deals", _DEAL_ROWS),
}

ALL_CUSTOMERS = frozenset(r["customer_id"] for r in TABLES["customers"])
ALL_ACCOUNTS = frozenset(r["account_id"] for r in TABLES["accounts"])


# ---- the `shopper` entity: behavioural forms (language.md §10, issue 5) -----------------
# Its own tables, so the customer rows (and the hand-worked sets of test_semantics.py)
# are untouched. Keys are text (the customers' are integers), so `sample` is exercised on
# both kinds of key. Worked-out member sets are in tests/test_behaviour.py.
#
#   T − 1 day  = 2026-06-29T00:00     T − 7 days  = 2026-06-23T00:00
#   T − 14 days = 2026-06-16T00:00    T − 30 days = 2026-05-31T00:00
#   T − 1 month = 2026-05-30T00:00    T − 2 months = 2026-04-30T00:00
#   date(T) − 1 day = 2026-06-29      date(T) − 7 days = 2026-06-23
#
# Points for `within`: Paris is the centre of the 50 km tests. A point on the circle is
# built along Paris's meridian, lat0 ± D/R in degrees (the great-circle distance along a
# meridian is R·Δφ exactly).
EARTH_RADIUS_KM = 6371.0088
PARIS = (48.8566, 2.3522)


def north_of(lat: float, km: float) -> float:
    """The latitude ``km`` kilometres due north of ``lat`` along a meridian."""
    return lat + math.degrees(km / EARTH_RADIUS_KM)


SCHEMA.update(
    {
        "shoppers": [
            ("shopper_id", "string"),
            ("country", "string"),
            ("tier", "string"),
            ("spend", "number"),
            ("lat", "number"),
            ("lon", "number"),
            ("tags", "list<string>"),
        ],
        "shopper_events": [
            ("event_id", "integer"),
            ("shopper_id", "string"),
            ("kind", "string"),
            ("at", "timestamp"),
            ("sku", "string"),
            ("amount", "number"),
            ("page", "string"),
        ],
        "shopper_orders": [
            ("order_id", "integer"),
            ("shopper_id", "string"),
            ("placed_at", "timestamp"),
            ("amount", "number"),
            ("status", "string"),
            ("sku", "string"),
        ],
        "shop_visits": [
            ("visit_id", "integer"),
            ("shopper_id", "string"),
            ("day", "date"),
            ("store", "string"),
        ],
    }
)

_ON_50KM_N = north_of(PARIS[0], 50.0)  # exactly 50 km north of Paris: in
_ON_50KM_S = north_of(PARIS[0], -50.0)  # exactly 50 km south: in
_OUT_1CM = north_of(PARIS[0], 50.00001)  # 1 cm beyond 50 km: out (beyond the 1 mm slack)
_IN_HALF_MM = north_of(PARIS[0], 50.0000005)  # 0.5 mm beyond: inside the 1 mm slack

# fmt: off
_SHOPPER_ROWS: list[tuple[Any, ...]] = [
    # id      country  tier      spend    lat            lon        tags
    # Ranking per country. US (s01–s06): 100, 90, 90, 80, 70 and a missing spend (n = 5).
    ("s01",   "US",    "gold",   100.0,   _ON_50KM_N,    PARIS[1],  ["vip"]),
    ("s02",   "US",    "gold",   90.0,    _OUT_1CM,      PARIS[1],  []),
    ("s03",   "US",    "silver", 90.0,    _IN_HALF_MM,   PARIS[1],  None),
    ("s04",   "US",    "silver", 80.0,    _ON_50KM_S,    PARIS[1],  ["vip"]),
    ("s05",   "US",    None,     70.0,    PARIS[0],      PARIS[1],  []),        # Paris itself
    ("s06",   "US",    "gold",   None,    None,          PARIS[1],  []),        # lat missing
    # DE: a group of size 1.
    ("s07",   "DE",    "gold",   10.0,    48.8566,       None,      []),        # lon missing
    # FR: a tie of two.
    ("s08",   "FR",    "silver", 50.0,    None,          None,      []),        # both missing
    ("s09",   "FR",    "silver", 50.0,    51.5074,       -0.1278,   []),        # London, ~344 km
    # Country missing: in no group, however high the spend.
    ("s10",   None,    "gold",   1000.0,  0.0,           179.9,     []),        # antimeridian
    ("s11",   None,    None,     None,    0.0,           -179.8,    []),        # 0.3° across it
    # "us" is another group than "US".
    ("s12",   "us",    "silver", 5.0,     0.0,           -179.4,    []),        # 0.7° across it
    # GB: every spend missing (n = 0).
    ("s13",   "GB",    "gold",   None,    0.0,           180.0,     []),        # antipode of (0, 0)
    ("s14",   "GB",    "silver", None,    -90.0,         0.0,       []),        # south pole
    # JP: -5, 0, 0, 20 (for bottom).
    ("s15",   "JP",    "gold",   -5.0,    90.0,          45.0,      []),        # north pole
    ("s16",   "JP",    "gold",   0.0,     89.9,          123.0,     []),        # 11.1 km from it
    ("s17",   "JP",    "silver", 0.0,     52.52,         13.405,    []),        # Berlin
    ("s18",   "JP",    None,     20.0,    35.6762,       139.6503,  []),        # Tokyo
    # BR: three equal spends.
    ("s19",   "BR",    "gold",   3.0,     40.7128,       -74.006,   []),        # New York
    ("s20",   "BR",    "silver", 3.0,     -33.8688,      151.2093,  []),        # Sydney
    ("s21",   "BR",    "gold",   3.0,     48.8049,       2.1204,    []),        # Versailles, ~17 km
    # IN: 7, 8 and a missing spend.
    ("s22",   "IN",    "silver", 7.0,     47.9030,       1.9093,    []),        # Orléans, ~111 km
    ("s23",   "IN",    "gold",   8.0,     0.0,           0.0,       []),
    ("s24",   "IN",    None,     None,    -0.0,          -0.0,      []),
    # Keys that are not plain ASCII words (for `sample`): non-ASCII and a space.
    ("ß-25",  "AT",    "gold",   1.0,     47.0,          15.0,      []),
    ("x y",   "AT",    "silver", 2.0,     -47.0,         -15.0,     []),
]

_SHOPPER_EVENT_ROWS: list[tuple[Any, ...]] = [
    # id   shopper  kind     at                             sku    amount  page
    (501,  "s01",   "cart",  ts("2026-06-20T10:00:00"),     "A",   30.0,   None),   # order exactly 1 day later
    (502,  "s02",   "cart",  ts("2026-06-20T10:00:00"),     "A",   20.0,   None),   # order 1 day + 1 s later
    (503,  "s03",   "cart",  ts("2026-06-20T10:00:00"),     "B",   15.0,   None),   # order at the same instant
    (504,  "s04",   "cart",  ts("2026-06-29T12:00:00"),     "A",   40.0,   None),   # its day has not elapsed at T
    (505,  "s05",   "cart",  ts("2026-06-29T00:00:00"),     "A",   25.0,   None),   # exactly T − 1 day: elapsed
    (506,  "s06",   "cart",  ts("2026-06-29T00:00:00"),     "C",   50.0,   None),   # order exactly at T
    (507,  "s07",   "cart",  ts("2026-06-29T06:00:00"),     "A",   10.0,   None),   # order 1 s after T
    (508,  "s08",   "cart",  ts("2026-06-10T00:00:00"),     "A",   60.0,   None),   # followed by an order
    (509,  "s08",   "cart",  ts("2026-06-20T00:00:00"),     "B",   35.0,   None),   # abandoned
    (510,  "s09",   "cart",  ts("2026-06-30T00:00:01"),     "A",   10.0,   None),   # after T
    (511,  "s10",   "cart",  ts("2026-06-15T11:00:00"),     "A",   70.0,   None),   # the order came 1 h before
    (512,  "s11",   "cart",  ts("2026-06-18T10:00:00"),     "X",   5.0,    None),   # fails `amount >= 10`
    (513,  "s12",   "cart",  ts("2026-06-18T10:00:00"),     "A",   45.0,   None),   # its order is cancelled
    (514,  "s13",   "cart",  None,                          "A",   45.0,   None),   # no time: does not exist
    (515,  "s17",   "cart",  ts("2026-06-23T00:00:00"),     "A",   20.0,   None),   # exactly T − 7 days
    (516,  "s18",   "cart",  ts("2026-06-16T00:00:00"),     "A",   20.0,   None),   # exactly T − 14 days
    (517,  "s19",   "cart",  ts("2026-06-23T00:00:00"),     "B",   20.0,   None),   # exactly T − 7 days, bought
    (518,  "s20",   "cart",  ts("2026-06-22T10:00:00"),     "A",   80.0,   None),   # cancelled, then paid
    (519,  "s21",   "cart",  ts("2026-06-12T00:00:00"),     "A",   12.0,   None),   # two carts 1 h apart,
    (520,  "s21",   "cart",  ts("2026-06-12T01:00:00"),     "A",   12.0,   None),   # one order 25 h after the first
    (521,  None,    "cart",  ts("2026-06-20T10:00:00"),     "A",   10.0,   None),   # no shopper key
    (522,  "zz",    "cart",  ts("2026-06-20T10:00:00"),     "A",   10.0,   None),   # no such shopper
    # Views: the same kind on both sides of `then`.
    (530,  "s14",   "view",  ts("2026-06-25T10:00:00"),     None,  None,   "/a"),   # two views 10 h apart
    (531,  "s14",   "view",  ts("2026-06-25T20:00:00"),     None,  None,   "/b"),
    (532,  "s15",   "view",  ts("2026-06-20T10:00:00"),     None,  None,   "/a"),   # a single view
    (533,  "s16",   "view",  ts("2026-06-21T10:00:00"),     None,  None,   "/a"),   # two views at the
    (534,  "s16",   "view",  ts("2026-06-21T10:00:00"),     None,  None,   "/b"),   # same instant
    (535,  "s22",   "view",  ts("2026-06-28T00:00:00"),     None,  None,   None),   # page missing,
    (536,  "s22",   "view",  ts("2026-06-28T08:00:00"),     None,  None,   "/b"),   # then a view of /b
    (537,  "s23",   "other", ts("2026-06-28T00:00:00"),     None,  None,   "/a"),   # a kind not in the catalog
    (538,  "s15",   "cart",  ts("2026-06-25T10:00:00"),     "E",   0.0,    None),   # 5 days after its view
]

_SHOPPER_ORDER_ROWS: list[tuple[Any, ...]] = [
    # id   shopper  placed_at                      amount  status       sku
    (601,  "s01",   ts("2026-06-21T10:00:00"),     30.0,   "paid",      "A"),   # cart + exactly 1 day
    (602,  "s02",   ts("2026-06-21T10:00:01"),     20.0,   "paid",      "A"),   # cart + 1 day + 1 s
    (603,  "s03",   ts("2026-06-20T10:00:00"),     15.0,   "paid",      "B"),   # the cart's instant
    (606,  "s06",   ts("2026-06-30T00:00:00"),     50.0,   "paid",      "C"),   # exactly T
    (607,  "s07",   ts("2026-06-30T00:00:01"),     10.0,   "paid",      "A"),   # after T
    (608,  "s08",   ts("2026-06-10T12:00:00"),     60.0,   "paid",      "A"),
    (609,  "s10",   ts("2026-06-15T10:00:00"),     70.0,   "paid",      "A"),   # before its cart
    (610,  "s11",   ts("2026-06-18T12:00:00"),     5.0,    "paid",      "X"),
    (611,  "s12",   ts("2026-06-18T11:00:00"),     45.0,   "cancelled", "A"),
    (612,  "s13",   ts("2026-06-01T00:00:00"),     45.0,   "paid",      "A"),
    (613,  "s18",   ts("2026-06-16T12:00:00"),     20.0,   "paid",      "A"),
    (614,  "s19",   ts("2026-06-24T00:00:00"),     20.0,   "paid",      "B"),   # cart + exactly 1 day
    (615,  "s20",   ts("2026-06-22T11:00:00"),     80.0,   "cancelled", "A"),
    (616,  "s20",   ts("2026-06-22T12:00:00"),     80.0,   "paid",      "A"),
    (617,  "s21",   ts("2026-06-13T01:00:00"),     12.0,   "paid",      "A"),   # 2nd cart + exactly 1 day
    (618,  "zz",    ts("2026-06-20T11:00:00"),     10.0,   "paid",      "A"),   # no such shopper
    # Offset windows: between 30 days ago and 7 days ago is (05-31T00:00, 06-23T00:00];
    # between 2 months ago and 1 month ago is (04-30T00:00, 05-30T00:00].
    (620,  "s22",   ts("2026-05-31T00:00:00"),     11.0,   "paid",      "A"),   # exactly T − 30 days: out
    (621,  "s23",   ts("2026-06-23T00:00:00"),     12.0,   "paid",      "B"),   # exactly T − 7 days: in
    (622,  "s23",   ts("2026-06-23T00:00:01"),     13.0,   "paid",      "C"),   # 1 s later: out
    (623,  "s24",   ts("2026-05-31T00:00:01"),     14.0,   None,        None),  # 1 s after T − 30 d: in
    (624,  "s22",   ts("2026-04-30T00:00:00"),     15.0,   "paid",      "A"),   # exactly T − 2 months: out
    (625,  "s24",   ts("2026-05-30T00:00:00"),     16.0,   "paid",      "B"),   # exactly T − 1 month: in
    (626,  "ß-25",  ts("2026-04-30T00:00:01"),     None,   "paid",      "B"),   # in; amount missing
    (627,  "x y",   ts("2026-05-15T00:00:00"),     -3.0,   "refunded",  "D"),
]

_SHOP_VISIT_ROWS: list[tuple[Any, ...]] = [
    # id   shopper  day                store
    (701,  "s01",   d("2026-06-20"),   "Paris"),   # then the next day
    (702,  "s01",   d("2026-06-21"),   "Lyon"),
    (703,  "s02",   d("2026-06-20"),   "Paris"),   # then 2 days later
    (704,  "s02",   d("2026-06-22"),   "Paris"),
    (705,  "s03",   d("2026-06-29"),   "Paris"),   # date(T) − 1: its day has elapsed
    (706,  "s04",   d("2026-06-30"),   "Paris"),   # date(T): not elapsed
    (707,  "s05",   d("2026-06-25"),   "Paris"),   # twice on one day
    (708,  "s05",   d("2026-06-25"),   None),
    (709,  "s06",   d("2026-06-29"),   "Nice"),    # then on date(T)
    (710,  "s06",   d("2026-06-30"),   "Nice"),
    (711,  "s07",   d("2026-06-30"),   "Nice"),    # then after date(T)
    (712,  "s07",   d("2026-07-01"),   "Nice"),
    (713,  "s08",   d("2026-06-23"),   "Lille"),   # date(T) − 7
    (714,  "s09",   d("2026-06-24"),   "Lille"),   # date(T) − 6
]
# fmt: on

TABLES.update(
    {
        "shoppers": _rows("shoppers", _SHOPPER_ROWS),
        "shopper_events": _rows("shopper_events", _SHOPPER_EVENT_ROWS),
        "shopper_orders": _rows("shopper_orders", _SHOPPER_ORDER_ROWS),
        "shop_visits": _rows("shop_visits", _SHOP_VISIT_ROWS),
    }
)

ALL_SHOPPERS = frozenset(r["shopper_id"] for r in TABLES["shoppers"])
# Every entity's keys, for tests that range over all corpus entities.
ALL_KEYS: dict[str, frozenset[Any]] = {
    "customer": ALL_CUSTOMERS,
    "account": ALL_ACCOUNTS,
    "shopper": ALL_SHOPPERS,
}


# ---- the `person` entity: calendar time, zones and values of events (language.md §11–15) --
# Its own tables again. The instants sit on the edges of calendar periods in the zones the
# zoned corpus is evaluated in (tests/corpus_tz, Europe/Berlin and America/New_York), around
# both 2026 switches of summer time in each:
#
#   Berlin:   2026-03-29 01:00Z (02:00 → 03:00, a 23-hour day)
#             2026-10-25 01:00Z (03:00 → 02:00, a 25-hour day)
#   New York: 2026-03-08 07:00Z (02:00 → 03:00)   2026-11-01 06:00Z (02:00 → 01:00)
#
# Every local midnight of the days around them (and of month, quarter and year starts) is
# turned into its UTC instant; orders sit exactly on it, one second before and one hour
# after, spread over the persons. Ties (two orders of one person at one instant), missing
# amounts and categories, and persons with no orders are built in.

SCHEMA.update(
    {
        "tz_people": [
            ("person_id", "integer"),
            ("city", "string"),
            ("birth_city", "string"),
            ("grp", "string"),
            ("points", "number"),
            ("bonus", "number"),
            ("born_on", "date"),
            ("last_login", "timestamp"),
        ],
        "tz_orders": [
            ("order_id", "integer"),
            ("person_id", "integer"),
            ("at", "timestamp"),
            ("amount", "number"),
            ("category", "string"),
        ],
        "tz_visits": [
            ("visit_id", "integer"),
            ("person_id", "integer"),
            ("day", "date"),
            ("store", "string"),
        ],
    }
)

TZ_ZONES = ("Europe/Berlin", "America/New_York")
_TZ_DAYS = [
    "2025-12-31", "2026-01-01", "2026-02-28", "2026-03-01", "2026-03-07", "2026-03-08",
    "2026-03-09", "2026-03-10", "2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31",
    "2026-04-01", "2026-06-29", "2026-06-30", "2026-07-01", "2026-10-24", "2026-10-25",
    "2026-10-26", "2026-10-27", "2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03",
    "2025-06-30", "2026-04-30", "2026-05-01", "2026-05-31", "2026-06-01", "2026-06-22",
    "2026-06-28",
]  # fmt: skip


def _local_midnight_utc(day: str, zone: str) -> dt.datetime:
    import zoneinfo

    local = dt.datetime.combine(d(day), dt.time()).replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _tz_instants() -> list[dt.datetime]:
    out: set[dt.datetime] = set()
    for zone in ("UTC", *TZ_ZONES):
        for day in _TZ_DAYS:
            m = _local_midnight_utc(day, zone)
            out |= {m, m - dt.timedelta(seconds=1), m + dt.timedelta(hours=1)}
    # the switches themselves, and the hours around them
    for switch in ("2026-03-29T01:00", "2026-10-25T01:00", "2026-03-08T07:00", "2026-11-01T06:00"):
        s = ts(switch)
        out |= {s, s - dt.timedelta(minutes=30), s + dt.timedelta(minutes=30)}
    return sorted(out)


TZ_INSTANTS = _tz_instants()
_CATEGORIES = ["books", "toys", "sports", None, "books", "toys", "Toys"]
_TZ_PEOPLE = 16  # persons 15 and 16 have no orders


def _tz_tables() -> dict[str, list[dict[str, Any]]]:
    orders: list[tuple[Any, ...]] = []
    for i, at in enumerate(TZ_INSTANTS):
        person = (i // 2) % 14 + 1  # neighbouring instants: often the same person
        amount = None if i % 9 == 4 else float((i * 7) % 50 + 1)
        orders.append((1000 + i, person, at, amount, _CATEGORIES[i % len(_CATEGORIES)]))
        if i % 11 == 3:
            # a tie: a second order of the same person at the same instant
            tie_cat = _CATEGORIES[(i + 2) % len(_CATEGORIES)]
            tie_amount = None if i % 2 else float((i * 3) % 50 + 1)
            orders.append((5000 + i, person, at, tie_amount, tie_cat))
    visits: list[tuple[Any, ...]] = []
    days = sorted({d(x) + dt.timedelta(days=k) for x in _TZ_DAYS for k in (0, 6)})
    for i, day in enumerate(days):
        visits.append((7000 + i, i % 13 + 1, day, ["north", "south", None][i % 3]))
    people: list[tuple[Any, ...]] = []
    cities = ["Berlin", "Paris", None, "Rome"]
    # Persons 1–9 logged in and were born around T (2026-06-30T00:00, a Tuesday), on the
    # edges of its day, week, month, quarter and year; 10–16 around the switches.
    near_t = [
        ts("2026-06-29T23:59:59"), ts("2026-06-30T00:00:00"), ts("2026-06-29T10:00:00"),
        ts("2026-06-28T10:00:00"), None, ts("2026-06-22T00:00:00"), ts("2026-06-01T00:00:00"),
        ts("2026-05-31T23:00:00"), ts("2026-04-01T00:00:00"),
    ]  # fmt: skip
    born_near_t = [
        d("2026-06-30"), d("2026-06-29"), d("2026-06-28"), d("2026-06-22"), None,
        d("2026-05-31"), d("2026-03-01"), d("2026-02-28"), d("2025-12-31"),
    ]  # fmt: skip
    for p in range(1, _TZ_PEOPLE + 1):
        if p <= len(near_t):
            login, born = near_t[p - 1], born_near_t[p - 1]
        else:
            login = TZ_INSTANTS[(p * 37) % len(TZ_INSTANTS)] if p % 5 else None
            born = days[(p * 11) % len(days)] if p % 6 else None
        login = {
            11: ts("2025-12-31T23:30:00"),  # last year in UTC; 2026-01-01 in Berlin
            13: ts("2026-11-01T06:00:00"),  # the New York switch
            14: ts("2026-10-25T00:30:00"),  # Berlin's 25-hour day
            16: ts("2026-03-08T06:30:00"),  # New York's 23-hour day
        }.get(p, login)
        points = None if p % 7 == 0 else float((p * 13) % 11)  # some ties
        bonus = None if p % 4 == 0 else float((p * 5) % 4)
        people.append(
            (
                p,
                cities[p % 4],
                cities[(p * 3) % 4],
                ["a", "b", None][p % 3],
                points,
                bonus,
                born,
                login,
            )
        )
    return {
        "tz_people": _rows("tz_people", people),
        "tz_orders": _rows("tz_orders", orders),
        "tz_visits": _rows("tz_visits", visits),
    }


TABLES.update(_tz_tables())
ALL_PERSONS = frozenset(r["person_id"] for r in TABLES["tz_people"])
ALL_KEYS["person"] = ALL_PERSONS
