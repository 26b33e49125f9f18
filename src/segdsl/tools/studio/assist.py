"""The editor's diagnostics and completion, from the language server's analysis library
(:mod:`segdsl.tools.editing`): the studio and `segdsl lsp` report the same findings at
the same places and offer the same completions.

One :class:`~segdsl.tools.editing.ProjectState` serves every request, behind a lock;
the text of the request is the only unsaved one (the studio has one editor), so the
analysis always describes the project as that editor shows it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from segdsl.tools.editing import (
    CompletionItem,
    Finding,
    Position,
    ProjectState,
    complete,
    diagnostics,
    hover,
    normalize_path,
)

# How CodeMirror draws each kind of completion (its `type`: the icon).
KIND_TYPES = {
    "keyword": "keyword",
    "attribute": "property",
    "field": "property",
    "measure": "variable",
    "segment": "class",
    "event": "namespace",
    "entity": "type",
    "unit": "constant",
    "value": "enum",
    "snippet": "keyword",
}


def finding_json(f: Finding, rel: str) -> dict[str, Any]:
    """A finding as the studio's diagnostics (1-based lines and columns)."""
    return {
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
        "label": f.label,
        "hint": f.hint,
        "notes": list(f.notes),
        "path": rel,
        "line": f.range.start.line + 1,
        "column": f.range.start.character + 1,
        "end_line": f.range.end.line + 1,
        "end_column": f.range.end.character + 1,
        "source": f.source,
    }


def item_json(item: CompletionItem) -> dict[str, Any]:
    return {
        "label": item.label,
        "kind": item.kind,
        "type": KIND_TYPES.get(item.kind, "text"),
        "detail": item.detail,
        "documentation": item.documentation,
        "insert_text": item.insert_text,
        "snippet": item.kind == "snippet" and item.insert_text is not None,
        "sort_text": item.sort_text,
    }


class Assist:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = ProjectState(root)
        self.lock = threading.Lock()
        self._open: str | None = None

    def _rel(self, path: str) -> str:
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return path

    def _edit(self, rel: str, text: str) -> str:
        key = normalize_path(self.root / rel)
        if self._open is not None and self._open != key:
            self.state.close(self._open)
        self._open = key
        self.state.set_text(key, text)
        return key

    def findings(self, rel: str, text: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """The findings of ``rel`` with ``text`` in the editor, and the number of errors
        in each other file."""
        with self.lock:
            key = self._edit(rel, text)
            every = diagnostics(self.state)
        here = [finding_json(f, rel) for f in every.get(key, [])]
        elsewhere = {
            self._rel(path): n
            for path, found in sorted(every.items())
            if path != key and (n := sum(f.severity == "error" for f in found))
        }
        return here, elsewhere

    def complete(self, rel: str, text: str, line: int, character: int) -> list[dict[str, Any]]:
        with self.lock:
            key = self._edit(rel, text)
            items = complete(self.state, key, Position(line, character))
        return [item_json(i) for i in items]

    def hover(self, rel: str, text: str, line: int, character: int) -> dict[str, Any] | None:
        """What the name at the place is: an attribute's type and column, a measure's
        definition, a segment's rule and latest snapshot (the SQL is in its own panel)."""
        with self.lock:
            key = self._edit(rel, text)
            found = hover(self.state, key, Position(line, character), sql=False)
        if found is None:
            return None
        r = found.range
        return {
            "contents": found.contents,
            "line": r.start.line + 1,
            "column": r.start.character + 1,
            "end_line": r.end.line + 1,
            "end_column": r.end.character + 1,
        }

    def refresh(self) -> None:
        """Files changed on disk (saved, created, deleted)."""
        with self.lock:
            self.state.refresh()
