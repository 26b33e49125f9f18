"""`segdsl lsp` checks the projects of the workspace when it starts, and follows files
changed on disk (workspace/didChangeWatchedFiles)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsp_helpers import RETAIL, copy_retail, diags, open_doc, server_env, settle, span_of, uri
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    project = copy_retail(tmp_path / "ws" / "shop" / "retail")
    value = project / "value.seg"
    value.write_text(value.read_text().replace("top 20% by spend_365d", "top 20% by spend_36d"))
    return tmp_path / "ws"


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[sys.executable, "-m", "segdsl", "lsp"], server_env=server_env()
    ),
)
async def ws_client(lsp_client: LanguageClient, workspace: Path):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_workspace_projects_are_checked_at_start_and_on_disk_changes(
    ws_client: LanguageClient, workspace: Path
) -> None:
    project = workspace / "shop" / "retail"
    value = project / "value.seg"
    await settle(ws_client, value)  # nothing opened: published after `initialized`
    text = value.read_text()
    found = diags(ws_client, value)
    assert [d.code for d in found] == ["E201"]
    assert found[0].range == span_of(text, "spend_36d")

    # fixed on disk by another tool: the watched-files notification re-reads it
    value.write_text((RETAIL / "value.seg").read_text())
    ws_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri(value), type=types.FileChangeType.Changed)]
        )
    )
    await settle(ws_client, value)
    assert diags(ws_client, value) == []

    # a new file on disk
    extra = project / "extra.seg"
    extra.write_text("segment extra where agee > 1\n")
    ws_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri(extra), type=types.FileChangeType.Created)]
        )
    )
    await settle(ws_client, extra)
    assert [d.code for d in diags(ws_client, extra)] == ["E201"]

    # an open document's unsaved text wins; closing it brings back the saved text
    open_doc(ws_client, extra, "segment extra where age > 1\n")
    await settle(ws_client, extra)
    assert diags(ws_client, extra) == []
    ws_client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(extra)))
    )
    await settle(ws_client, extra)
    assert [d.code for d in diags(ws_client, extra)] == ["E201"]
