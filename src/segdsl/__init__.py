"""segdsl: a declarative language and compiler for customer segments.

>>> import segdsl
>>> module = segdsl.parse('segment adults where age >= 18')
>>> project = segdsl.load_project("examples/retail")
>>> sql = project.compile("young_frequent_buyers", dialect="postgres", as_of="2026-06-30")
"""

from segdsl.diagnostics import Diagnostic, SegdslError, Source, Span
from segdsl.project import Project, load_project
from segdsl.syntax.parser import parse

__version__ = "0.1.0"

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
