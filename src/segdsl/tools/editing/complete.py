"""Completion: what may be written at the cursor.

The context is read from the text before the cursor in the current statement (which
is usually half-written and does not parse): after `in segment` come segments, after
`did` or `count(` events, after `purchase.` the event's fields, inside an event's
`where` its fields, after a number units, elsewhere the attributes and measures of
the statement's entity and the keywords."""

from __future__ import annotations

import re

from segdsl.catalog.types import describe

from . import catalogtext
from .model import CompletionItem, Position
from .state import Analysis, ProjectState, normalize_path, plain_text

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_STRIP = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"?|'(?:[^'\\\n]|\\.)*'?|#[^\n]*")
_STMT_START = re.compile(r"^\s*(segment|measure)\b", re.IGNORECASE)
_AGG_FUNCS = ("count", "sum", "avg", "min", "max", "first", "last")
_AGG_OPEN = re.compile(r"\b(count\s+distinct|count|sum|avg|min|max|first|last)\s*$", re.IGNORECASE)
_UNITS = ("days", "weeks", "months", "years", "day", "week", "month", "year")

CONDITION_KEYWORDS: dict[str, str] = {
    "and": "both conditions hold",
    "or": "either condition holds",
    "not": "the condition does not hold",
    "in": 'in a list of values (`country in ("DE", "AT")`) or a window (`in last 30 days`)',
    "in segment": "a member of another segment",
    "is set": "the value is present",
    "is missing": "the value is missing",
    "between": "`x between A and B`: A ≤ x ≤ B",
    "has": 'a list holds a value: `interests has "running"`',
    "has any": "a list holds one of the values",
    "has all": "a list holds all the values",
    "has none": "a list holds none of the values",
    "contains": "text contains a text",
    "starts with": "text starts with a text",
    "ends with": "text ends with a text",
    "before": "a time before a point: `signup_date before 2025-01-01`",
    "after": "a time after a point: `last_seen after 30 days ago`",
    "last": "`in last N days`",
    "ago": "`30 days ago`",
    "did": "`did EVENT [in last N days] [where (…)]`: at least one such event",
    "did not": "no such event",
    "then": "`did A then B within N days`: a sequence",
    "within": "`within N days` (after `then`) or `within N km of (LAT, LON)`",
    "top": "`top P% by X [per G]`: the highest values",
    "bottom": "`bottom P% by X [per G]`: the lowest values",
    "by": "what a ranking orders by",
    "per": "rank within each group",
    "sample": '`sample P% [seed "s"]`: a stable random share',
    "seed": "the seed of a sample",
    "true": "boolean true",
    "false": "boolean false",
    "count": "`count(EVENT [in last N days] [where …])`: how many events",
    "count distinct": "`count distinct(EVENT.field …)`: how many different values",
    "sum": "`sum(EVENT.field …)`",
    "avg": "`avg(EVENT.field …)`",
    "min": "`min(EVENT.field …)`",
    "max": "`max(EVENT.field …)`",
    "first": "`first(EVENT …)`: the time of the first event",
    "where": "a condition on the event's own fields",
}
HEADER_KEYWORDS: dict[str, str] = {
    "of": "`of ENTITY`: what the segment is about (default: the catalog's default entity)",
    "title": 'a title: `title "Frequent buyers"`',
    "description": "a description",
    "owner": 'who owns the segment: `owner "crm-team"`',
    "tags": 'tags: `tags "vip", "email"`',
    "where": "the segment's condition",
}
TOP_KEYWORDS: dict[str, tuple[str, str]] = {
    "segment": ("segment ${1:name}\n  where ${0}", "a segment: `segment NAME where CONDITION`"),
    "measure": ("measure ${1:name} = ${0}", "a measure: `measure NAME = EXPRESSION`"),
}


def _clean(text: str) -> str:
    """Strings emptied and comments removed, keeping the length of what stays."""
    return _STRIP.sub(lambda m: '""' if m.group(0)[:1] in "\"'" else "", text)


def _in_string_or_comment(line: str) -> bool:
    for m in _STRIP.finditer(line):
        tok = m.group(0)
        if m.end() == len(line):
            if tok.startswith("#"):
                return True
            closed = len(tok) >= 2 and tok[-1] == tok[0] and not tok.endswith("\\" + tok[0])
            if not closed:
                return True
    return False


