"""Every finding of every file: errors of the language and lint findings."""

from __future__ import annotations

from .model import Finding
from .paths import normalize_path
from .state import ProjectState


def diagnostics(state: ProjectState, path: str | None = None) -> dict[str, list[Finding]]:
    """The findings of every file of the project (or of ``path`` only), by absolute
    path. Files without findings map to an empty list."""
    findings = state.analysis().findings
    if path is None:
        return dict(findings)
    key = normalize_path(path)
    return {key: list(findings.get(key, []))}
