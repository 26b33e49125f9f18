"""Turn Lark's parse errors into messages in the reader's words, with a hint.

Lark says *which terminals* it expected; a marketer needs to hear what to write. The
translation has two parts: the expected terminals named in words, and a few targeted
hints for the mistakes people actually make (`age = 25-34`, `between 25 to 34`, a
missing quote or parenthesis, `==`, `&&`, unquoted text …).
"""

from __future__ import annotations

import re

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from segdsl.diagnostics import Diagnostic, Source, Span

META_KEYS = ("title", "description", "owner", "tags")
_KEYWORDS = frozenset(("count", "sum", "avg", "min", "max", "first", "last", "true", "false"))

_WORDS: dict[str, str] = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a text in quotes",
    "DATE": "a date",
    "TIMESTAMP": "a timestamp",
    "EQ": "`=`",
    "NE": "`!=`",
    "LT": "`<`",
    "LE": "`<=`",
    "GT": "`>`",
    "GE": "`>=`",
    "RANGE": "`..`",
    "DOT": "`.`",
    "PLUS": "`+`",
    "MINUS": "`-`",
    "STAR": "`*`",
    "SLASH": "`/`",
    "PERCENT": "`%`",
    "COMMA": "`,`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "$END": "the end of the file",
}
_COMPARISONS = {"EQ", "NE", "LT", "LE", "GT", "GE"}
_ORDER = [
    "WHERE",
    "RPAR",
    "AND",
    "OR",
    "NAME",
    "NUMBER",
    "STRING",
    "DATE",
    "LPAR",
    "SEGMENT",
    "MEASURE",
]

CONDITION_EXAMPLE = 'age 25..34 and country = "US"'

_TOKEN_RE = re.compile(
    r"\d{4}-\d\d-\d\d(?:T[\d:.]+Z?)?|(?<![\w)\]])-?\d[\d_]*(?:\.\d[\d_]*)?|[A-Za-z_]\w*|\.\.|[<>!=]=|&&|\|\||"
    r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|\S"
)


_STATEMENT_STARTS = {"SEGMENT", "MEASURE", "SEGMENTATION", "$END"}


def _expected_words(expected: set[str]) -> list[str]:
    if {"DID", "TOP", "NAME"} <= expected:
        return ["a condition"]
    if {"STRING", "COUNT", "NAME", "NUMBER"} <= expected:
        return ["a value (a number, a text in quotes, a date) or an expression"]
    if {"COUNT", "NAME", "NUMBER"} <= expected:
        return ["a name, a number or an aggregate such as `count(…)`"]
    names = sorted(expected, key=lambda n: (_ORDER.index(n) if n in _ORDER else 99, n))
    out: list[str] = []
    if expected & _COMPARISONS:
        out.append("a comparison (=, !=, <, <=, >, >=)")
    for n in names:
        if n in _COMPARISONS or n.startswith("__") or n in ("WS", "COMMENT"):
            continue
        word = _WORDS.get(n, f"`{n.lower()}`")
        if word not in out:
            out.append(word)
    return out


def _previous_tokens(text: str, offset: int) -> list[str]:
    before = re.sub(r"#[^\n]*", "", text[:offset])
    return _TOKEN_RE.findall(before)


def _unclosed_paren(text: str, offset: int) -> tuple[int, int] | None:
    """Line and column of the last `(` or `[` before ``offset`` that is not closed."""
    stack: list[int] = []
    in_str: str | None = None
    i = 0
    while i < offset:
        ch = text[i]
        if in_str:
            if ch == "\\":
                i += 1
            elif ch == in_str or ch == "\n":
                in_str = None
        elif ch in "\"'":
            in_str = ch
        elif ch == "#":
            while i < offset and text[i] != "\n":
                i += 1
        elif ch in "([":
            stack.append(i)
        elif ch in ")]" and stack:
            stack.pop()
        i += 1
    if not stack:
        return None
    pos = stack[-1]
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(s) + 1 for s in lines[: line - 1]) + column - 1


