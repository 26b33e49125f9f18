"""Code actions: did-you-mean fixes, lint fixes, and `# segdsl: ignore[CODE]`."""

from __future__ import annotations

import re

from .model import CodeAction, Finding, Range, RenameError, TextEdit
from .navigate import rename
from .paths import normalize_path
from .state import Analysis, ProjectState

_DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_HAS_IGNORE = re.compile(r"(#.*?\bsegdsl:\s*ignore)\[([^\]]*)\]", re.IGNORECASE)


def _range_text(text: str, rng: Range) -> str:
    lines = text.split("\n")
    if rng.start.line >= len(lines) or rng.end.line >= len(lines):
        return ""
    if rng.start.line == rng.end.line:
        return lines[rng.start.line][rng.start.character : rng.end.character]
    chunk = lines[rng.start.line : rng.end.line + 1]
    chunk[-1] = chunk[-1][: rng.end.character]
    chunk[0] = chunk[0][rng.start.character :]
    return "\n".join(chunk)


def _touches(a: Range, b: Range) -> bool:
    return a.start <= b.end and b.start <= a.end


def _did_you_mean(text: str, f: Finding) -> list[CodeAction]:
    m = _DID_YOU_MEAN.search(f.hint)
    if m is None:
        return []
    new = m.group(1)
    if not _WORD.match(_range_text(text, f.range)) or not _WORD.match(new):
        return []
    return [
        CodeAction(
            f"Change to `{new}`",
            "quickfix",
            {f.path: [TextEdit(f.range, new)]},
            f.code,
            preferred=True,
        )
    ]


def _lint_fixes(state: ProjectState, text: str, f: Finding) -> list[CodeAction]:
    out: list[CodeAction] = []
    quoted = re.findall(r"`([^`]+)`", f.hint)
    if f.code == "W111" and quoted:
        out.append(
            CodeAction(
                f"Write `{quoted[0]}`",
                "quickfix",
                {f.path: [TextEdit(f.range, quoted[0])]},
                f.code,
                preferred=True,
            )
        )
    elif f.code == "W201" and len(quoted) >= 2:
        for new, why in ((quoted[0], "leave out missing values"), (quoted[1], "keep them")):
            out.append(
                CodeAction(
                    f"Write `{new}` ({why})",
                    "quickfix",
                    {f.path: [TextEdit(f.range, f"({new})")]},
                    f.code,
                )
            )
    elif f.code == "I403" and quoted:
        try:
            edits = rename(state, f.path, f.range.start, quoted[0])
        except RenameError:
            edits = {}
        if edits:
            out.append(
                CodeAction(f"Rename to `{quoted[0]}`", "quickfix", edits, f.code, preferred=True)
            )
    out.append(_ignore(text, f))
    return out


def _ignore(text: str, f: Finding) -> CodeAction:
    """`# segdsl: ignore[CODE]` at the end of the finding's first line."""
    line_no = f.range.start.line
    line = text.split("\n")[line_no] if line_no < len(text.split("\n")) else ""
    m = _HAS_IGNORE.search(line)
    if m is not None:
        at = m.end(2)
        edit = TextEdit(Range.of(line_no, at, line_no, at), f", {f.code}")
    else:
        end = len(line.rstrip())
        comment = f"segdsl: ignore[{f.code}]"
        new = f" {comment}" if "#" in line else f"  # {comment}"
        edit = TextEdit(Range.of(line_no, end, line_no, end), new)
    return CodeAction(f"Ignore {f.code} on this line", "quickfix", {f.path: [edit]}, f.code)


def code_actions(state: ProjectState, path: str, rng: Range | None = None) -> list[CodeAction]:
    """The fixes offered for the findings of ``path`` that touch ``rng`` (all of the
    file's findings when None)."""
    a: Analysis = state.analysis()
    key = normalize_path(path)
    text = a.catalog_text if key == a.catalog_path else a.texts.get(key)
    if text is None:
        return []
    out: list[CodeAction] = []
    for f in a.findings.get(key, []):
        if rng is not None and not _touches(f.range, rng):
            continue
        out.extend(_did_you_mean(text, f))
        if f.source == "segdsl-lint" and f.severity != "error":
            out.extend(_lint_fixes(state, text, f))
    return out
