"""The segdsl command line with test pauses, for the tests that kill a process (or start a
second one) at a precise moment. Production code has no test hooks: this launcher wraps
the one call that follows each moment, when its variable is set.

    python tests/paused_cli.py ARGS…        # as `python -m segdsl ARGS…`

- ``SEGDSL_TEST_FMT_PAUSE=FILE``: `fmt` has written and flushed a file's new text to its
  temporary file; the pause is before each ``os.replace`` onto the target.
- ``SEGDSL_TEST_STORE_CREATE_PAUSE=FILE``: a new history store's temporary file holds its
  schema; the pause is before ``os.link`` puts it in place.
- ``SEGDSL_TEST_SNAPSHOT_PAUSE=FILE[:SECONDS]``: a snapshot's rows are written but not
  committed; the pause is before :func:`segdsl.tools.history.commit_transaction`.

A pause creates FILE (holding the process id), then waits until FILE is deleted or
SECONDS (default 60) have passed.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def wait_on(value: str) -> None:
    marker, _, seconds = value.rpartition(":")
    if not marker or not seconds.replace(".", "", 1).isdigit():
        marker, seconds = value, "60"
    flag = Path(marker)
    flag.write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + float(seconds)
    while flag.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def pausing(fn: Callable[..., Any], variable: str) -> Callable[..., Any]:
    value = os.environ.get(variable)
    if not value:
        return fn

    def paused(*args: Any, **kwargs: Any) -> Any:
        wait_on(value)
        return fn(*args, **kwargs)

    return paused


def main() -> None:
    os.replace = pausing(os.replace, "SEGDSL_TEST_FMT_PAUSE")  # type: ignore[assignment]
    os.link = pausing(os.link, "SEGDSL_TEST_STORE_CREATE_PAUSE")  # type: ignore[assignment]
    if os.environ.get("SEGDSL_TEST_SNAPSHOT_PAUSE"):
        import segdsl.tools.history as history

        history.commit_transaction = pausing(  # type: ignore[assignment]
            history.commit_transaction, "SEGDSL_TEST_SNAPSHOT_PAUSE"
        )
    from segdsl.cli.app import main as cli_main

    sys.argv = ["segdsl", *sys.argv[1:]]
    cli_main()


if __name__ == "__main__":
    main()
