"""Compare text with a reviewed snapshot file; regenerate on request.

Snapshots (error messages, golden SQL) are files under tests/ that a reviewer reads
like code. A test compares its output with the file byte for byte; a change in wording
or SQL shows up as a diff in review.

Regenerate with an environment variable (tests/conftest.py is not ours, so there is no
pytest option):

    SEGDSL_UPDATE_SNAPSHOTS=1 pytest tests/test_errors.py     # error messages
    SEGDSL_UPDATE_GOLDEN=1 pytest tests/test_golden.py        # golden SQL
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

SNAPSHOTS_ENV = "SEGDSL_UPDATE_SNAPSHOTS"
GOLDEN_ENV = "SEGDSL_UPDATE_GOLDEN"


def updating(env: str = SNAPSHOTS_ENV) -> bool:
    """Whether snapshots of this kind are being regenerated."""
    return os.environ.get(env, "") not in ("", "0")


def assert_matches(path: Path, actual: str, env: str = SNAPSHOTS_ENV) -> None:
    """``actual`` must equal the content of ``path`` exactly.

    With ``env`` set, the file is (re)written instead. A missing snapshot fails: new
    snapshots are reviewed before they are blessed."""
    if updating(env):
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != actual:
            path.write_text(actual, encoding="utf-8", newline="\n")
        return
    if not path.exists():
        pytest.fail(
            f"no snapshot {path.relative_to(TESTS.parent)}; create it with {env}=1 and review it",
            pytrace=False,
        )
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{path.name} (snapshot)",
                tofile=f"{path.name} (actual)",
            )
        )
        pytest.fail(
            f"output differs from {path.relative_to(TESTS.parent)} "
            f"(regenerate with {env}=1 after review):\n{diff}",
            pytrace=False,
        )


def remove_stale(folder: Path, keep: set[str], env: str = SNAPSHOTS_ENV) -> list[str]:
    """Snapshot files in ``folder`` that no test produces. While updating they are
    deleted; otherwise their names are returned so a test can fail on them."""
    if not folder.is_dir():
        return []
    stale = sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and str(p.relative_to(folder)) not in keep
    )
    if updating(env):
        for name in stale:
            (folder / name).unlink()
        return []
    return stale
