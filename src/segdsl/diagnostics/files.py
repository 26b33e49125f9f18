"""The one reader of the files a user gives segdsl (rule files, ``segdsl.toml``): one code
for one failure — ``U010`` a file or folder that cannot be read, ``U011`` a file that is
not UTF-8 (pointing at the first bad byte), and, when a size limit is given, the caller's
error for a file past it (``E112`` for rule files), raised without reading further."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from segdsl.diagnostics import codes
from segdsl.diagnostics.errors import SegdslError
from segdsl.diagnostics.model import Diagnostic, Source, Span


def plain_text(text: str) -> str:
    """Text as segdsl reads it: no byte-order mark, LF line ends (CRLF and lone CR read as LF)."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_text(
    path: Path,
    display: str | None = None,
    *,
    max_bytes: int | None = None,
    too_large: Callable[[Source, int], SegdslError] | None = None,
) -> str:
    """The file's text exactly as written (a byte-order mark and CRLF kept: ``fmt`` needs
    them to tell a change); ``display`` names it in messages (default: ``path``)."""
    shown = display if display is not None else str(path)
    try:
        with path.open("rb") as f:
            if max_bytes is None:
                raw = f.read()
            else:
                # Never more than the limit (and a byte) in memory: a 10 GB file is
                # refused as fast as a 2 MB one.
                raw = f.read(max_bytes + 1)
                if len(raw) > max_bytes:
                    size = max(os.fstat(f.fileno()).st_size, len(raw))
                    start = Source(shown, raw[:max_bytes].decode("utf-8", "replace"))
                    if too_large is not None:
                        raise too_large(start, size)
                    raise SegdslError(
                        Diagnostic(
                            codes.U010,
                            f"cannot read {shown}: larger than {max_bytes:,} bytes",
                            path=shown,
                        )
                    )
    except OSError as exc:
        raise SegdslError(
            Diagnostic(
                codes.U010,
                f"cannot read {shown}: {exc.strerror or exc}",
                path=shown,
            )
        ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        source = Source(shown, raw.decode("utf-8", "replace"))
        raise SegdslError(
            Diagnostic(
                codes.U011,
                f"{shown} is not UTF-8 text (bad byte at line {line})",
                Span(source, line, column, line, column + 1),
                label=f"byte 0x{raw[exc.start]:02x} cannot start or continue a UTF-8 character",
                path=shown,
                hint="save the file as UTF-8",
            )
        ) from None


def read_source(
    path: Path,
    display: str | None = None,
    *,
    max_bytes: int | None = None,
    too_large: Callable[[Source, int], SegdslError] | None = None,
) -> Source:
    """:func:`read_text` as a :class:`Source`, in :func:`plain_text` form."""
    text = read_text(path, display, max_bytes=max_bytes, too_large=too_large)
    return Source(display if display is not None else str(path), plain_text(text))
