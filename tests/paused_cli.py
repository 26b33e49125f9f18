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

- ``SEGDSL_STUDIO_TEST_SLOW=SECONDS``: each studio evaluation first keeps its DuckDB
  session busy with slow queries for that long, so that a test can make it obsolete
  (and see it interrupted) while the engine works.
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


def slow_studio(seconds: float) -> None:
    from segdsl.tools.studio import live

    opened = live.Job.open

    def slow_open(self: Any, project: Any) -> Any:
        session = opened(self, project)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            session.query("SELECT count(*) FROM range(400000000) WHERE range % 7 = 3")
        return session

    live.Job.open = slow_open  # type: ignore[method-assign]


def main() -> None:
    os.replace = pausing(os.replace, "SEGDSL_TEST_FMT_PAUSE")  # type: ignore[assignment]
    os.link = pausing(os.link, "SEGDSL_TEST_STORE_CREATE_PAUSE")  # type: ignore[assignment]
    if os.environ.get("SEGDSL_TEST_SNAPSHOT_PAUSE"):
        import segdsl.tools.history as history

        history.commit_transaction = pausing(  # type: ignore[assignment]
            history.commit_transaction, "SEGDSL_TEST_SNAPSHOT_PAUSE"
        )
    if os.environ.get("SEGDSL_STUDIO_TEST_SLOW"):
        slow_studio(float(os.environ["SEGDSL_STUDIO_TEST_SLOW"]))
    from segdsl.cli.app import main as cli_main

    sys.argv = ["segdsl", *sys.argv[1:]]
    cli_main()


if __name__ == "__main__":
    main()
