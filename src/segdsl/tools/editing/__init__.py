"""Editing analysis for editors: diagnostics, completion, hover, navigation, rename,
formatting and fixes over the real parser, resolver, lint and formatter.

No editor protocol here: plain dataclasses with 0-based lines and characters (code
points). The language server (:mod:`segdsl.tools.lsp`) and the studio build on it.

>>> from segdsl.tools.editing import ProjectState, Position, diagnostics, complete
>>> state = ProjectState("examples/retail")
>>> state.set_text("examples/retail/value.seg", "segment x where agee > 3\\n")
>>> diagnostics(state)  # {path: [Finding(code="E201", ...)], ...}
>>> complete(state, "examples/retail/value.seg", Position(0, 16))
"""

from __future__ import annotations

from .actions import code_actions
from .complete import complete
from .diagnostics import diagnostics
from .formatting import format_edits, text_edits
from .hover import hover, latest_snapshot
from .model import (
    CodeAction,
    CompletionItem,
    Finding,
    Hover,
    Location,
    Position,
    Range,
    RenameError,
    Symbol,
    TextEdit,
)
from .navigate import definition, document_symbols, prepare_rename, references, rename
from .paths import normalize_path, plain_text
from .state import Analysis, ProjectState
from .symbols import Occurrence, occurrence_at, occurrences

__all__ = [
    "Analysis",
    "CodeAction",
    "CompletionItem",
    "Finding",
    "Hover",
    "Location",
    "Occurrence",
    "Position",
    "ProjectState",
    "Range",
    "RenameError",
    "Symbol",
    "TextEdit",
    "code_actions",
    "complete",
    "definition",
    "diagnostics",
    "document_symbols",
    "format_edits",
    "hover",
    "latest_snapshot",
    "normalize_path",
    "occurrence_at",
    "occurrences",
    "plain_text",
    "prepare_rename",
    "references",
    "rename",
    "text_edits",
]
