"""Diagnostics: source files and spans, the Diagnostic a stage reports, the SegdslError that
carries them (``model``, ``errors``), rendering (``render``: rustc-style, JSON), the one
reader of user files (``files``: U010, U011), the one did-you-mean (``suggest``) and the
error-code registry (``codes``: every code with its meaning, checked against the docs).

Every other package reports problems through this one; it imports nothing of segdsl but
:mod:`segdsl.support`.
"""

from segdsl.diagnostics.errors import SegdslError, error
from segdsl.diagnostics.model import Diagnostic, Source, Span

__all__ = ["Diagnostic", "SegdslError", "Source", "Span", "error"]
