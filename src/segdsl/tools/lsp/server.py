"""`segdsl lsp`: a language server over stdio (pygls + lsprotocol).

One :class:`~segdsl.tools.editing.ProjectState` per project folder (the nearest folder
holding segdsl.toml above a document); every change re-checks that project and
publishes the diagnostics of each of its files whose findings changed."""

from __future__ import annotations

import os
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer

from segdsl.diagnostics import SegdslError
from segdsl.tools import editing
from segdsl.tools.editing import ProjectState, RenameError, normalize_path, plain_text

from .convert import Converter, completion_item, path_of, uri_of

CATALOG = "segdsl.toml"


class RequestFailed(JsonRpcException):
    """LSP's RequestFailed: a valid request that cannot be done (e.g. a rename)."""

    CODE = -32803
    MESSAGE = "request failed"


class SegdslServer(LanguageServer):
    def __init__(self) -> None:
        from segdsl import __version__

        super().__init__("segdsl", __version__)
        self.projects: dict[str, ProjectState] = {}
        self.published: dict[str, dict[str, tuple[Any, ...]]] = {}  # root -> uri -> key

    # ---- projects and files -----------------------------------------------------------
    def root_of(self, path: str) -> str:
        """The project folder of a file: the nearest folder holding segdsl.toml (the
        file's own folder when there is none)."""
        folder = os.path.dirname(path)
        probe = folder
        while True:
            if os.path.isfile(os.path.join(probe, CATALOG)):
                return probe
            for root in self.projects:  # an unsaved segdsl.toml counts too
                if root == probe and self.projects[root].text(os.path.join(root, CATALOG)):
                    return probe
            parent = os.path.dirname(probe)
            if parent == probe:
                return folder
            probe = parent

    def state_of(self, path: str) -> ProjectState:
        root = self.root_of(path)
        state = self.projects.get(root)
        if state is None:
            state = self.projects[root] = ProjectState(root)
        return state

    def lines(self, path: str) -> list[str]:
        text = self.state_of(path).text(path)
        return plain_text(text).split("\n") if text is not None else [""]

    @property
    def conv(self) -> Converter:
        return Converter(self.workspace.position_codec, self.lines)

    # ---- diagnostics ------------------------------------------------------------------
    def publish(self, state: ProjectState) -> None:
        findings = editing.diagnostics(state)
        conv = self.conv
        before = self.published.setdefault(str(state.root), {})
        now: dict[str, tuple[Any, ...]] = {}
        for path, found in findings.items():
            uri = uri_of(path)
            diags = [conv.diagnostic(f) for f in found]
            key = tuple(
                (
                    d.range.start.line,
                    d.range.start.character,
                    d.range.end.line,
                    d.range.end.character,
                    d.code,
                    d.message,
                    d.severity,
                )
                for d in diags
            )
            now[uri] = key
            if before.get(uri) != key:
                self.text_document_publish_diagnostics(
                    lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diags)
                )
        for uri in set(before) - set(now):
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        self.published[str(state.root)] = now

    def sync(self, uri: str) -> None:
        """Take the open document's text and re-check its project."""
        path = path_of(uri)
        if path is None:
            return
        path = normalize_path(path)
        doc = self.workspace.get_text_document(uri)
        state = self.state_of(path)
        state.set_text(path, doc.source)
        self.publish(state)


server = SegdslServer()


def _path(uri: str) -> str:
    path = path_of(uri)
    if path is None:
        raise RequestFailed(f"P005: not a file: {uri}")
    return normalize_path(path)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: SegdslServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.sync(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: SegdslServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.sync(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: SegdslServer, params: lsp.DidCloseTextDocumentParams) -> None:
    path = _path(params.text_document.uri)
    state = ls.state_of(path)
    state.close(path)
    ls.publish(state)


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched(ls: SegdslServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    for state in list(ls.projects.values()):
        state.refresh()
        ls.publish(state)


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(trigger_characters=[".", "(", " "]),
)
def completion(ls: SegdslServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    path = _path(params.text_document.uri)
    state = ls.state_of(path)
    pos = ls.conv.position_in(path, params.position)
    trigger = params.context.trigger_character if params.context else None
    items = editing.complete(state, path, pos, trigger=trigger)
    return lsp.CompletionList(is_incomplete=False, items=[completion_item(i) for i in items])


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: SegdslServer, params: lsp.HoverParams) -> lsp.Hover | None:
    path = _path(params.text_document.uri)
    found = editing.hover(ls.state_of(path), path, ls.conv.position_in(path, params.position))
    if found is None:
        return None
    return lsp.Hover(
        contents=lsp.MarkupContent(lsp.MarkupKind.Markdown, found.contents),
        range=ls.conv.range_out(path, found.range),
    )


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: SegdslServer, params: lsp.DefinitionParams) -> list[lsp.Location]:
    path = _path(params.text_document.uri)
    conv = ls.conv
    found = editing.definition(ls.state_of(path), path, conv.position_in(path, params.position))
    return [conv.location(loc) for loc in found]


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: SegdslServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    path = _path(params.text_document.uri)
    conv = ls.conv
    found = editing.references(
        ls.state_of(path),
        path,
        conv.position_in(path, params.position),
        include_declaration=params.context.include_declaration,
    )
    return [conv.location(loc) for loc in found]


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: SegdslServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
    path = _path(params.text_document.uri)
    conv = ls.conv
    rng = editing.prepare_rename(ls.state_of(path), path, conv.position_in(path, params.position))
    if rng is None:
        raise RequestFailed("P002: only segments and measures can be renamed")
    return conv.range_out(path, rng)


@server.feature(lsp.TEXT_DOCUMENT_RENAME, lsp.RenameOptions(prepare_provider=True))
def rename(ls: SegdslServer, params: lsp.RenameParams) -> lsp.WorkspaceEdit:
    path = _path(params.text_document.uri)
    conv = ls.conv
    try:
        changes = editing.rename(
            ls.state_of(path), path, conv.position_in(path, params.position), params.new_name
        )
    except RenameError as exc:
        raise RequestFailed(f"P002: cannot rename: {exc}") from None
    return conv.workspace_edit(changes)


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: SegdslServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    path = _path(params.text_document.uri)
    if not path.endswith(".seg"):
        return None
    try:
        edits = editing.format_edits(ls.state_of(path), path)
    except SegdslError as exc:
        first = exc.diagnostics[0]
        where = f"line {first.span.line}: " if first.span is not None else ""
        ls.window_show_message(
            lsp.ShowMessageParams(
                lsp.MessageType.Warning,
                f"P003: cannot format {os.path.basename(path)}: {where}{first.code} "
                f"{first.message}" + (f" ({first.hint})" if first.hint else ""),
            )
        )
        return None
    return ls.conv.edits(path, edits)


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]),
)
def code_action(ls: SegdslServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    path = _path(params.text_document.uri)
    conv = ls.conv
    rng = conv.range_in(path, params.range)
    out: list[lsp.CodeAction] = []
    for action in editing.code_actions(ls.state_of(path), path, rng):
        matching = [d for d in params.context.diagnostics if d.code == action.code]
        out.append(conv.action(action, matching))
    return out


def run() -> None:
    """Serve on stdin/stdout until the client says exit."""
    server.start_io()
