"""Fixtures of the studio tests: a copy of examples/retail and a server on it."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from studio_server import Studio, copy_retail, studio

# Without the `studio` extra the server cannot start: skip these tests locally, but
# fail in CI (SEGDSL_REQUIRE_ENGINES=1), where the extra must be installed.
_missing = [m for m in ("starlette", "uvicorn") if importlib.util.find_spec(m) is None]
if _missing:
    if os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1":
        raise RuntimeError(
            f"the studio tests need {', '.join(_missing)} (pip install 'segdsl[studio]')"
        )
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture
def retail_copy(tmp_path: Path) -> Path:
    return copy_retail(tmp_path / "retail")


@pytest.fixture
def server(retail_copy: Path) -> Iterator[Studio]:
    with studio(retail_copy) as s:
        yield s


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """One server for tests that only read (module-wide, to keep the tests fast)."""
    root = copy_retail(tmp_path_factory.mktemp("studio") / "retail")
    with studio(root) as s:
        yield s