def describe_syntax_error(exc: UnexpectedInput, source: Source) -> Diagnostic:
    text = source.text
    line = exc.line if exc.line and exc.line > 0 else text.count("\n") + 1
    column = exc.column if exc.column and exc.column > 0 else 1
    width = 1
    expected: set[str] = set()
    if isinstance(exc, UnexpectedToken):
        expected = set(exc.expected)
        tok = exc.token
        if tok.type == "$END":
            got = "the end of the file"
            stripped = text.rstrip()
            line = stripped.count("\n") + 1
            column = len(stripped) - (stripped.rfind("\n") + 1) + 1
            got_text = ""
        else:
            got_text = str(tok)
            got = f"`{got_text}`"
            width = max(len(got_text), 1)
    elif isinstance(exc, UnexpectedCharacters):
        expected = set(exc.allowed or ())
        pos = exc.pos_in_stream or 0
        got_text = text[pos] if pos < len(text) else ""
        got = f"`{got_text}`"
    elif isinstance(exc, UnexpectedEOF):
        expected = set(exc.expected)
        got, got_text = "the end of the file", ""
    else:  # pragma: no cover
        got, got_text = "this", ""
    offset = _offset(text, line, column) if got_text else len(text.rstrip())
    prev = _previous_tokens(text, offset)
    last = prev[-1].lower() if prev else ""
    if expected and expected <= _STATEMENT_STARTS and "where" in (p.lower() for p in prev):
        # After a complete condition (LALR reduces it early, as a segmentation's next
        # class may follow): what the reader can still write is `and`/`or`.
        expected = expected | {"AND", "OR"}
    words = _expected_words(expected)
    if expected and expected <= _STATEMENT_STARTS | {"AND", "OR"} and {"AND", "OR"} <= expected:
        words = ["`and`", "`or`", "the end of the rule"]
    label = ("expected " + _join_or(words)) if words else ""
    hint = ""
    message = f"unexpected {got}" if got_text else "the rule ends too early"
    span_line, span_col = line, column

    rest = text[offset:]
    if got_text in ('"', "'"):
        message = "this text has no closing quote"
        label = "text starts here"
        hint = f"end the text with {got_text} on the same line, e.g. {got_text}US{got_text}"
    elif got_text == "-" and len(prev) >= 2 and re.fullmatch(r"[\d_.]+", prev[-1]):
        message = "unexpected `-` after a number"
        label = "a range is not written with `-`"
        hint = "write a range with `..` (both ends included), e.g. `age 25..34`"
    elif last in ("=", "==") and got_text and re.match(r"\d", rest) and "-" in rest[:12]:
        hint = "write a range with `..` (both ends included), e.g. `age 25..34`"
    elif prev and prev[-1].lower() == "to" and "between" in (p.lower() for p in prev[-4:]):
        message = "`between` takes `and`, not `to`"
        label = "expected `and`"
        hint = "write `age between 25 and 34` (or `age 25..34`)"
        to_at = text.rfind(prev[-1], 0, offset)
        span_line = text.count("\n", 0, to_at) + 1
        span_col = to_at - (text.rfind("\n", 0, to_at) + 1) + 1
        width = len(prev[-1])
    elif got_text.lower() == "to" and "between" in (p.lower() for p in prev[-3:]):
        message = "`between` takes `and`, not `to`"
        label = "expected `and`"
        hint = "write `age between 25 and 34` (or `age 25..34`)"
        width = len(got_text)
    elif got_text.lower() == "within" and (
        m := re.match(r"within\s+(\d+)\s+(days?|weeks?|months?|years?)\b", rest, re.I)
    ):
        message = "a time window cannot follow a comparison"
        label = "the window goes inside the aggregate"
        agg = _aggregate_before([p.lower() for p in prev])
        func, event = agg if agg is not None else ("count", "purchase")
        hint = (
            f"put the window inside the aggregate's parentheses: "
            f"`{func}({event} in last {m.group(1)} {m.group(2).lower()})`"
        )
        width = len(m.group(0))
    elif last == "this" and re.fullmatch(r"\d+", got_text):
        message = "`in this …` names one period, without a number"
        label = "expected day, week, month, quarter or year"
        unit = re.match(r"\d+\s+([A-Za-z]+)", rest)
        u = (unit.group(1).lower().rstrip("s") if unit else "month") or "month"
        hint = f"write `in this {u}`, or `in previous {got_text} {u}s` for whole {u}s before it"
    elif last == "in" and re.match(r"-?\d[\d_.]*\.\.", rest):
        message = "a range is written without `in`"
        label = "`in` takes a list in parentheses or a window"
        subject = prev[-2] if len(prev) >= 2 and prev[-2].isidentifier() else "age"
        bounds = re.match(r"-?\d[\d_.]*\.\.(-?\d[\d_.]*)?", rest)
        shown = bounds.group(0) if bounds else "20..30"
        hint = (
            f"write `{subject} {shown}` (both ends included), or `{subject} in (20, 30)` for a list"
        )
    elif last == "in" and got_text[:1] in ('"', "'"):
        message = "a list after `in` goes in parentheses"
        label = "expected `(`"
        items = re.match(
            r"((?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*')(?:\s*,\s*(?:\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'))*)",
            rest,
        )
        shown = items.group(1) if items else got_text
        subject = prev[-2] if len(prev) >= 2 and prev[-2].isidentifier() else "country"
        hint = f"write `{subject} in ({shown})`"
    elif expected == {"STRING"} and last == "seed":
        message = "the seed of `sample` is a text in quotes"
        label = "expected a text"
        hint = f'write `seed "{got_text or "spring-2026"}"`'
    elif expected == {"STRING"} and len(prev) >= 1 and prev[-1] not in META_KEYS:
        message = "`where` is missing before the condition"
        label = "expected `where`"
        hint = (
            f"write `segment NAME where CONDITION`, e.g. `segment adults where {CONDITION_EXAMPLE}`"
        )
        name_at = text.rfind(prev[-1], 0, offset)
        span_line = text.count("\n", 0, name_at) + 1
        span_col = name_at - (text.rfind("\n", 0, name_at) + 1) + 1
        width = len(prev[-1])
    elif rest.startswith("==") or (got_text == "=" and last == "="):
        message = "`==` is not an operator here"
        hint = 'compare with a single `=`, e.g. `country = "US"`'
    elif rest.startswith("&&") or rest.startswith("||"):
        word = "and" if rest.startswith("&&") else "or"
        message = f"`{rest[:2]}` is not an operator here"
        hint = f"write `{word}`"
    elif re.fullmatch(r"-\d[\d_.]*", got_text) and last.isidentifier():
        message = f"unexpected `{got_text}`"
        label = "a minus sign glued to a number is a negative number"
        hint = f"to subtract, put spaces around the minus: `{prev[-1]} - {got_text[1:]}`"
    elif (
        len(prev) >= 2
        and re.fullmatch(r"-\d[\d_.]*", prev[-1])
        and prev[-2].isidentifier()
        and "RANGE" in expected
    ):
        hint = (
            f"to subtract, put spaces around the minus: `{prev[-2]} - {prev[-1][1:]}`; "
            f"`{prev[-2]} {prev[-1]}..` would start a range"
        )
    elif last == "has" and got_text in ("(", "["):
        message = "`has` tests one value"
        label = "a list here needs `any` or `all`"
        hint = 'write `has any ("a", "b")` (at least one) or `has all ("a", "b")` (every one)'
    elif got_text.lower() == "like":
        message = "`like` is not part of segdsl"
        hint = 'use `contains "x"`, `starts with "x"` or `ends with "x"` (case-insensitive)'
    elif "RPAR" in expected and ("AND" in expected or "COMMA" in expected or not got_text):
        where = _unclosed_paren(text, offset)
        if where is not None:
            message = "a `(` is not closed" if got_text == "" else f"unexpected {got}"
            label = "expected `)`" if not words else label
            hint = f"close the `(` opened at line {where[0]}, column {where[1]} with `)`"
    elif got_text in (")", "]") and _unclosed_paren(text, offset) is None:
        message = f"unexpected `{got_text}`: nothing to close"
        label = "no matching opening bracket"
        hint = "remove it, or add the missing `(` where the group starts"
    if not hint:
        hint = _form_hint([p.lower() for p in prev[-8:]], got_text.lower())
    if not hint:
        if "LPAR" in expected and last == "where" and len(expected) == 1:
            hint = (
                'in `did`, the condition goes in parentheses: did purchase where (status = "paid")'
            )
        elif expected == {"NAME"} and len(prev) >= 2 and re.fullmatch(r"\d+", last):
            label = "expected a unit: days, weeks, months or years"
            hint = "a duration needs a unit, e.g. `in last 90 days` or `30 days ago`"
        elif expected == {"WHERE"} or (expected and expected <= {"WHERE", "NAME", "OF"}):
            hint = (
                "a segment reads `segment NAME where CONDITION`, "
                f"e.g. `segment adults where {CONDITION_EXAMPLE}`"
            )
        elif expected & _COMPARISONS and not got_text:
            hint = f"a condition looks like `{CONDITION_EXAMPLE}`"
        elif (
            {"STRING", "NUMBER"} <= expected
            and re.fullmatch(r"[A-Za-z_]\w*", got_text)
            and got_text.lower() not in _KEYWORDS
            and last in ("=", "!=", "<>", "<", "<=", ">", ">=")
            and re.match(r"[A-Za-z_]\w*\s*([-+*/.(]|$)", rest) is not None
            and not re.match(r"[A-Za-z_]\w*\s*$", rest.split("\n")[0])
        ):
            left_name = prev[-2] if len(prev) >= 2 and prev[-2].isidentifier() else "a"
            label = "expected a value"
            hint = (
                "the right side of a comparison is a value (a number, a text, a date); "
                f"to compare two measures, subtract them: `{left_name} - {got_text} > 0`"
            )
        elif {"STRING", "NUMBER"} <= expected and re.fullmatch(r"[A-Za-z_]\w*", got_text):
            label = "expected a value"
            hint = (
                f'text values need quotes: "{got_text}" (the right side of a comparison '
                "is a value, not a name)"
            )
        elif last == "where" or not got_text:
            hint = f"a condition looks like `{CONDITION_EXAMPLE}`"
        elif expected & {"AND", "OR"} and re.fullmatch(r"[A-Za-z_]\w*", got_text):
            hint = f"join conditions with `and` or `or`, e.g. `{CONDITION_EXAMPLE}`"
        elif "SEGMENT" in expected and "MEASURE" in expected:
            hint = "a file holds `segment …` and `measure …` statements"
    span = Span(source, span_line, span_col, span_line, span_col + width)
    return Diagnostic("E101", message, span, label=label, hint=hint)


