"""Fixtures of the language-server tests: a copy of the retail project's rules and
catalog in tmp_path, and a pytest-lsp client talking to `segdsl lsp` over stdio."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest.importorskip("pytest_lsp")

import pytest_lsp
from lsp_helpers import copy_retail, server_env
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_retail(tmp_path / "retail")


# One server for the tests of a module (starting one takes a second or two); each test
# works in its own copy of the project, which the server sees as a separate project.
@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "segdsl", "lsp"], server_env=server_env()
    ),
)
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    workspace = tmp_path_factory.mktemp("workspace")
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")],
        # a segment's hover evaluates it at the end of the example data
        initialization_options={"asOf": "2026-06-30", "evaluateTimeout": 60},
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()
