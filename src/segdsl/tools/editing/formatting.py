"""Formatting: the edits that give a file the canonical layout of `segdsl fmt`."""

from __future__ import annotations

import difflib

from segdsl.syntax.formatter import format_text

from .model import Position, Range, TextEdit
from .paths import normalize_path, plain_text
from .state import ProjectState


def _lines(text: str) -> list[str]:
    parts = [line + "\n" for line in text.split("\n")]
    parts[-1] = parts[-1][:-1]
    return parts if parts[-1] else parts[:-1]


def position_at(text: str, offset: int) -> Position:
    """The position of a character offset of ``text``."""
    line = text.count("\n", 0, offset)
    return Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def text_edits(old: str, new: str) -> list[TextEdit]:
    """Line-wise edits turning ``old`` into ``new`` (both with LF line ends)."""
    a, b = _lines(old), _lines(new)
    starts = [0]
    for line in a:
        starts.append(starts[-1] + len(line))
    edits: list[TextEdit] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            rng = Range(position_at(old, starts[i1]), position_at(old, starts[i2]))
            edits.append(TextEdit(rng, "".join(b[j1:j2])))
    return edits


def format_edits(state: ProjectState, path: str) -> list[TextEdit]:
    """The edits formatting ``path`` (empty when it is formatted already). Raises
    :class:`segdsl.errors.SegdslError` with the syntax errors when it does not parse."""
    key = normalize_path(path)
    raw = state.text(key)
    if raw is None:
        return []
    text = plain_text(raw)
    return text_edits(text, format_text(text, key))