def _statement_before(lines: list[str], pos: Position) -> tuple[str, int]:
    """The text of the current statement up to the cursor, and its first line."""
    start = pos.line
    while start > 0 and not _STMT_START.match(lines[start]):
        start -= 1
    chunk = [*lines[start : pos.line], lines[pos.line][: pos.character]]
    return "\n".join(chunk), start


def _event_context(stmt: str) -> tuple[str, str | None]:
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
        if _AGG_OPEN.search(before):
            m = re.match(rf"\s*({_IDENT})", inner)
            if m is None:
                return "", None
            if re.search(r"\bwhere\b", inner[m.end() :], re.IGNORECASE):
                return "event-where", m.group(1)
            return "agg-head", m.group(1)
        if re.search(r"\bwhere\s*$", before, re.IGNORECASE):
            found = list(
                re.finditer(rf"\b(?:did|then)\s+(?:not\s+)?({_IDENT})", before, re.IGNORECASE)
            )
            if found:
                return "event-where", found[-1].group(1)
    return "", None


def _entity_of_text(a: Analysis, stmt: str) -> str | None:
    if a.catalog is None:
        return None
    m = re.match(rf"\s*segment\s+{_IDENT}\s+of\s+({_IDENT})", stmt, re.IGNORECASE)
    if m and m.group(1) in a.catalog.entities:
        return m.group(1)
    if re.match(r"\s*measure\b", stmt, re.IGNORECASE):
        for ev in re.findall(rf"\b({_IDENT})\s*[.)\s]", stmt):
            if ev in a.catalog.events:
                return a.catalog.events[ev].entity
    return a.catalog.default_entity


def _events(a: Analysis, entity: str | None) -> list[CompletionItem]:
    if a.catalog is None:
        return []
    out = []
    for ev in a.catalog.events.values():
        if entity is not None and ev.entity != entity:
            continue
        fields = ", ".join(f"{f} ({c.type})" for f, c in ev.fields.items()) or "none"
        out.append(
            CompletionItem(
                ev.name,
                "event",
                f"event of {ev.entity}",
                f"time `{ev.timestamp}` ({ev.timestamp_type}); fields: {fields}",
            )
        )
    return out


def _comment(a: Analysis, kind: str, name: str, owner: str) -> str:
    if a.catalog_text is None:
        return ""
    found = catalogtext.declaration(a.catalog_text, kind, name, owner)
    return found[1] if found else ""


def _fields(a: Analysis, event: str) -> list[CompletionItem]:
    if a.catalog is None or event not in a.catalog.events:
        return []
    ev = a.catalog.events[event]
    out = [
        CompletionItem(
            name,
            "field",
            f"{col.type} · field of {event} · column {col.column}",
            _comment(a, "field", name, event),
        )
        for name, col in ev.fields.items()
    ]
    out.append(
        CompletionItem(
            "timestamp", "field", f"{ev.timestamp_type} · time of {event} · column {ev.timestamp}"
        )
    )
    return out


def _names(a: Analysis, entity: str | None, exclude: str = "") -> list[CompletionItem]:
    out: list[CompletionItem] = []
    if a.catalog is not None and entity in a.catalog.entities:
        for name, col in a.catalog.entities[entity].attributes.items():
            out.append(
                CompletionItem(
                    name,
                    "attribute",
                    f"{col.type} · attribute of {entity} · column {col.column}",
                    _comment(a, "attribute", name, entity),
                    sort_text="1" + name,
                )
            )
    for name, mdef in a.measure_defs.items():
        if name == exclude:
            continue
        m = a.measures.get(name)
        if m is not None and entity is not None and m.entity != entity:
            continue
        kind = f"measure · {describe(m.expr.type)}" if m is not None else "measure"
        src = mdef.span.source.text.split("\n")[mdef.span.line - 1 : mdef.span.end_line]
        out.append(
            CompletionItem(
                name,
                "measure",
                kind,
                "```segdsl\n" + "\n".join(src).strip() + "\n```",
                sort_text="1" + name,
            )
        )
    return out


def _keywords(words: dict[str, str]) -> list[CompletionItem]:
    return [
        CompletionItem(w, "keyword", "keyword", doc, sort_text="3" + w) for w, doc in words.items()
    ]


