"""The exception that carries diagnostics out of every stage, and its shorthand."""

from __future__ import annotations

from segdsl.diagnostics.model import Diagnostic, Span
from segdsl.diagnostics.render import render_diagnostics


class SegdslError(Exception):
    """Raised for any problem in the user's input: rules, catalog, data or options."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        super().__init__(self.diagnostics[0].message if self.diagnostics else "error")

    def __str__(self) -> str:
        return render_diagnostics(self.diagnostics, color=False)


def error(
    code: str,
    message: str,
    span: Span | None = None,
    *,
    label: str = "",
    hint: str = "",
    path: str | None = None,
) -> SegdslError:
    """Shorthand for raising a single diagnostic."""
    return SegdslError(Diagnostic(code, message, span, label=label, hint=hint, path=path))
