"""Diagnostics: what went wrong, where, and what to write instead.

Every problem in a user's input becomes a :class:`Diagnostic`; one or more of them
travel in a :class:`SegdslError`. Rendering lives in :mod:`segdsl.diagnostics.render`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field


@dataclass(frozen=True, eq=False)
class Source:
    """The text of one input file (or of a ``--rule`` given on the command line)."""

    path: str
    text: str

    @functools.cached_property
    def lines(self) -> list[str]:
        """The lines of the text, split once. Lines end at "\\n" only, as the parser
        counts them (str.splitlines would also split at form feeds, U+2028, …)."""
        return self.text.split("\n")

    def line(self, number: int) -> str:
        """The 1-based line ``number`` without its line ending ('' past the end)."""
        lines = self.lines
        if 1 <= number <= len(lines):
            return lines[number - 1].rstrip("\r")
        return ""


@dataclass(frozen=True)
class Span:
    """A region of a source: 1-based line and column of its first and last character."""

    source: Source = field(compare=False, repr=False)
    line: int
    column: int
    end_line: int
    end_column: int  # exclusive

    @property
    def path(self) -> str:
        return self.source.path

    def to(self, other: Span) -> Span:
        """The span from the start of ``self`` to the end of ``other``."""
        return Span(self.source, self.line, self.column, other.end_line, other.end_column)

    def __str__(self) -> str:
        return f"{self.source.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a code, a message in the reader's words, a place and a hint."""

    code: str
    message: str
    span: Span | None = None
    label: str = ""
    hint: str = ""
    notes: tuple[str, ...] = ()
    severity: str = "error"
    path: str | None = None  # for findings outside a .seg file (the catalog), when there is no span

    @property
    def location(self) -> str:
        if self.span is not None:
            return str(self.span)
        return self.path or ""
