"""Hypothesis strategies for rule files: generated from grammar/segdsl.lark, and mutated.

``rule_files()`` follows the grammar token by token (random whitespace, keyword case and
comments); ``mutated_files()`` breaks such files the ways files get broken: tokens
deleted, swapped or inserted, random bytes, invalid UTF-8, NUL bytes, CRLF or lone CR
line ends, a byte-order mark, very long lines. Used by tests/test_fmt.py,
tests/test_fuzz.py and tests/fuzz_run.py.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from pathlib import Path

from hypothesis import strategies as st

META_ORDER = {"title": 0, "description": 1, "owner": 2, "tags": 3}

# Names that look like keywords (`notable`, `oregon`, `days`, `title` …) test the lexer.
NAMES = [
    *"a x e T Z _ x1 Age age_2 notable oregon andy isabel hasty byte topic lastly".split(),
    *"setting days week title tags owner Distinct_ IN_ order count_ sumo _private".split(),
    "customer_lifetime_value_in_euros",
    "number_of_support_tickets_opened",
]
COMMENT_TEXT = st.text(
    st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=12
)
STRING_TEXT = st.text(
    st.one_of(
        st.sampled_from(list("#\"'\\\n\t x")),
        st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)),
    ),
    max_size=8,
)
dt_min = dt.datetime(1900, 1, 1)
dt_max = dt.datetime(2100, 12, 31)
UNITS = ["day", "days", "week", "weeks", "month", "months", "year", "years"]


def _from_pattern(rng: random.Random, signed: bool) -> str:
    """A number as a user may write it: `-12`, `1_000`, `007`, `2.50`, `3.1_4`."""
    digits = "".join(rng.choice("0123456789_") for _ in range(rng.randrange(4)))
    text = rng.choice("0123456789") + digits
    if signed:
        if rng.random() < 0.3:
            text += "." + rng.choice("0123456789") + rng.choice(["", "0", "5_0", "25"])
        if rng.random() < 0.3:
            text = "-" + text
    return text


class Gen:
    """Random rule text following the grammar, token by token."""

    def __init__(self, draw: st.DrawFn, names: Sequence[str] = NAMES) -> None:
        self.draw = draw
        self.names = list(names)
        # With a catalog's names, segments and measures get fresh names (s1, m1 …) so
        # that they do not clash with attributes or with each other.
        self.fresh = names is not NAMES
        self.defined = 0
        self.comments: list[str] = []
        # Whitespace and keyword case come from a seeded generator: the structure is drawn
        # (and shrunk) by hypothesis, the spelling is cheap.
        self.rng = random.Random(draw(st.integers(0, 2**32)))

    def name(self) -> str:
        return self.rng.choice(self.names)

    def pick(self, *options: str) -> str:
        return self.draw(st.sampled_from(options))

    def chance(self, p: float = 0.5) -> bool:
        return self.draw(st.integers(0, 99)) < p * 100

    def kw(self, word: str) -> str:
        return " ".join(self.rng.choice([w, w, w.upper(), w.capitalize()]) for w in word.split())

    def ws(self) -> str:
        kind = self.rng.randrange(20)
        if kind == 0:
            text = "#" + self.draw(COMMENT_TEXT)
            self.comments.append(text.rstrip())
            return self.rng.choice([" ", "", "\t"]) + text + self.rng.choice(["\n", "\r\n", "\n  "])
        return [" ", " ", " ", " ", "  ", "\n", "\n  ", "\t", "\n\n"][kind % 9]

    def join(self, toks: list[str]) -> str:
        out = ""
        for t in toks:
            out += self.ws() + t
        return out

    # values
    def number(self, signed: bool = True) -> str:
        return _from_pattern(self.rng, signed)

    def string(self) -> str:
        value = self.draw(STRING_TEXT)
        q = self.pick('"', "'")
        other = "'" if q == '"' else '"'
        out = value.replace("\\", "\\\\").replace(q, "\\" + q).replace("\n", "\\n")
        out = out.replace("\t", self.pick("\t", "\\t"))
        if self.chance(0.3):
            out = out.replace(other, "\\" + other)
        return q + out + q

    def duration(self) -> list[str]:
        amount = self.number(signed=False)
        if int(amount.replace("_", "")) > 1000:  # durations are at most 1,000 years
            amount = str(int(amount.replace("_", "")) % 1000)
        return [amount, self.kw(self.pick(*UNITS))]

    def value(self) -> list[str]:
        kind = self.draw(st.integers(0, 6))
        if kind == 0:
            return [self.number()]
        if kind == 1:
            return [self.string()]
        if kind == 2:
            return [self.draw(st.dates(dt_min.date(), dt_max.date())).isoformat()]
        if kind == 3:
            ts = self.draw(st.datetimes(dt_min, dt_max))
            text = ts.strftime(self.pick("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"))
            if text.count(":") == 2 and self.chance(0.3):
                text += "." + f"{ts.microsecond:06d}"[: self.draw(st.integers(1, 6))]
            return [text + self.pick("", "", "Z", "+02:00", "-05:30")]
        if kind == 4:
            return [self.kw(self.pick("true", "false"))]
        if kind == 5:
            return [*self.duration(), self.kw("ago")]
        return [self.number()]

    def value_list(self) -> list[str]:
        open_, close = self.pick("()", "[]")
        toks = [open_]
        for i in range(self.draw(st.integers(0, 3))):
            if i:
                toks.append(",")
            toks.extend(self.value())
        return [*toks, close]

    def window(self) -> list[str]:
        if self.chance(0.3):
            return [
                self.kw("between"),
                *self.duration(),
                self.kw("ago"),
                self.kw("and"),
                *self.duration(),
                self.kw("ago"),
            ]
        return [self.kw("in last"), *self.duration()]

    def then(self, depth: int) -> list[str]:
        toks = [self.kw("then")]
        if self.chance():
            toks.append(self.kw("not"))
        toks += [self.name(), self.kw("within"), *self.duration()]
        if self.chance():
            toks += [self.kw("where"), "(", *self.or_expr(depth), ")"]
        return toks

    def coordinate(self) -> str:
        return (
            self.rng.choice(["", "-"])
            + str(self.rng.randrange(181))
            + self.rng.choice(["", ".5", ".8566", ".0"])
        )

    # expressions
    def sum_expr(self, depth: int) -> list[str]:
        toks = self.product(depth)
        for _ in range(self.draw(st.integers(0, 2 if depth else 0))):
            toks += [self.pick("+", "-"), *self.product(depth - 1)]
        return toks

    def product(self, depth: int) -> list[str]:
        toks = self.unary(depth)
        for _ in range(self.draw(st.integers(0, 1 if depth else 0))):
            toks += [self.pick("*", "/"), *self.unary(depth - 1)]
        return toks

    def unary(self, depth: int) -> list[str]:
        if depth and self.chance(0.1):
            return ["-", *self.unary(depth - 1)]
        return self.primary(depth)

    def primary(self, depth: int) -> list[str]:
        kind = self.draw(st.integers(0, 5 if depth else 2))
        if kind in (0, 1):
            return [self.name()]
        if kind == 2:
            return [self.number()] if self.chance(0.3) else [self.name()]
        if kind == 3:
            return [self.name(), ".", self.name()]
        if kind == 4:
            return ["(", *self.or_expr(depth - 1), ")"]
        return self.aggregate(depth - 1)

    def aggregate(self, depth: int) -> list[str]:
        func = self.pick("count", "sum", "avg", "min", "max", "first", "last", "count distinct")
        toks = [self.kw(func), "(", self.name()]
        if self.chance():
            toks += [".", self.name()]
        if self.chance():
            toks += self.window()
        if self.chance():
            toks += [self.kw("where"), *self.or_expr(depth)]
        return [*toks, ")"]

    # conditions
    def or_expr(self, depth: int) -> list[str]:
        toks = self.and_expr(depth)
        for _ in range(self.draw(st.integers(0, 2 if depth else 0))):
            toks += [self.kw("or"), *self.and_expr(depth - 1)]
        return toks

    def and_expr(self, depth: int) -> list[str]:
        toks = self.not_expr(depth)
        for _ in range(self.draw(st.integers(0, 3 if depth else 0))):
            toks += [self.kw("and"), *self.not_expr(depth - 1)]
        return toks

    def not_expr(self, depth: int) -> list[str]:
        if self.chance(0.15):
            return [self.kw("not"), *self.not_expr(depth - 1 if depth else 0)]
        return self.predicate(depth)

    def predicate(self, depth: int) -> list[str]:
        left = self.sum_expr(depth)
        kind = self.draw(st.integers(0, 20))
        if kind == 0:
            return left
        if kind == 18:
            return [
                self.kw("within"),
                self.number(),
                self.pick("km", "KM"),
                self.kw("of"),
                "(",
                self.coordinate(),
                ",",
                self.coordinate(),
                ")",
            ]
        if kind == 19:
            pct = str(self.rng.randrange(101)) + self.rng.choice(["", ".5"])
            toks = [self.kw("sample"), pct, "%"]
            return toks + ([self.kw("seed"), self.string()] if self.chance() else [])
        if kind == 1:
            return [*left, self.pick("=", "!=", "<>", "<", "<=", ">", ">="), *self.value()]
        if kind == 2:
            return [*left, *self.value(), "..", *self.value()]
        if kind == 3:
            return [*left, *self.value(), ".."]
        if kind == 4:
            return [*left, "..", *self.value()]
        if kind == 5:
            return [*left, self.kw("between"), *self.value(), self.kw("and"), *self.value()]
        if kind == 6:
            neg = [self.kw("not")] if self.chance() else []
            return [*left, *neg, self.kw("in"), *self.value_list()]
        if kind == 7:
            neg = [self.kw("not")] if self.chance() else []
            return [*left, *neg, self.kw("in last"), *self.duration()]
        if kind == 8:
            what = self.pick("set", "missing", "null", "not null")
            return [*left, self.kw("is"), self.kw(what)]
        if kind == 9:
            return [
                *left,
                self.kw(self.pick("contains", "starts with", "ends with")),
                self.string(),
            ]
        if kind == 10:
            return [*left, self.kw("has"), *self.value()]
        if kind == 11:
            return [*left, self.kw("has " + self.pick("any", "all", "none")), *self.value_list()]
        if kind == 12:
            return [*left, self.kw(self.pick("before", "after")), *self.value()]
        if kind == 13:
            return [self.kw("in segment"), self.name()]
        if kind in (14, 15):
            toks = [self.kw("did")]
            if self.chance():
                toks.append(self.kw("not"))
            toks.append(self.name())
            if self.chance():
                toks += self.window()
            if self.chance():
                toks += [self.kw("where"), "(", *self.or_expr(depth - 1 if depth else 0), ")"]
            if self.chance(0.3):
                toks += self.then(depth - 1 if depth else 0)
            return toks
        pct = str(self.rng.randrange(101)) + self.rng.choice(["", "", ".5", ".25", ".0"])
        per = [self.kw("per"), self.name()] if self.chance(0.3) else []
        return [self.kw(self.pick("top", "bottom")), pct, "%", self.kw("by"), *left, *per]

    # statements
    def def_name(self, prefix: str) -> str:
        if not self.fresh:
            return self.name()
        self.defined += 1
        return f"{prefix}{self.defined}"

    def statement(self, depth: int) -> list[str]:
        if self.chance(0.3):
            return [self.kw("measure"), self.def_name("m"), "=", *self.sum_expr(depth)]
        toks = [self.kw("segment"), self.def_name("s")]
        if self.chance(0.3):
            toks += [self.kw("of"), self.name()]
        keys = self.draw(st.permutations(list(META_ORDER)))
        for key in keys[: self.draw(st.integers(0, 4))]:
            toks.append(key)
            n = self.draw(st.integers(1, 3)) if key == "tags" else 1
            for i in range(n):
                if i:
                    toks.append(",")
                toks.append(self.string())
        return [*toks, self.kw("where"), *self.or_expr(depth)]


@st.composite
def rule_files(draw: st.DrawFn, names: Sequence[str] = NAMES) -> tuple[str, list[str]]:
    """A rule file that follows the grammar, and the comments it holds. ``names`` are the
    names to draw from (the default: names that look like keywords, for the lexer; a
    catalog's names give rules that also resolve)."""
    g = Gen(draw, names)
    toks: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        toks += g.statement(draw(st.integers(0, 3)))
    text = g.join(toks) + g.ws()
    if draw(st.booleans()):
        text = text.lstrip(" \t\n")
    return text, g.comments


# ---- names of a catalog ---------------------------------------------------------------


def catalog_names(catalog_path: Path) -> list[str]:
    """Names a rule may use with this catalog (entities, attributes, events, fields), plus
    a few segment and measure names, so that generated rules often resolve."""
    from segdsl.catalog.model import load_catalog

    cat = load_catalog(catalog_path)
    names: set[str] = set()
    for ent in cat.entities.values():
        names.add(ent.name)
        names.update(ent.attributes)
    for ev in cat.events.values():
        names.add(ev.name)
        names.update(ev.fields)
    names.update(["s1", "s2", "m1", "m2", "timestamp", "km"])
    return sorted(names)


# ---- mutations ------------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|\w+|\.\.|[<>!=]=|\S")
# Tokens worth inserting: every keyword and operator, and things the grammar lacks.
INSERTS = [
    *"segment measure where of and or not in is set missing null between has any all none".split(),
    *"contains starts ends with last first before after ago did top bottom by true false".split(),
    *"count sum avg min max then within per sample seed distinct days km".split(),
    *"( ) [ ] , . .. = != <> < <= > >= + - * / % # \" ' \\ ; -- /* */ $$ == && || ` @".split(),
    "1",
    "-5",
    "1e9",
    "99999999999999999999999999",
    "0.000000000001",
    "2024-02-30",
    "2024-13-01",
    "9999-12-31T23:59:59+00:00",
    "0001-01-01T00:00:00+14:00",
    "'unterminated",
    '"a\\qb"',
    "\u00e9t\u00e9",
    "\u0430ge",  # a Cyrillic a
    "\u200b",
    "\u2028",
    "\x0c",
    "\x00",
    "\x1b[31m",
    "\ufeff",
    "\r",
    "\U0001f600",
]
RAW_BYTES = [
    b"\xff",
    b"\xfe",
    b"\xc3",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x80",
    b"\x00",
]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


class Mutator:
    """Applies random damage to a text; each step draws from hypothesis (so failures
    shrink to few steps) and records what it did."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.steps: list[str] = []

    def index(self, n: int) -> int:
        return self.draw(st.integers(0, max(n - 1, 0)))

    def text_step(self, toks: list[str]) -> list[str]:
        kind = self.draw(
            st.sampled_from(["delete", "swap", "insert", "duplicate", "unicode", "long", "chop"])
        )
        self.steps.append(kind)
        if not toks:
            toks = [""]
        i = self.index(len(toks))
        if kind == "delete":
            return toks[:i] + toks[i + 1 :]
        if kind == "swap":
            j = self.index(len(toks))
            toks = list(toks)
            toks[i], toks[j] = toks[j], toks[i]
            return toks
        if kind == "insert":
            word = self.draw(st.sampled_from(INSERTS))
            sep = self.draw(st.sampled_from(["", " "]))
            return [*toks[:i], sep + word + sep, *toks[i:]]
        if kind == "duplicate":
            j = min(len(toks), i + 1 + self.index(20))
            return toks[:j] + toks[i:j] + toks[j:]
        if kind == "unicode":
            junk = self.draw(st.text(max_size=6))
            return [*toks[:i], junk, *toks[i:]]
        if kind == "long":
            unit = self.draw(st.sampled_from(["a", "9", "( ", "not ", "x and ", '"', "-", " "]))
            n = self.draw(st.sampled_from([300, 5_000, 70_000]))
            return [*toks[:i], unit * (n // len(unit)), *toks[i:]]
        return toks[:i]  # chop: the file ends early

    def byte_step(self, raw: bytes) -> bytes:
        kind = self.draw(st.sampled_from(["crlf", "cr", "bom", "bytes", "nul", "none"]))
        self.steps.append(kind)
        if kind == "crlf":
            return raw.replace(b"\n", b"\r\n")
        if kind == "cr":
            return raw.replace(b"\n", b"\r")
        if kind == "bom":
            return b"\xef\xbb\xbf" + raw
        if kind in ("bytes", "nul"):
            i = self.draw(st.integers(0, len(raw)))
            junk = (
                self.draw(st.sampled_from(RAW_BYTES)) if kind == "bytes" else b"\x00"
            ) * self.draw(st.integers(1, 3))
            return raw[:i] + junk + raw[i:]
        return raw


def mutate(draw: st.DrawFn, text: str) -> tuple[bytes, list[str]]:
    """``text`` broken by 0 to 3 text mutations and at most one byte-level one, as the
    bytes of a file; and the list of mutations applied."""
    m = Mutator(draw)
    toks = tokens(text)
    for _ in range(draw(st.integers(0, 3))):
        toks = m.text_step(toks)
    raw = "".join(toks).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        raw = m.byte_step(raw)
    return raw, m.steps


@st.composite
def mutated_files(draw: st.DrawFn, names: Sequence[str] = NAMES) -> tuple[bytes, list[str]]:
    """A generated rule file (:func:`rule_files`), broken by :func:`mutate`."""
    text, _ = draw(rule_files(names))
    return mutate(draw, text)


@st.composite
def mutated_seeds(draw: st.DrawFn, seeds: Sequence[str]) -> tuple[bytes, list[str]]:
    """One of ``seeds`` (real rule files, so that most of the text resolves), broken by
    :func:`mutate`."""
    return mutate(draw, draw(st.sampled_from(list(seeds))))
