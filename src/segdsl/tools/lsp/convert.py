"""Between the editing analysis (code points, absolute paths) and LSP (the client's
position encoding, URIs)."""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types as lsp
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace.position_codec import PositionCodec

from segdsl.tools.editing import (
    CodeAction,
    CompletionItem,
    Finding,
    Location,
    Position,
    Range,
    TextEdit,
)

SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}
COMPLETION_KIND = {
    "keyword": lsp.CompletionItemKind.Keyword,
    "attribute": lsp.CompletionItemKind.Field,
    "measure": lsp.CompletionItemKind.Variable,
    "event": lsp.CompletionItemKind.Event,
    "field": lsp.CompletionItemKind.Property,
    "segment": lsp.CompletionItemKind.Reference,
    "entity": lsp.CompletionItemKind.Class,
    "unit": lsp.CompletionItemKind.Unit,
    "snippet": lsp.CompletionItemKind.Snippet,
    "value": lsp.CompletionItemKind.EnumMember,
}

Lines = Callable[[str], list[str]]  # path -> the lines of its current text


def uri_of(path: str) -> str:
    return str(from_fs_path(path))


def path_of(uri: str) -> str | None:
    return to_fs_path(uri)


class Converter:
    """Converts positions with the negotiated encoding (UTF-16 unless the client
    asked for another), given a way to read a file's current lines."""

    def __init__(self, codec: PositionCodec, lines: Lines) -> None:
        self.codec = codec
        self.lines = lines

    def position_in(self, path: str, pos: lsp.Position) -> Position:
        p = self.codec.position_from_client_units(
            self.lines(path), lsp.Position(pos.line, pos.character)
        )
        return Position(p.line, p.character)

    def range_in(self, path: str, rng: lsp.Range) -> Range:
        return Range(self.position_in(path, rng.start), self.position_in(path, rng.end))

    def position_out(self, lines: list[str], pos: Position) -> lsp.Position:
        if pos.line >= len(lines):
            return lsp.Position(pos.line, pos.character)
        units = self.codec.client_num_units(lines[pos.line][: pos.character])
        return lsp.Position(pos.line, int(units))

    def range_out(self, path: str, rng: Range) -> lsp.Range:
        lines = self.lines(path)
        return lsp.Range(self.position_out(lines, rng.start), self.position_out(lines, rng.end))

    def location(self, loc: Location) -> lsp.Location:
        return lsp.Location(uri_of(loc.path), self.range_out(loc.path, loc.range))

    def edits(self, path: str, edits: list[TextEdit]) -> list[lsp.TextEdit]:
        return [lsp.TextEdit(self.range_out(path, e.range), e.new_text) for e in edits]

    def workspace_edit(self, changes: dict[str, list[TextEdit]]) -> lsp.WorkspaceEdit:
        return lsp.WorkspaceEdit(
            changes={uri_of(p): self.edits(p, e) for p, e in sorted(changes.items())}
        )

    def diagnostic(self, f: Finding) -> lsp.Diagnostic:
        message = f.message
        if f.label:
            message += f" ({f.label})"
        for note in f.notes:
            message += f"\nnote: {note}"
        if f.hint:
            message += f"\nhint: {f.hint}"
        return lsp.Diagnostic(
            range=self.range_out(f.path, f.range),
            message=message,
            severity=SEVERITY.get(f.severity, lsp.DiagnosticSeverity.Error),
            code=f.code,
            source=f.source,
            data={"hint": f.hint} if f.hint else None,
        )

    def action(self, a: CodeAction, diagnostics: list[lsp.Diagnostic]) -> lsp.CodeAction:
        return lsp.CodeAction(
            title=a.title,
            kind=lsp.CodeActionKind.QuickFix,
            diagnostics=diagnostics or None,
            edit=self.workspace_edit(a.edits),
            is_preferred=a.preferred or None,
        )


def completion_item(item: CompletionItem) -> lsp.CompletionItem:
    snippet = item.kind == "snippet"
    return lsp.CompletionItem(
        label=item.label,
        kind=COMPLETION_KIND.get(item.kind, lsp.CompletionItemKind.Text),
        detail=item.detail or None,
        documentation=(
            lsp.MarkupContent(lsp.MarkupKind.Markdown, item.documentation)
            if item.documentation
            else None
        ),
        insert_text=item.insert_text,
        insert_text_format=lsp.InsertTextFormat.Snippet if snippet else None,
        sort_text=item.sort_text,
    )
