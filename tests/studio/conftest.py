"""Fixtures of the studio tests: a copy of examples/retail and a server on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from studio_server import Studio, copy_retail, studio

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")


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
