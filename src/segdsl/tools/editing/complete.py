"""Completion: what may be written at the cursor.

The context is read from the text before the cursor in the current statement (which
is usually half-written and does not parse): after `in segment` come segments, after
`did` or `count(` events, after `purchase.` the event's fields, inside an event's
`where` its fields, after a number units, elsewhere the attributes and measures of
the statement's entity and the keywords."""

from __future__ import annotations

import re

from segdsl.catalog.types import describe
from segdsl.syntax.parser import KEYWORDS

from . import catalogtext
from .context import (
    IDENT,
    STMT_START,
    clean,
    event_context,
    in_string_or_comment,
    statement_before,
)
from .model import CompletionItem, Position
from .paths import normalize_path, plain_text
from .state import Analysis, ProjectState

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
if "segmentation" in KEYWORDS:  # language.md §15
    TOP_KEYWORDS["segmentation"] = (
        "segmentation ${1:name}\n  ${2:class} where ${3}\n  ${0:others}",
        "exclusive classes, first match wins: `segmentation NAME CLASS where C … [CATCHALL]`",
    )
if "score" in KEYWORDS:  # language.md §11, §12, §14
    CONDITION_KEYWORDS["score"] = "`score 1..N by X [per G]`: 1 (lowest) to N (highest)"
if "this" in KEYWORDS:
    CONDITION_KEYWORDS["this"] = "`in this month`: from the start of the period to the as-of"
    CONDITION_KEYWORDS["previous"] = "`in previous N months`: the whole periods before this one"
if "most_frequent" in KEYWORDS:
    CONDITION_KEYWORDS["most_frequent"] = "`most_frequent(EVENT.field …)`: the most common value"
CALENDAR_UNITS = ("day", "week", "month", "quarter", "year")
EVENT_TIME_PARTS = {
    "day_of_week": "integer · 1 = Monday … 7 = Sunday, in the project's time zone",
    "hour_of_day": "integer · 0–23, in the project's time zone",
}


def _entity_of_text(a: Analysis, stmt: str) -> str | None:
    if a.catalog is None:
        return None
    m = re.match(rf"\s*(?:segmentation|segment)\s+{IDENT}\s+of\s+({IDENT})", stmt, re.IGNORECASE)
    if m and m.group(1) in a.catalog.entities:
        return m.group(1)
    if re.match(r"\s*measure\b", stmt, re.IGNORECASE):
        for ev in re.findall(rf"\b({IDENT})\s*[.)\s]", stmt):
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
    if "this" in KEYWORDS:  # the calendar language (§11) brings the parts of an event's time
        out.extend(CompletionItem(n, "field", d) for n, d in EVENT_TIME_PARTS.items())
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


def _segmentation_names(a: Analysis, entity: str | None) -> list[CompletionItem]:
    out = []
    for name, sdef in a.segmentation_defs.items():
        if entity is not None and a.entity_of(sdef) != entity:
            continue
        classes = ", ".join(c.name for c in sdef.classes)
        out.append(
            CompletionItem(
                name,
                "segmentation",
                "segmentation · text: the name of the class",
                f"classes: {classes}",
                sort_text="1" + name,
            )
        )
    return out


def _class_values(a: Analysis, group: str, quoted: bool) -> list[CompletionItem]:
    sdef = a.segmentation_defs.get(group)
    if sdef is None:
        return []
    return [
        CompletionItem(
            f'"{c.name}"' if quoted else c.name,
            "value",
            f"class of {group}",
            sort_text=f"0{i:03d}",
        )
        for i, c in enumerate(sdef.classes)
    ]


def _classes(a: Analysis, entity: str | None, group: str | None = None) -> list[CompletionItem]:
    out = []
    for full, (name, cls) in a.class_names().items():
        if group is not None and name != group:
            continue
        if entity is not None and a.entity_of(a.segmentation_defs[name]) != entity:
            continue
        out.append(
            CompletionItem(
                cls.name if group is not None else full,
                "segment",
                f"class of segmentation {name}",
            )
        )
    return out


_VALUE_OF = re.compile(rf"({IDENT})\s*(?:!=|=|\s(?:not\s+)?in\s*\((?:\s*\"[^\"]*\"\s*,)*)\s*$")


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


_SPECIFIC = frozenset({"fields", "segments", "events", "entities", "units", "values"})


