"""File identity and text normalisation shared by the editing modules."""

from __future__ import annotations

import os
from pathlib import Path


def plain_text(text: str) -> str:
    """A text as the loader reads it: no BOM, LF line ends."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def normalize_path(path: str | Path) -> str:
    """The absolute path used as a file's identity everywhere in this package."""
    return os.path.abspath(os.fspath(path))
