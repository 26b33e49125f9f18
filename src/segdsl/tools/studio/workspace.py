"""The studio's view of a project folder: its files, the texts being edited (overlays),
the project loaded from them, its diagnostics, and saving through ``fmt``.

Nothing here knows about HTTP; :mod:`segdsl.tools.studio.app` serves it. Paths are
always relative to the project folder, with ``/`` (``segments/vip.seg``), and a path
that leaves the folder, or names anything but a ``.seg`` file or ``segdsl.toml``, is
refused (P053).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from segdsl.diagnostics import Diagnostic, SegdslError, Source
from segdsl.project import CATALOG_FILE, Project, find_files, project_from_texts, read_source
from segdsl.support.atomic import write_text_atomically
from segdsl.syntax import ast
from segdsl.syntax.parser import MAX_FILE_BYTES


def studio_error(code: str, message: str, hint: str = "") -> SegdslError:
    return SegdslError(Diagnostic(code, message, hint=hint))


def text_hash(text: str) -> str:
    """What the client sends back on save, to notice a file changed on disk meanwhile."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    """A diagnostic for the browser: 1-based lines and columns (end column exclusive)."""
    out: dict[str, Any] = {
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "label": d.label,
        "hint": d.hint,
        "notes": list(d.notes),
        "path": d.span.path if d.span is not None else d.path,
    }
    if d.span is not None:
        out.update(
            line=d.span.line,
            column=d.span.column,
            end_line=d.span.end_line,
            end_column=d.span.end_column,
        )
    return out


@dataclass(frozen=True)
class Outline:
    """A segment or measure defined in a file, with the lines it covers."""

    kind: str  # "segment" or "measure"
    name: str
    path: str
    line: int
    end_line: int
    title: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "title": self.title,
        }


def outline(modules: list[ast.Module]) -> list[Outline]:
    out: list[Outline] = []
    for m in modules:
        for s in m.statements:
            if isinstance(s, ast.SegmentDef):
                out.append(
                    Outline(
                        "segment",
                        s.name,
                        m.source_path,
                        s.span.line,
                        s.span.end_line,
                        s.meta_value("title"),
                    )
                )
            else:
                out.append(Outline("measure", s.name, m.source_path, s.span.line, s.span.end_line))
    return out


@dataclass
class Loaded:
    """The project as the editor's texts make it: either a project, or the problems
    that stop it from loading (syntax errors, unknown names, a bad catalog)."""

    project: Project | None
    errors: list[Diagnostic]
    modules: list[ast.Module]


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if not (self.root / CATALOG_FILE).is_file():
            raise studio_error(
                "P053",
                f"no {CATALOG_FILE} in {root}",
                "pass the project folder (the one holding segdsl.toml) with -p",
            )
        self.name = self.root.name

    # ---- files ----------------------------------------------------------------------
    def files(self) -> list[str]:
        seg = [p.relative_to(self.root).as_posix() for p in find_files(self.root)]
        return [CATALOG_FILE, *seg]

    def resolve(self, path: str) -> Path:
        """The file ``path`` names, refusing anything outside the project or not a
        rule file or the catalog."""
        if not isinstance(path, str) or not path or "\x00" in path or "\\" in path:
            raise studio_error("P053", "a file path is required (e.g. `value.seg`)")
        rel = PurePosixPath(path)
        if (
            rel.is_absolute()
            or any(p in ("..", "") for p in rel.parts)
            or any(p.startswith(".") for p in rel.parts)
        ):
            raise studio_error("P053", f"`{path}` is not a file of this project")
        if not (rel.suffix == ".seg" or rel.as_posix() == CATALOG_FILE):
            raise studio_error(
                "P053",
                f"`{path}` is neither a .seg file nor {CATALOG_FILE}",
                "the studio edits rule files (.seg) and the catalog",
            )
        target = self.root.joinpath(*rel.parts)
        real = Path(os.path.realpath(target))
        if real != self.root and self.root not in real.parents:
            raise studio_error("P053", f"`{path}` leads outside the project folder")
        return target

    def read(self, path: str) -> str:
        target = self.resolve(path)
        if not target.is_file():
            raise studio_error("P054", f"no file `{path}` in the project")
        return read_source(target, path).text

    # ---- loading with overlays --------------------------------------------------------
    def texts(self, overlays: Mapping[str, str]) -> dict[str, str]:
        """Every rule file's text: the overlay where the editor holds one, else the disk."""
        out: dict[str, str] = {}
        for rel in self.files()[1:]:
            out[rel] = overlays[rel] if rel in overlays else self.read(rel)
        for rel, text in overlays.items():  # a new file that is not on disk yet
            if rel != CATALOG_FILE:
                self.resolve(rel)
                out.setdefault(rel, text)
        return out

    def load(self, overlays: Mapping[str, str] | None = None) -> Loaded:
        overlays = dict(overlays or {})
        catalog_text = overlays.get(CATALOG_FILE)
        if catalog_text is None:
            catalog_text = self.read(CATALOG_FILE)
        texts = self.texts(overlays)
        try:
            project = project_from_texts(self.root, catalog_text, texts, CATALOG_FILE)
        except SegdslError as exc:
            return Loaded(None, exc.diagnostics, _parsed_modules(texts))
        return Loaded(project, [], project.modules)

    # ---- saving ---------------------------------------------------------------------------
    def formatted(self, path: str, text: str) -> str:
        """The text as `segdsl fmt` writes it (the catalog is saved as it is)."""
        if path == CATALOG_FILE:
            return text
        from segdsl.syntax.formatter import format_text

        return format_text(text, path)

    def head_text(self, path: str) -> str | None:
        """The file at git's HEAD, or None (not a git checkout, new file, no git)."""
        target = self.resolve(path)
        try:
            proc = subprocess.run(
                ["git", "--literal-pathspecs", "show", f"HEAD:./{target.name}"],
                cwd=target.parent,
                capture_output=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if proc.returncode != 0:
            return None
        return proc.stdout.decode("utf-8", "replace").replace("\r\n", "\n")

    def diff(self, path: str, text: str) -> dict[str, Any]:
        """What saving would write, and its difference from git's HEAD and from the disk."""
        new = self.formatted(path, text)
        head = self.head_text(path)
        target = self.resolve(path)
        disk = read_source(target, path).text if target.is_file() else None
        return {
            "path": path,
            "text": new,
            "hash": text_hash(disk) if disk is not None else None,
            "in_git": head is not None,
            "diff_head": _unified(path, head if head is not None else "", new, "HEAD"),
            "diff_disk": _unified(path, disk if disk is not None else "", new, "disk"),
            "unchanged": disk == new,
        }

    def save(self, path: str, text: str, base_hash: str | None) -> dict[str, Any]:
        """Write ``text`` formatted, atomically. ``base_hash`` (the hash of the disk text
        the editor started from) guards against overwriting a change made elsewhere."""
        target = self.resolve(path)
        new = self.formatted(path, text)
        if len(new.encode("utf-8")) > MAX_FILE_BYTES:
            raise studio_error("P051", f"`{path}` would be larger than 1 MiB")
        if target.is_file() and base_hash is not None:
            current = read_source(target, path).text
            if text_hash(current) != base_hash:
                raise studio_error(
                    "P055",
                    f"`{path}` changed on disk since it was opened",
                    "reload the file (your text is kept in the editor until you do) "
                    "and make the change again",
                )
        write_text_atomically(target, new)
        return {"path": path, "text": new, "hash": text_hash(new)}


def _parsed_modules(texts: Mapping[str, str]) -> list[ast.Module]:
    """The files that parse, for the outline when the project does not load."""
    from segdsl.syntax.parser import parse_source

    out: list[ast.Module] = []
    for path in sorted(texts):
        try:
            out.append(parse_source(Source(path, texts[path])))
        except SegdslError:
            continue
    return out


def _unified(path: str, old: str, new: str, label: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"{path} ({label})",
            f"{path} (editor, formatted)",
        )
    )
