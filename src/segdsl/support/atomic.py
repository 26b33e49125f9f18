"""Writing files so that a reader never sees half of one: a temporary file beside the
target, then :func:`os.replace`. Shared by every command that writes a file: ``fmt``,
``eval --out``, ``overlap --html``, ``sync --changes``, the live state file, the studio.

A run killed outright (SIGKILL, power loss) between writing and renaming can leave a
hidden ``.NAME.XXXX.tmp`` beside the target; nothing reads those and they are safe to
delete. Ctrl-C and SIGTERM clean up: they are held back while the temporary file is
created and let through once the clean-up is in place.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def temp_beside(target: Path) -> Iterator[tuple[int, Path]]:
    """An open temporary file (descriptor, path) in ``target``'s folder, removed if the
    block raises (Ctrl-C included). The block owns the descriptor (closes it, e.g.
    through ``os.fdopen``), writes the file and renames it into place."""
    held = _hold_signals(True)
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except BaseException:
        if held:
            _hold_signals(False)
        raise
    tmp = Path(name)
    try:
        if held:
            _hold_signals(False)
        yield fd, tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _hold_signals(hold: bool) -> bool:
    """Hold back (``hold``) or let through SIGINT and SIGTERM at the OS level; False
    where that cannot be done (no pthread_sigmask, or not the main thread)."""
    if not hasattr(signal, "pthread_sigmask"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    how = signal.SIG_BLOCK if hold else signal.SIG_UNBLOCK
    signal.pthread_sigmask(how, {signal.SIGINT, signal.SIGTERM})
    return True


def fsync_folder(folder: Path) -> None:
    """Make a rename itself durable (best effort: not every system can)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_file_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Replace ``path`` with the file that ``write`` makes at the temporary path it is
    given (in the same folder), flushed to disk, then :func:`os.replace`, so that a
    reader never sees half a file. Keeps the permissions of an existing file (0644 for
    a new one); a symbolic link stays a link (its target is rewritten)."""
    target = Path(os.path.realpath(path))
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
    with temp_beside(target) as (fd, tmp):
        os.close(fd)
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    fsync_folder(target.parent)


def write_text_atomically(path: Path, text: str) -> None:
    """Replace ``path``'s content with ``text`` (UTF-8, line ends as given), atomically
    (:func:`write_file_atomically`)."""

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            f.write(text)

    write_file_atomically(path, write)
