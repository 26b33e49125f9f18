"""`segdsl lsp`: a language server over stdio (pygls + lsprotocol).

One :class:`~segdsl.tools.editing.ProjectState` per project folder (the nearest folder
holding segdsl.toml above a document); every change re-checks that project and
publishes the diagnostics of each of its files whose findings changed."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer

from segdsl.diagnostics import SegdslError
from segdsl.tools import editing
from segdsl.tools.editing import ProjectState, RenameError, normalize_path, plain_text
from segdsl.tools.editing.hover import quick_size

from .convert import Converter, completion_item, path_of, uri_of

CATALOG = "segdsl.toml"


class RequestFailed(JsonRpcException):
    """LSP's RequestFailed: a valid request that cannot be done (e.g. a rename)."""

    CODE = -32803
    MESSAGE = "request failed"


@dataclass
class Options:
    """The client's ``initializationOptions``: ``evaluate`` (bool, default true: a
    segment's hover without a snapshot shows its size from a quick evaluation),
    ``asOf`` (the as-of of that evaluation, e.g. "2026-06-30"; default now),
    ``evaluateTimeout`` (seconds, default 5)."""

    evaluate: bool = True
    as_of: dt.datetime | None = None
    evaluate_timeout: float = 5.0

    @classmethod
    def parse(cls, raw: object) -> Options:
        out = cls()
        if not isinstance(raw, dict):
            return out
        if isinstance(raw.get("evaluate"), bool):
            out.evaluate = raw["evaluate"]
        as_of = raw.get("asOf")
        if isinstance(as_of, str) and as_of.strip():
            from segdsl.semantic.timecalc import parse_as_of

            try:
                out.as_of = parse_as_of(as_of.strip())
            except Exception:
                out.as_of = None
        timeout = raw.get("evaluateTimeout")
        if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0:
            out.evaluate_timeout = float(timeout)
        return out


class SegdslServer(LanguageServer):
    def __init__(self) -> None:
        from segdsl import __version__

        super().__init__("segdsl", __version__)
        self.projects: dict[str, ProjectState] = {}
        self.published: dict[str, dict[str, tuple[Any, ...]]] = {}  # root -> uri -> key
        self.options = Options()

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


def workspace_projects(folders: list[str], depth: int = 2) -> list[str]:
    """Project folders (holding segdsl.toml) in the workspace folders and up to
    ``depth`` levels below them (hidden folders and node_modules skipped)."""
    found: list[str] = []
    for top in folders:
        level = [top]
        for _ in range(depth + 1):
            below: list[str] = []
            for folder in level:
                if os.path.isfile(os.path.join(folder, CATALOG)):
                    found.append(normalize_path(folder))
                try:
                    entries = sorted(os.scandir(folder), key=lambda e: e.name)
                except OSError:
                    continue
                below.extend(
                    e.path
                    for e in entries
                    if e.is_dir(follow_symlinks=False)
                    and not e.name.startswith(".")
                    and e.name != "node_modules"
                )
            level = below
    return sorted(set(found))


@server.feature(lsp.INITIALIZE)
def initialize(ls: SegdslServer, params: lsp.InitializeParams) -> None:
    ls.options = Options.parse(params.initialization_options)


@server.feature(lsp.INITIALIZED)
def initialized(ls: SegdslServer, params: lsp.InitializedParams) -> None:
    """Check the projects of the workspace at once: their problems show before any file
    is opened."""
    folders = [f.uri for f in ls.workspace.folders.values()] or (
        [ls.workspace.root_uri] if ls.workspace.root_uri else []
    )
    paths = [p for p in (path_of(u) for u in folders) if p]
    for root in workspace_projects(paths):
        ls.publish(ls.state_of(os.path.join(root, CATALOG)))


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
    lsp.CompletionOptions(trigger_characters=[".", "(", " ", '"']),
)
def completion(ls: SegdslServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    path = _path(params.text_document.uri)
    state = ls.state_of(path)
    pos = ls.conv.position_in(path, params.position)
    trigger = params.context.trigger_character if params.context else None
    items = editing.complete(state, path, pos, trigger=trigger)
    return lsp.CompletionList(is_incomplete=False, items=[completion_item(i) for i in items])


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
async def hover(ls: SegdslServer, params: lsp.HoverParams) -> lsp.Hover | None:
    path = _path(params.text_document.uri)
    state = ls.state_of(path)
    pos = ls.conv.position_in(path, params.position)
    found = editing.hover(state, path, pos)
    if found is None:
        return None
    contents = found.contents
    occ = editing.occurrence_at(state.analysis(), path, pos)
    project = state.analysis().project
    if (
        ls.options.evaluate
        and occ is not None
        and occ.kind == "segment"
        and project is not None
        and "(latest snapshot)" not in contents
    ):
        # off the event loop: typing goes on while DuckDB counts
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(None, quick_size, project, occ.name, ls.options.as_of)
        try:
            size = await asyncio.wait_for(job, ls.options.evaluate_timeout)
        except TimeoutError:
            size = None
        if size is not None:
            head, sep, sql = contents.partition("\n\n```sql")
            contents = head + "\n\n" + size.markdown() + sep + sql
    return lsp.Hover(
        contents=lsp.MarkupContent(lsp.MarkupKind.Markdown, contents),
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


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: SegdslServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
    path = _path(params.text_document.uri)
    conv = ls.conv
    kinds = {
        "segment": lsp.SymbolKind.Class,
        "measure": lsp.SymbolKind.Variable,
        "segmentation": lsp.SymbolKind.Enum,
    }
    return [
        lsp.DocumentSymbol(
            name=s.name,
            kind=kinds.get(s.kind, lsp.SymbolKind.Variable),
            range=conv.range_out(path, s.range),
            selection_range=conv.range_out(path, s.selection_range),
            detail=s.detail or None,
        )
        for s in editing.document_symbols(ls.state_of(path), path)
    ]


@server.feature(lsp.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: SegdslServer, params: lsp.PrepareRenameParams) -> lsp.Range | None:
    path = _path(params.text_document.uri)
    conv = ls.conv
    rng = editing.prepare_rename(ls.state_of(path), path, conv.position_in(path, params.position))
    if rng is None:
        raise RequestFailed("P002: only segments, measures and segmentations can be renamed")
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