def _form_hint(recent: list[str], got: str) -> str:
    """A hint naming the shape of the behavioural form being written, if any."""

    def after(word: str) -> bool:
        return word in recent and all(w not in ("and", "or") for w in recent[recent.index(word) :])

    if after("then") or (got == "then" and "did" in recent):
        return (
            "a sequence reads `did add_to_cart then not purchase within 1 day` "
            "(or `then purchase within 2 days where (amount > 0)`)"
        )
    units = {"day", "days", "week", "weeks", "month", "months", "year", "years"}
    if after("within") and units & set(recent[recent.index("within") :]) and "then" not in recent:
        # `count(purchase) > 2 within 30 days`: a time window belongs inside the aggregate.
        i = recent.index("within")
        amount = recent[i + 1] if i + 1 < len(recent) else "30"
        unit = recent[i + 2] if i + 2 < len(recent) and recent[i + 2] in units else "days"
        agg = _aggregate_before(recent[:i])
        if agg is not None:
            func, event = agg
            return (
                f"a time window goes inside the aggregate's parentheses: "
                f"`{func}({event} in last {amount} {unit})`"
            )
        return f"a time window reads `in last {amount} {unit}`, e.g. `did purchase in last 30 days`"
    if after("within") or got == "within":
        return "write a distance in km and a point (latitude, longitude): `within 25 km of (48.8566, 2.3522)`"
    if after("sample") or got == "sample":
        return 'write `sample 10%` or `sample 10% seed "spring-2026"`'
    if after("per") or got == "per":
        return "rank within groups of an attribute: `top 10% by spend_365d per country`"
    if "between" in recent and units & set(recent[recent.index("between") :]):
        return "an event window reads `between 120 days ago and 30 days ago` (the older time first)"
    return ""


_AGGREGATES = ("count", "sum", "avg", "min", "max", "first", "last", "most_frequent")


def _aggregate_before(tokens: list[str]) -> tuple[str, str] | None:
    """The last aggregate written in ``tokens`` (lower-cased), as (function, what it
    aggregates: `purchase` or `purchase.amount`)."""
    for j in range(len(tokens) - 3, -1, -1):
        if tokens[j] in _AGGREGATES and tokens[j + 1] == "(" and tokens[j + 2].isidentifier():
            what = tokens[j + 2]
            if j + 4 < len(tokens) and tokens[j + 3] == "." and tokens[j + 4].isidentifier():
                what += "." + tokens[j + 4]
            return tokens[j], what
    return None


def _join_or(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    if len(words) > 6:
        words = [*words[:6], "…"]
        return ", ".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]
