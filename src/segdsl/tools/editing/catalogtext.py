"""Places in the text of segdsl.toml: where an entity, an event, an attribute or a
field is declared, and the comment written beside it."""

from __future__ import annotations

import re

from .model import Range

_HEADER = re.compile(r"\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")


def _key_line(lines: list[str], table: str, key: str | None) -> tuple[int, int, int] | None:
    """(line, character, width) of ``key`` in the table ``[table]`` (or of the
    header itself when ``key`` is None), 0-based."""
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if not (m and m.group(1).replace(" ", "") == table):
            continue
        if key is None:
            start = line.index("[")
            return (i, start, len(line.rstrip()) - start)
        for j in range(i + 1, len(lines)):
            if _HEADER.match(lines[j]):
                break
            km = re.match(rf"\s*(\"?{re.escape(key)}\"?)\s*=", lines[j])
            if km:
                return (j, km.start(1), len(km.group(1)))
        return None
    return None


def declaration(
    text: str, kind: str, name: str, owner: str | None = None
) -> tuple[Range, str] | None:
    """The range of a declaration in the catalog text and its trailing comment.

    ``kind``: entity, event, attribute (``owner`` = the entity) or field (``owner`` =
    the event)."""
    lines = text.split("\n")
    found: tuple[int, int, int] | None = None
    if kind == "entity":
        found = _key_line(lines, f"entity.{name}", None)
    elif kind == "event":
        found = _key_line(lines, f"event.{name}", None)
    elif kind == "attribute" and owner:
        found = _key_line(lines, f"entity.{owner}.attributes", name)
        if found is None:
            found = _key_line(lines, f"entity.{owner}", None)
    elif kind == "field" and owner:
        if name == "timestamp":
            found = _key_line(lines, f"event.{owner}", "timestamp")
        else:
            found = _key_line(lines, f"event.{owner}.fields", name)
        if found is None:
            found = _key_line(lines, f"event.{owner}", None)
    if found is None:
        return None
    line, char, width = found
    comment = ""
    text_line = lines[line]
    hash_at = _comment_start(text_line)
    if hash_at >= 0:
        comment = text_line[hash_at + 1 :].strip()
    return Range.of(line, char, line, char + width), comment


def _comment_start(line: str) -> int:
    """Where a TOML comment starts on ``line`` (-1: none), skipping strings."""
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return i
        i += 1
    return -1
