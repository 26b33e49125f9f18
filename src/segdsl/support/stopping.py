"""Stopping a run on a signal, the same way whatever it was doing.

SIGTERM (`kill`, a CI timeout, a container stop) unwinds like Ctrl-C: the handler
raises ``SystemExit(143)``, so ``finally`` blocks run — a file being written keeps its
old content and loses its temporary file, an open history transaction is rolled back.
An engine that checks for signals while it runs a query (DuckDB) turns the handler's
exception into its own "query interrupted" error; :func:`interrupted` gives back the
exception the signal meant, instead of a misleading "the database rejected the query".
"""

from __future__ import annotations

import signal
from types import FrameType

_received: int | None = None


def install() -> None:
    """Handle SIGTERM (called by the command line, not by the library)."""
    signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum: int, frame: FrameType | None) -> None:
    global _received
    _received = signum
    raise SystemExit(128 + signum)


def interrupted() -> BaseException:
    """The exception to raise when an engine reports an interrupted query: SystemExit
    (128 + the signal) after SIGTERM, KeyboardInterrupt after Ctrl-C."""
    if _received is not None:
        return SystemExit(128 + _received)
    return KeyboardInterrupt()


def is_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` is an engine's report of a query stopped by a signal."""
    if isinstance(exc, KeyboardInterrupt) or type(exc).__name__ == "InterruptException":
        return True
    # DuckDB 2 reports it as a RuntimeError with this message.
    return isinstance(exc, RuntimeError) and str(exc).startswith("Query interrupted")
