"""Walking the syntax tree."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from segdsl.syntax import ast


def iter_nodes(node: object) -> Iterator[ast.Node]:
    """``node`` and every syntax node below it, depth first."""
    stack: list[object] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Node):
            yield n
            kids = [getattr(n, f.name) for f in dataclasses.fields(n)]
            stack.extend(reversed(kids))
        elif isinstance(n, tuple):
            stack.extend(reversed(n))