def complete(
    state: ProjectState, path: str, position: Position, *, trigger: str | None = None
) -> list[CompletionItem]:
    """The completions at ``position`` of ``path`` (not filtered by the word already
    typed: editors filter and rank). ``trigger``: the character whose typing asked for
    completion (" ", "(", "."); then only a specific list (fields, events, segments,
    entities, units) is offered, never the general one."""
    context, items = _complete(state, path, position)
    if trigger is not None and trigger.strip() in ("", "(", ".", '"') and context not in _SPECIFIC:
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
    if in_string_or_comment(line):
        # `rfm = "…` or `rfm in ("a", "…`: the classes of the segmentation
        opened = re.search(r"\"([A-Za-z0-9_]*)$", line)
        if opened is not None:
            value_of = _VALUE_OF.search(line[: opened.start()])
            if value_of is not None and value_of.group(1) in a.segmentation_defs:
                return "values", _class_values(a, value_of.group(1), quoted=False)
        return "none", []
    m = re.search(rf"{IDENT}$", line)
    prefix = m.group(0) if m else ""
    stmt_raw, _stmt_line = statement_before(
        lines, Position(position.line, position.character - len(prefix))
    )
    stmt = clean(stmt_raw)
    own = re.match(rf"\s*(?:segmentation|segment|measure)\s+({IDENT})", stmt, re.IGNORECASE)
    own_name = own.group(1) if own else ""
    before_word = line[: len(line) - len(prefix)]
    if before_word == "" or not STMT_START.match(stmt):
        # a statement starts at the beginning of a line
        return "top", [
            CompletionItem(w, "snippet", doc, doc, insert_text=snippet)
            for w, (snippet, doc) in TOP_KEYWORDS.items()
        ]
    entity = _entity_of_text(a, stmt)
    in_class = re.search(rf"\bin\s+segment\s+({IDENT})\.$", stmt, re.IGNORECASE)
    if in_class:
        return "segments", _classes(a, entity, in_class.group(1))
    dotted = re.search(rf"({IDENT})\.$", stmt)
    if dotted:
        return "fields", _fields(a, dotted.group(1))
    if re.search(r"\bin\s+segment\s+$", stmt, re.IGNORECASE):
        return "segments", _segments(a, entity, own_name) + _classes(a, entity)
    if re.search(r"\b(?:did|then)\s+(?:not\s+)?$", stmt, re.IGNORECASE) or re.search(
        r"\b(?:count\s+distinct|count|sum|avg|min|max|first|last)\s*\(\s*$", stmt, re.IGNORECASE
    ):
        return "events", _events(a, entity)
    if re.search(rf"^\s*(?:segmentation|segment)\s+{IDENT}\s+of\s+$", stmt, re.IGNORECASE):
        if a.catalog is None:
            return "entities", []
        return "entities", [
            CompletionItem(e.name, "entity", f"entity · key {e.key}")
            for e in a.catalog.entities.values()
        ]
    if re.match(r"^\s*(?:segmentation|segment|measure)\s+$", stmt, re.IGNORECASE):
        return "name", []  # a new name
    units = [CompletionItem(u, "unit", "unit of time", sort_text="0" + u) for u in _UNITS]
    if re.search(r"\b\d+\s+$", stmt):
        if "this" in KEYWORDS and re.search(r"\bprevious\s+\d+\s+$", stmt, re.IGNORECASE):
            units.extend(
                CompletionItem(u, "unit", "calendar period") for u in ("quarter", "quarters")
            )
        return "units", units
    if "this" in KEYWORDS and re.search(r"\b(?:this|previous)\s+$", stmt, re.IGNORECASE):
        return "units", [CompletionItem(u, "unit", "calendar period") for u in CALENDAR_UNITS]
    value_of = _VALUE_OF.search(stmt)
    if value_of is not None and value_of.group(1) in a.segmentation_defs:
        return "values", _class_values(a, value_of.group(1), quoted=True)
    is_segment = bool(re.match(r"\s*segment\b", stmt, re.IGNORECASE))
    if is_segment and not re.search(r"\bwhere\b", stmt, re.IGNORECASE):
        return "header", _keywords(HEADER_KEYWORDS)
    if re.match(r"\s*segmentation\b", stmt, re.IGNORECASE) and not re.search(
        r"\bwhere\b", stmt, re.IGNORECASE
    ):
        return "header", _keywords({k: v for k, v in HEADER_KEYWORDS.items() if k != "where"})
    mode, event = event_context(stmt)
    if mode == "event-where" and event is not None:
        return "event-where", _fields(a, event) + _keywords(CONDITION_KEYWORDS)
    if mode == "agg-head":
        return "agg-head", _keywords(
            {k: CONDITION_KEYWORDS[k] for k in ("in", "last", "between", "where", "ago")}
        )
    return "condition", (
        _names(a, entity, own_name) + _segmentation_names(a, entity) + _keywords(CONDITION_KEYWORDS)
    )
