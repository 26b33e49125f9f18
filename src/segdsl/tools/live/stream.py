"""``segdsl stream``: JSON lines in (stdin), one JSON line per membership change out.

A bad line is reported on stderr with its number and skipped (with ``strict``, the run
stops there, exit 1). With a state file the evaluator is restored from it at the start
and written back (atomically) whenever the input pauses, every ``checkpoint`` lines,
at the end of the input and on SIGTERM/SIGINT — after the output is flushed, so a
restart from the file continues exactly where the written output stops.
"""

from __future__ import annotations

import os
import select
import signal
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import IO

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.tools.live.evaluator import LiveEvaluator
from segdsl.tools.live.persist import save
from segdsl.tools.live.protocol import apply, change_line, parse_json

MAX_LINE = 1 << 20  # bytes: a longer line is an error, not a memory hog


class Lines:
    """Lines from a file descriptor, knowing when no more input is waiting."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""
        self.at = 0  # where the next line starts in ``buffer`` (not cut per line: a
        # 64 KB chunk re-sliced for each of its lines is copied hundreds of times)
        self.eof = False

    def waiting(self) -> bool:
        if self.buffer.find(b"\n", self.at) >= 0 or self.eof:
            return True
        try:
            ready, _, _ = select.select([self.fd], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(ready)

    def next(self, stop: Callable[[], bool]) -> bytes | None:
        while True:
            cut = self.buffer.find(b"\n", self.at)
            if cut >= 0:
                line = self.buffer[self.at : cut]
                self.at = cut + 1
                return line
            if self.at:
                self.buffer, self.at = self.buffer[self.at :], 0
            if self.eof:
                if self.buffer:
                    line, self.buffer = self.buffer, b""
                    return line
                return None
            if stop():
                return None
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.2)
            except InterruptedError:  # pragma: no cover - retried by Python
                continue
            except (OSError, ValueError):
                ready = [self.fd]
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                self.eof = True
            else:
                self.buffer += chunk
                if len(self.buffer) > MAX_LINE and b"\n" not in self.buffer:
                    line, self.buffer = self.buffer, b""
                    return line  # too long: reported as an error by the caller


def run_stream(
    live: LiveEvaluator,
    fd: int,
    out: IO[str],
    err: IO[str],
    strict: bool = False,
    state: Path | None = None,
    checkpoint: int = 10_000,
    render: Callable[[SegdslError, int], str] | None = None,
) -> int:
    """Read every line of ``fd``; answers the exit status (0, or 1 when ``strict``
    stopped at a bad line, 128 + N after signal N)."""
    stopping: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    lines = Lines(fd)
    number = 0
    dirty = False
    since = 0
    bad_lines = 0

    def checkpoint_now() -> None:
        nonlocal dirty, since
        out.flush()
        if state is not None and dirty:
            live.compact()
            save(live, state)
        dirty = False
        since = 0

    status = 0
    try:
        while True:
            if dirty and not lines.waiting():
                checkpoint_now()
            raw = lines.next(lambda: bool(stopping))
            if raw is None:
                break
            number += 1
            live.lines += 1
            dirty = True
            since += 1
            text = raw.decode("utf-8", "replace").strip()
            if not text:
                continue
            try:
                if len(raw) > MAX_LINE:
                    raise SegdslError(_too_long())
                for change in apply(live, parse_json(text)):
                    out.write(change_line(live, change) + "\n")
            except SegdslError as exc:
                bad_lines += 1
                err.write(render(exc, number) if render else f"line {number}: {exc}\n")
                err.flush()
                if strict:
                    status = 1
                    break
            if since >= checkpoint:
                checkpoint_now()
            if stopping:
                break
        checkpoint_now()
        if bad_lines and not strict:
            err.write(f"{bad_lines} bad line{'s' if bad_lines != 1 else ''} skipped\n")
        if stopping:
            status = 128 + stopping[0]
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return status


def _too_long() -> Diagnostic:
    return Diagnostic("V001", f"the line is longer than {MAX_LINE:,} bytes")
