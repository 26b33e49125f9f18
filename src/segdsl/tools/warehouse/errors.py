"""The warehouse tools' messages: codes X001–X099 (see docs/warehouse.md)."""

from __future__ import annotations

from segdsl.diagnostics import Diagnostic, SegdslError


def fail(code: str, message: str, hint: str = "", path: str | None = None) -> SegdslError:
    """A :class:`SegdslError` with one diagnostic of the warehouse range."""
    assert code.startswith("X"), code
    return SegdslError(Diagnostic(code, message, hint=hint, path=path))
