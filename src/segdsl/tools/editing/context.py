"""The context of a cursor, read from the text before it (which usually does not parse
while it is being typed): the current statement, strings and comments, and the event
whose condition the cursor is in."""

from __future__ import annotations

import re

from .model import Position

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
STRIP = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"?|'(?:[^'\\\n]|\\.)*'?|#[^\n]*")
STMT_START = re.compile(r"^\s*(segmentation|segment|measure)\b", re.IGNORECASE)
AGG_OPEN = re.compile(r"\b(count\s+distinct|count|sum|avg|min|max|first|last)\s*$", re.IGNORECASE)


def clean(text: str) -> str:
    """Strings emptied and comments removed, keeping the length of what stays."""
    return STRIP.sub(lambda m: '""' if m.group(0)[:1] in "\"'" else "", text)


def in_string_or_comment(line: str) -> bool:
    for m in STRIP.finditer(line):
        tok = m.group(0)
        if m.end() == len(line):
            if tok.startswith("#"):
                return True
            closed = len(tok) >= 2 and tok[-1] == tok[0] and not tok.endswith("\\" + tok[0])
            if not closed:
                return True
    return False


def statement_before(lines: list[str], pos: Position) -> tuple[str, int]:
    """The text of the current statement up to the cursor, and its first line."""
    start = pos.line
    while start > 0 and not STMT_START.match(lines[start]):
        start -= 1
    chunk = [*lines[start : pos.line], lines[pos.line][: pos.character]]
    return "\n".join(chunk), start


def event_context(stmt: str) -> tuple[str, str | None]:
    """("event-where", EVENT) inside an event's condition, ("agg-head", EVENT) in an
    aggregate after its event, ("", None) elsewhere."""
    opens: list[int] = []
    for i, ch in enumerate(stmt):
        if ch == "(":
            opens.append(i)
        elif ch == ")" and opens:
            opens.pop()
    for p in reversed(opens):
        before, inner = stmt[:p], stmt[p + 1 :]
        if AGG_OPEN.search(before):
            m = re.match(rf"\s*({IDENT})", inner)
            if m is None:
                return "", None
            if re.search(r"\bwhere\b", inner[m.end() :], re.IGNORECASE):
                return "event-where", m.group(1)
            return "agg-head", m.group(1)
        if re.search(r"\bwhere\s*$", before, re.IGNORECASE):
            found = list(
                re.finditer(rf"\b(?:did|then)\s+(?:not\s+)?({IDENT})", before, re.IGNORECASE)
            )
            if found:
                return "event-where", found[-1].group(1)
    return "", None
