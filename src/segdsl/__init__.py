"""segdsl: a declarative language and compiler for customer segments.

>>> import segdsl
>>> module = segdsl.parse('segment adults where age >= 18')
>>> project = segdsl.load_project("examples/retail")
>>> sql = project.compile("young_frequent_buyers", dialect="postgres", as_of="2026-06-30")

The package's folders follow the pipeline (docs/architecture.md): ``syntax`` (text →
AST), ``catalog`` (segdsl.toml), ``semantic`` (AST → typed IR), ``sql`` (IR → SQL),
``engines`` (where SQL runs), ``evaluation`` (members and sizes), ``project`` (the
Python API), ``tools`` (lint, review, history, explain, overlap) and ``cli``; under them
``diagnostics`` and ``support``.

Importing ``segdsl`` loads nothing heavy: the names below are imported on first use,
so that ``segdsl --version``, ``check``, ``lint`` and ``fmt`` start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from segdsl.diagnostics import Diagnostic, SegdslError, Source, Span
    from segdsl.project import Project, load_project
    from segdsl.syntax.parser import parse

_LAZY = {
    "Diagnostic": "segdsl.diagnostics",
    "SegdslError": "segdsl.diagnostics",
    "Source": "segdsl.diagnostics",
    "Span": "segdsl.diagnostics",
    "Project": "segdsl.project",
    "load_project": "segdsl.project",
    "parse": "segdsl.syntax.parser",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'segdsl' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "Diagnostic",
    "Project",
    "SegdslError",
    "Source",
    "Span",
    "__version__",
    "load_project",
    "parse",
]
