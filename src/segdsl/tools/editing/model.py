"""The plain results of the editing analysis: positions, ranges, edits, findings.

Positions are 0-based lines and 0-based characters counted in Unicode code points
(Python string indexes) of the file's text with LF line ends. The language server
converts them to the client's encoding (UTF-16 by default); nothing here knows LSP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from segdsl.diagnostics import Span


@dataclass(frozen=True, order=True)
class Position:
    line: int  # 0-based
    character: int  # 0-based, in code points


@dataclass(frozen=True, order=True)
class Range:
    start: Position
    end: Position  # exclusive

    @staticmethod
    def of(line: int, character: int, end_line: int, end_character: int) -> Range:
        return Range(Position(line, character), Position(end_line, end_character))

    @staticmethod
    def from_span(span: Span) -> Range:
        """The range of a (1-based, end-exclusive) :class:`Span`."""
        return Range.of(
            max(span.line - 1, 0),
            max(span.column - 1, 0),
            max(span.end_line - 1, 0),
            max(span.end_column - 1, 0),
        )

    def contains(self, pos: Position) -> bool:
        """True when ``pos`` is inside the range or touches its end (a cursor just
        after a name is still on it)."""
        return self.start <= pos <= self.end


@dataclass(frozen=True)
class Location:
    path: str  # absolute path of the file
    range: Range


@dataclass(frozen=True)
class TextEdit:
    range: Range
    new_text: str


@dataclass(frozen=True)
class Finding:
    """One diagnostic of one file: an error of the language or a lint finding."""

    path: str
    range: Range
    code: str
    message: str
    severity: str  # error, warning, info
    hint: str = ""
    label: str = ""
    notes: tuple[str, ...] = ()
    source: str = "segdsl"  # "segdsl" (the language) or "segdsl-lint"


@dataclass(frozen=True)
class CompletionItem:
    label: str
    kind: str  # keyword, attribute, measure, event, field, segment, entity, unit, value, snippet
    detail: str = ""  # e.g. the type: "integer · column age"
    documentation: str = ""  # markdown
    insert_text: str | None = None  # None: the label
    sort_text: str | None = None


@dataclass(frozen=True)
class Hover:
    contents: str  # markdown
    range: Range


@dataclass(frozen=True)
class CodeAction:
    title: str
    kind: str  # "quickfix"
    edits: dict[str, list[TextEdit]] = field(default_factory=dict)  # path -> edits
    code: str = ""  # the code of the finding it fixes
    preferred: bool = False


@dataclass(frozen=True)
class Symbol:
    """A segment or measure of a file, for an outline."""

    name: str
    kind: str  # segment, measure
    range: Range  # the whole statement
    selection_range: Range  # its name
    detail: str = ""


class RenameError(ValueError):
    """A rename that cannot be done (not a renamable name, or a bad new name)."""
