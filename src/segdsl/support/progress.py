"""Progress on standard error for work a user waits for (an evaluation over a large
table, ``diff`` evaluating two revisions, ``snapshot``, an engine starting): a rich
spinner with a line of text when standard error is a terminal, nothing at all in pipes,
files and CI (``CI`` set) or with ``SEGDSL_NO_PROGRESS=1``.

    with progress("evaluating 50 segments on duckdb") as step:
        ...
        step("reading the results")

The spinner is transient: it leaves no line behind, so the command's own output and
messages read as without it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Step = Callable[[str], None]


def enabled(stream: Any = None) -> bool:
    """Whether progress is shown on ``stream`` (default: standard error)."""
    stream = sys.stderr if stream is None else stream
    if os.environ.get("SEGDSL_NO_PROGRESS") or os.environ.get("CI"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


def _quiet(message: str) -> None:
    return None


# Progress shown now (nested `progress` blocks update the outer spinner's text).
_active: list[Step] = []


@contextmanager
def progress(message: str) -> Iterator[Step]:
    """Show ``message`` with a spinner while the block runs; yields a function that
    replaces the text. Silent (and costs nothing) when :func:`enabled` is false."""
    if _active:
        outer = _active[-1]
        outer(message)
        yield outer
        return
    if not enabled():
        yield _quiet
        return
    from rich.console import Console

    console = Console(stderr=True)
    status = console.status(message, spinner="dots")

    def step(text: str) -> None:
        status.update(text)

    _active.append(step)
    status.start()
    try:
        yield step
    finally:
        status.stop()
        _active.pop()
