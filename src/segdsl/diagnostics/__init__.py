"""Diagnostics: source files and spans, the Diagnostic a stage reports, the SegdslError that
carries them, rendering (rustc-style, JSON), did-you-mean suggestions and the error-code registry.

Every other package reports problems through this one; it imports nothing of segdsl but
:mod:`segdsl.support`.
"""

from segdsl.diagnostics.errors import SegdslError, error
from segdsl.diagnostics.model import Diagnostic, Source, Span

__all__ = ["Diagnostic", "SegdslError", "Source", "Span", "error"]
