"""Hostile strings and awkward catalog names for the injection tests
(tests/test_injection.py) and the injection matrix (tests/injection_matrix.py).

A rule file is untrusted: any text it holds must reach SQL only as a string literal
equal to what the rule says, in every dialect, and select exactly the rows whose value
is that text. The catalog is trusted, but its table and column names may be anything a
database allows (spaces, reserved words, mixed case, quotes, non-ASCII): they must be
quoted correctly everywhere.

Each compiled statement is compared with the statement compiled from the same rule
with a harmless placeholder in place of the hostile text: the token streams must be
identical except for the literals, and each literal must be the placeholder's literal
with the placeholder replaced by the hostile text. So nothing in the text can add a
statement, a comment, a clause or change another literal.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from segdsl.catalog.dialect_names import SQL_DIALECTS

AS_OF = dt.datetime(2026, 6, 30)
# Every SQL dialect sqlglot knows (DAX and PRQL, which are not SQL, are refused with
# U002: tests/house/test_one_of_each.py).
DIALECTS = sorted(SQL_DIALECTS)
# Dialects whose output sqlglot cannot read back as a statement: checked token by token
# only (none since DAX and PRQL are refused).
TOKENS_ONLY: frozenset[str] = frozenset()
PLACEHOLDER = "Zq9PLACEHOLDER9qZ"
LONG = ("'\"`\\;--/*$$" * 1_000)[:10_000]

# kind → the hostile text. The kinds are the rows of the injection matrix.
HOSTILE: dict[str, str] = {
    "single quote": "O'Neil",
    "doubled single quotes": "a''b",
    "quote breakout": "x'; DROP TABLE sentinel; --",
    "quote OR breakout": "' OR '1'='1",
    "double quote": 'say "hi"',
    "doubled double quotes": 'a""b',
    "double-quote breakout": 'x"; DROP TABLE sentinel; --',
    "backtick": "a`b``c",
    "acute and typographic quotes": "´‘’“”",
    "backslash at the end": "ends\\",
    "backslash-quote": "\\'",
    "double backslash": "\\\\",
    "backslash breakout": "\\'; DROP TABLE sentinel; --",
    "backslash-n text": "a\\nb",
    "semicolon": "a;b",
    "line comment --": "a -- b",
    "block comment /* */": "a /* b */ c",
    "unclosed /*": "/* open",
    "close */": "*/",
    "hash comment #": "# not a comment",
    "dollar quote $$": "$$ x $$",
    "tagged dollar quote": "$tag$x$tag$",
    "psycopg %s": "%s",
    "psycopg %(x)s": "%(x)s",
    "percent %%": "100%%",
    "qmark ?": "?",
    "named :name": ":name",
    "numeric $1": "$1",
    "braces {}": "{} {0}",
    "like wildcards % _": "%_",
    "fullwidth apostrophe U+FF07": "ｏ＇neil",
    "U+2019 apostrophe": "o’neil",
    "Cyrillic look-alike": "аdmin",
    "right-to-left override": "abc\u202e;--",
    "emoji (non-BMP)": "😀'😀",
    "newline": "line1\nline2",
    "tab": "a\tb",
    "NUL byte": "a\x00b",
    "everything at once": "'\"`´’;--/*$$\\%s?:x{}\n",
    "very long (10,000 chars)": LONG,
}

# Texts that cannot be written in a rule at all (no escape exists): the rule is
# rejected with a syntax error, and the data may still hold them.
UNWRITABLE: dict[str, str] = {"carriage return": "a\rb"}

# Plain rows that a hostile text must not match by accident.
DECOYS = ["admin", "O'Neil ", "o'neil", "x", "a", "", "line1", "Neil"]


def seg_string(value: str, quote: str = '"') -> str:
    """``value`` written as a segdsl text literal (language.md §4: the escapes are
    \\" \\' \\\\ \\n and \\t; other characters stand for themselves)."""
    if "\r" in value:
        raise ValueError("a carriage return cannot be written in a rule")
    out = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    return quote + out.replace(quote, "\\" + quote) + quote


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


# ---- the test project -------------------------------------------------------------

CATALOG = """\
[entity.item]
source = "items"
key = "id"

[entity.item.attributes]
name = "string"
tags = "list<string>"

[event.hit]
source = "hits"
entity = "item"
key = "item_id"
timestamp = "ts"
kind = { column = "k", value = KIND_VALUE }

[event.hit.fields]
label = "string"
"""


def catalog_text(kind_value: str = "hit") -> str:
    return CATALOG.replace("KIND_VALUE", toml_string(kind_value))


# Every place a text can go in a rule. `⟨V⟩` is the hostile text as a literal.
FORMS: dict[str, str] = {
    "eq": "name = ⟨V⟩",
    "ne": "name != ⟨V⟩",
    "in": 'name in (⟨V⟩, "zz")',
    "not_in": "name not in [⟨V⟩]",
    "contains": "name contains ⟨V⟩",
    "starts": "name starts with ⟨V⟩",
    "ends": "name ends with ⟨V⟩",
    "has": "tags has ⟨V⟩",
    "has_any": 'tags has any (⟨V⟩, "zz")',
    "has_all": "tags has all (⟨V⟩)",
    "has_none": "tags has none (⟨V⟩)",
    "did_where": "did hit where (label = ⟨V⟩)",
    "count_where": "count(hit in last 30 days where label contains ⟨V⟩) >= 1",
    "then_where": "did hit where (label = ⟨V⟩) then hit within 1 day where (label != ⟨V⟩)",
    "sample_seed": "sample 50% seed ⟨V⟩",
}
# The very long text goes in these places only (its length, not its place, is tested).
LONG_FORMS = ["eq", "ends", "has", "did_where", "sample_seed"]
COMBINED = " or ".join(f"({f})" for f in FORMS.values())

# Rules whose members the oracle knows: (form, predicate over one item row).
Row = dict[str, Any]


def _ci(op: str) -> Callable[[str, str], bool]:
    def test(subject: str, needle: str) -> bool:
        s, n = subject.lower(), needle.lower()
        return {"contains": n in s, "starts": s.startswith(n), "ends": s.endswith(n)}[op]

    return test


def oracle(form: str, value: str, row: Row, hits: list[Row]) -> bool:
    """Is the item ``row`` (with its ``hits``) a member of ``FORMS[form]`` with ``V``
    = ``value``? Written from language.md, independently of the compiler."""
    name, tags = row["name"], row["tags"]
    labels = [h["label"] for h in hits if h["ts"] <= AS_OF]
    if form == "eq":
        return name == value
    if form == "ne":
        return name != value
    if form == "in":
        return name in (value, "zz")
    if form == "not_in":
        return name != value
    if form in ("contains", "starts", "ends"):
        return name is not None and _ci(form)(name, value)
    if form == "has":
        return tags is not None and value in tags
    if form == "has_any":
        return tags is not None and (value in tags or "zz" in tags)
    if form == "has_all":
        return tags is not None and value in tags
    if form == "has_none":
        return tags is None or value not in tags
    if form == "did_where":
        return value in labels
    raise KeyError(form)


EXECUTED_FORMS = [
    "eq",
    "ne",
    "in",
    "not_in",
    "contains",
    "starts",
    "ends",
    "has",
    "has_any",
    "has_all",
    "has_none",
    "did_where",
]


@dataclass(frozen=True)
class Data:
    items: list[Row]
    hits: list[Row]

    def hits_of(self, item_id: int) -> list[Row]:
        return [h for h in self.hits if h["item_id"] == item_id]


ITEM_COLUMNS = [("id", "integer"), ("name", "string"), ("tags", "list<string>")]
HIT_COLUMNS = [("item_id", "integer"), ("ts", "timestamp"), ("k", "string"), ("label", "string")]
SENTINEL_COLUMNS = [("id", "integer"), ("secret", "string")]
SENTINEL_ROWS = [[1, "keep me"], [2, "O'Neil; DROP"], [3, None]]


def dataset(values: list[str]) -> Data:
    """An item per hostile text and per decoy (its name, its tags and its hit's label
    are that text), and one item with nothing set."""
    items: list[Row] = []
    hits: list[Row] = []
    texts = list(dict.fromkeys([*values, *DECOYS]))
    for i, text in enumerate(texts, start=1):
        items.append({"id": i, "name": text, "tags": [text, "other"]})
        hits.append({"item_id": i, "ts": dt.datetime(2026, 6, 20, 12), "k": "hit", "label": text})
    items.append({"id": len(texts) + 1, "name": None, "tags": None})
    return Data(items, hits)


# ---- comparing a hostile statement with the placeholder's -------------------------


def tokens(sql: str, dialect: str) -> list[Token]:
    return sqlglot.tokenize(sql, read=dialect)


@functools.cache
def benign_tokens(sql: str, dialect: str) -> list[Token]:
    return tokens(sql, dialect)


@functools.cache
def benign_literals(sql: str, dialect: str) -> list[str]:
    tree = sqlglot.parse_one(sql, read=dialect)
    return [lit.this for lit in tree.find_all(exp.Literal) if lit.is_string]


def _is_text(tok: Token) -> bool:
    return tok.token_type in (TokenType.STRING, TokenType.NATIONAL_STRING)


def _same_length(hostile: Token, benign: Token, value: str) -> bool:
    """`starts with` / `ends with` compare a number of characters: the text's length."""
    return (
        benign.token_type == TokenType.NUMBER
        and benign.text == str(len(PLACEHOLDER))
        and hostile.text == str(len(value))
    )


def same_shape(hostile: str, benign: str, dialect: str, value: str) -> list[str]:
    """The differences between the hostile statement and the placeholder's, token by
    token and (for SQL dialects) literal by literal after parsing; [] when they are the
    same statement up to the text."""
    problems: list[str] = []
    th, tb = tokens(hostile, dialect), benign_tokens(benign, dialect)
    if len(th) != len(tb):
        return [f"{len(th)} tokens instead of {len(tb)}"]
    for a, b in zip(th, tb, strict=True):
        if a.token_type != b.token_type:
            problems.append(f"token {a.text!r} is {a.token_type.name}, not {b.token_type.name}")
        elif _is_text(b):
            if a.text != b.text.replace(PLACEHOLDER, value):
                problems.append(f"literal {a.text[:60]!r} is not {b.text[:60]!r} with the text")
        elif a.text != b.text and not _same_length(a, b, value):
            problems.append(f"token {a.text[:60]!r} is not {b.text[:60]!r}")
        if a.comments != b.comments:
            problems.append(f"a comment appeared: {a.comments!r}")
    if problems or dialect in TOKENS_ONLY:
        return problems
    trees = sqlglot.parse(hostile, read=dialect)
    if len(trees) != 1 or trees[0] is None:
        return [f"{len(trees)} statements"]
    lits = [lit.this for lit in trees[0].find_all(exp.Literal) if lit.is_string]
    want = [lit.replace(PLACEHOLDER, value) for lit in benign_literals(benign, dialect)]
    if Counter(lits) != Counter(want):
        problems.append("the parsed string literals differ from the rule's texts")
    if value and not any(value in lit for lit in lits):
        problems.append("the text is not one of the parsed literals")
    return problems


def fill(template: str, value: str, quote: str = '"') -> str:
    """A rule template with ``⟨V⟩`` replaced by ``value`` written as a text literal."""
    return template.replace("⟨V⟩", seg_string(value, quote))


# ---- catalog names that need quoting ----------------------------------------------

# Physical (table and column) names a database allows and that need quoting, each
# with the plain name it replaces in an otherwise identical catalog.
AWKWARD_NAMES: dict[str, str] = {
    "Client Table": "p_clients",  # a space, upper case
    "CustomerID": "p_key",  # mixed case
    "select": "select",  # reserved words: kept in the plain catalog (see NAMES_ORACLE)
    "from": "from",
    "order": "order",
    "group": "group",
    "user": "user",
    "table": "table",
    "Customer Name": "p_customer_name",
    "re-gion": "p_region",  # a hyphen
    'say "hi"': "p_quoted",  # a double quote
    "back`tick": "p_tick",  # a backtick
    "it's": "p_apos",  # a single quote
    "Straße": "p_stadt",  # non-ASCII
    "возраст": "p_alter",
    "Lat itude": "p_lat",
    "LON": "p_lon",
    "Tags List": "p_tags",
    "Order Lines": "p_lines",  # an event table
    "Customer ID": "p_cust",
    "Time Stamp": "p_ts",
    "Kind-Of": "p_kind",
    "Amount ($)": "p_amount",
    "Visit Log": "p_visits",
    "Visit Date": "p_visit_date",
}

NAMES_CATALOG = """\
[entity.client]
source = {Client Table}
key = {CustomerID}

[entity.client.attributes]
select = "string"
from = "integer"
order = "integer"
group = "string"
user = "string"
table = "string"
CustomerName = { type = "string", column = {Customer Name} }
region = { type = "string", column = {re-gion} }
quoted = { type = "string", column = {say "hi"} }
tick = { type = "string", column = {back`tick} }
apos = { type = "string", column = {it's} }
stadt = { type = "string", column = {Straße} }
vozrast = { type = "integer", column = {возраст} }
tags = { type = "list<string>", column = {Tags List} }

[entity.client.location]
lat = {Lat itude}
lon = {LON}

[event.buy]
source = {Order Lines}
entity = "client"
key = {Customer ID}
timestamp = {Time Stamp}
kind = { column = {Kind-Of}, value = "buy" }

[event.buy.fields]
amount = { type = "number", column = {Amount ($)} }
note = { type = "string", column = {select} }

[event.view]
source = {Order Lines}
entity = "client"
key = {Customer ID}
timestamp = {Time Stamp}
kind = { column = {Kind-Of}, value = "view" }

[event.visit]
source = {Visit Log}
entity = "client"
key = {user}
timestamp = { column = {Visit Date}, type = "date" }
"""

# Logical names that are SQL reserved words are quoted where the compiler uses them
# as column aliases; the plain catalog renames only the physical names.
NAMES_SEGMENTS = {
    "s_select": 'select = "x"',
    "s_from": "from 2..3",
    "s_order": "order > 1",
    "s_group": 'group in ("g1")',
    "s_user": 'user contains "U"',
    "s_table": 'table starts with "t"',
    "s_name": 'CustomerName ends with "n"',
    "s_region": "region is set",
    "s_quoted": 'quoted != "q"',
    "s_tick": 'tick = "t"',
    "s_apos": 'apos = "a"',
    "s_stadt": 'stadt = "München"',
    "s_vozrast": "vozrast > 30",
    "s_tags": 'tags has "x"',
    "s_buy": 'count(buy where note = "n") >= 1',
    "s_amount": "sum(buy.amount) > 10",
    "s_view": "did view in last 30 days",
    "s_visit": "did visit in last 30 days",
    "s_rank": "top 50% by sum(buy.amount) per group",
    "s_near": "within 100 km of (48.1, 11.5)",
    "s_sample": 'sample 50% seed "x"',
    "s_seq": "did buy then view within 7 days",
    "s_distinct": "count distinct(buy.note) >= 1",
    "s_last": "last(buy) after 2026-06-01",
    "s_in_segment": "in segment s_select or not in segment s_tick",
}

# Segments whose members plain Python computes from the client rows alone.
NAMES_ORACLE: dict[str, Callable[[Row], bool]] = {
    "s_select": lambda r: r["select"] == "x",
    "s_from": lambda r: r["from"] is not None and 2 <= r["from"] <= 3,
    "s_order": lambda r: r["order"] is not None and r["order"] > 1,
    "s_group": lambda r: r["group"] == "g1",
    "s_user": lambda r: r["user"] is not None and "u" in r["user"].lower(),
    "s_table": lambda r: r["table"] is not None and r["table"].lower().startswith("t"),
    "s_name": lambda r: r["Customer Name"] is not None and r["Customer Name"].endswith("n"),
    "s_region": lambda r: r["re-gion"] is not None,
    "s_quoted": lambda r: r['say "hi"'] != "q",
    "s_tick": lambda r: r["back`tick"] == "t",
    "s_apos": lambda r: r["it's"] == "a",
    "s_stadt": lambda r: r["Straße"] == "München",
    "s_vozrast": lambda r: r["возраст"] is not None and r["возраст"] > 30,
    "s_tags": lambda r: r["Tags List"] is not None and "x" in r["Tags List"],
}


def names_catalog(plain: bool) -> str:
    """The catalog with its awkward physical names, or (``plain``) the same catalog
    with plain ones. Reserved words stay in both (as attribute names they are also the
    column names); plain Python checks the segments over them (NAMES_ORACLE)."""
    text = NAMES_CATALOG
    for physical, simple in AWKWARD_NAMES.items():
        text = text.replace("{" + physical + "}", toml_string(simple if plain else physical))
    assert "{" not in text.replace("{ ", "").replace(" }", ""), "an unmapped name"
    return text


def names_segments() -> str:
    return "".join(f"segment {n} where {rule}\n" for n, rule in NAMES_SEGMENTS.items())


CLIENT_COLUMNS = [
    ("CustomerID", "integer"),
    ("select", "string"),
    ("from", "integer"),
    ("order", "integer"),
    ("group", "string"),
    ("user", "string"),
    ("table", "string"),
    ("Customer Name", "string"),
    ("re-gion", "string"),
    ('say "hi"', "string"),
    ("back`tick", "string"),
    ("it's", "string"),
    ("Straße", "string"),
    ("возраст", "integer"),
    ("Lat itude", "number"),
    ("LON", "number"),
    ("Tags List", "list<string>"),
]
LINE_COLUMNS = [
    ("Customer ID", "integer"),
    ("Time Stamp", "timestamp"),
    ("Kind-Of", "string"),
    ("Amount ($)", "number"),
    ("select", "string"),
]
VISIT_COLUMNS = [("user", "integer"), ("Visit Date", "date")]


def names_tables() -> dict[str, tuple[list[tuple[str, str]], list[Row]]]:
    """Deterministic rows for the awkward-names catalog: table → (columns, rows as
    dicts keyed by physical column name)."""
    import random

    rnd = random.Random(8)

    def pick(*options: Any) -> Any:
        return rnd.choice([*options, None])

    clients: list[Row] = []
    lines: list[Row] = []
    visits: list[Row] = []
    for cid in range(1, 41):
        clients.append(
            {
                "CustomerID": cid,
                "select": pick("x", "y"),
                "from": pick(1, 2, 3, 4),
                "order": pick(0, 1, 2, 5),
                "group": pick("g1", "g2"),
                "user": pick("Ulla", "bob", "sue"),
                "table": pick("Tisch", "desk", "t"),
                "Customer Name": pick("Ann", "Jon", "Eve"),
                "re-gion": pick("north", "south"),
                'say "hi"': pick("q", "r"),
                "back`tick": pick("t", "u"),
                "it's": pick("a", "b"),
                "Straße": pick("München", "Köln"),
                "возраст": pick(20, 31, 45),
                "Lat itude": rnd.choice([48.2, 48.9, 52.5, None]),
                "LON": rnd.choice([11.6, 11.4, 13.4]),
                "Tags List": pick(["x", "y"], ["y"], []),
            }
        )
        for n in range(rnd.randint(0, 3)):
            day = rnd.randint(1, 29)
            lines.append(
                {
                    "Customer ID": cid,
                    "Time Stamp": dt.datetime(2026, 6, day, 10 + n),
                    "Kind-Of": rnd.choice(["buy", "view"]),
                    "Amount ($)": rnd.choice([5.0, 12.5, None]),
                    "select": pick("n", "m"),
                }
            )
        if rnd.random() < 0.5:
            visits.append({"user": cid, "Visit Date": dt.date(2026, 6, rnd.randint(1, 29))})
    return {
        "Client Table": (CLIENT_COLUMNS, clients),
        "Order Lines": (LINE_COLUMNS, lines),
        "Visit Log": (VISIT_COLUMNS, visits),
    }