def _segments(a: Analysis, entity: str | None, exclude: str) -> list[CompletionItem]:
    out = []
    for name, sdef in a.segment_defs.items():
        if name == exclude:
            continue
        seg_entity = sdef.entity or (a.catalog.default_entity if a.catalog else None)
        if entity is not None and seg_entity != entity:
            continue
        out.append(
            CompletionItem(
                name,
                "segment",
                sdef.meta_value("title") or f"segment of {seg_entity}",
                sdef.meta_value("description") or "",
            )
        )
    return out


_SPECIFIC = frozenset({"fields", "segments", "events", "entities", "units"})


def complete(
    state: ProjectState, path: str, position: Position, *, trigger: str | None = None
) -> list[CompletionItem]:
    """The completions at ``position`` of ``path`` (not filtered by the word already
    typed: editors filter and rank). ``trigger``: the character whose typing asked for
    completion (" ", "(", "."); then only a specific list (fields, events, segments,
    entities, units) is offered, never the general one."""
    context, items = _complete(state, path, position)
    if trigger is not None and trigger.strip() in ("", "(", ".") and context not in _SPECIFIC:
        return []
    return items


def _complete(
    state: ProjectState, path: str, position: Position
) -> tuple[str, list[CompletionItem]]:
    a = state.analysis()
    key = normalize_path(path)
    text = a.texts.get(key)
    if text is None:
        raw = state.text(key)
        text = plain_text(raw) if raw is not None else ""
    lines = text.split("\n")
    if position.line >= len(lines):
        return "none", []
    line = lines[position.line][: position.character]
    if _in_string_or_comment(line):
        return "none", []
    m = re.search(rf"{_IDENT}$", line)
    prefix = m.group(0) if m else ""
    stmt_raw, _stmt_line = _statement_before(
        lines, Position(position.line, position.character - len(prefix))
    )
    stmt = _clean(stmt_raw)
    own = re.match(rf"\s*(?:segment|measure)\s+({_IDENT})", stmt, re.IGNORECASE)
    own_name = own.group(1) if own else ""
    before_word = line[: len(line) - len(prefix)]
    if before_word == "" or not _STMT_START.match(stmt):
        # a statement starts at the beginning of a line
        return "top", [
            CompletionItem(w, "snippet", doc, doc, insert_text=snippet)
            for w, (snippet, doc) in TOP_KEYWORDS.items()
        ]
    entity = _entity_of_text(a, stmt)
    dotted = re.search(rf"({_IDENT})\.$", stmt)
    if dotted:
        return "fields", _fields(a, dotted.group(1))
    if re.search(r"\bin\s+segment\s+$", stmt, re.IGNORECASE):
        return "segments", _segments(a, entity, own_name)
    if re.search(r"\b(?:did|then)\s+(?:not\s+)?$", stmt, re.IGNORECASE) or re.search(
        r"\b(?:count\s+distinct|count|sum|avg|min|max|first|last)\s*\(\s*$", stmt, re.IGNORECASE
    ):
        return "events", _events(a, entity)
    if re.search(rf"^\s*segment\s+{_IDENT}\s+of\s+$", stmt, re.IGNORECASE):
        if a.catalog is None:
            return "entities", []
        return "entities", [
            CompletionItem(e.name, "entity", f"entity · key {e.key}")
            for e in a.catalog.entities.values()
        ]
    if re.match(r"^\s*(?:segment|measure)\s+$", stmt, re.IGNORECASE):
        return "name", []  # a new name
    units = [CompletionItem(u, "unit", "unit of time", sort_text="0" + u) for u in _UNITS]
    if re.search(r"\b\d+\s+$", stmt):
        return "units", units
    is_segment = bool(re.match(r"\s*segment\b", stmt, re.IGNORECASE))
    if is_segment and not re.search(r"\bwhere\b", stmt, re.IGNORECASE):
        return "header", _keywords(HEADER_KEYWORDS)
    mode, event = _event_context(stmt)
    if mode == "event-where" and event is not None:
        return "event-where", _fields(a, event) + _keywords(CONDITION_KEYWORDS)
    if mode == "agg-head":
        return "agg-head", _keywords(
            {k: CONDITION_KEYWORDS[k] for k in ("in", "last", "between", "where", "ago")}
        )
    return "condition", _names(a, entity, own_name) + _keywords(CONDITION_KEYWORDS)
