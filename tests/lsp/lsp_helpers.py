"""Helpers of the language-server tests: documents, edits and waiting for the server."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

REPO = Path(__file__).resolve().parents[2]
RETAIL = REPO / "examples" / "retail"


def copy_retail(dest: Path) -> Path:
    """The retail project's catalog and rules (not its data) under ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(RETAIL / "segdsl.toml", dest / "segdsl.toml")
    for seg in RETAIL.glob("*.seg"):
        shutil.copy(seg, dest / seg.name)
    return dest


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(REPO / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def uri(path: Path) -> str:
    return path.as_uri()


def open_doc(client: LanguageClient, path: Path, text: str | None = None) -> str:
    text = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri(path), language_id="segdsl", version=1, text=text)
        )
    )
    return text


def change_doc(client: LanguageClient, path: Path, text: str, version: int = 2) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def settle(client: LanguageClient, path: Path) -> None:
    """Wait until the server has handled everything sent so far: it answers requests
    in order, after the notifications sent before them."""
    await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri(path)), types.Position(0, 0))
    )


def diags(client: LanguageClient, path: Path) -> list[types.Diagnostic]:
    return list(client.diagnostics.get(uri(path), []))


def span_of(text: str, needle: str, nth: int = 0) -> types.Range:
    """The range of the ``nth`` occurrence of ``needle`` in ``text`` (ASCII lines),
    found independently of the server."""
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    start = starts[nth]
    line = text.count("\n", 0, start)
    col = start - (text.rfind("\n", 0, start) + 1)
    return types.Range(types.Position(line, col), types.Position(line, col + len(needle)))


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with LSP edits applied (ASCII text, LF line ends)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(p: types.Position) -> int:
        return min(starts[p.line] + p.character, len(text)) if p.line < len(lines) else len(text)

    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def _names_only(text: str) -> str:
    """The text without its comments and without the contents of its quoted texts."""
    out: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote is not None:
            if ch == "\\" and i + 1 < len(text):
                i += 1
            elif ch == quote:
                quote = None
                out.append(ch)
        elif ch in "\"'":
            quote = ch
            out.append(ch)
        elif ch == "#":
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def word_count(text: str, word: str) -> int:
    """How often ``word`` is used as a name in rule text (comments and quoted texts do not
    count: rename and references see names, not prose)."""
    pattern = rf"(?<![A-Za-z0-9_.]){re.escape(word)}(?![A-Za-z0-9_])"
    return len(re.findall(pattern, _names_only(text)))
