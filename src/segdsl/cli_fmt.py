"""`segdsl fmt`: rewrite rule files in the canonical layout (see docs/fmt.md).

Registered on the main app by importing this module (segdsl.cli imports it at its
bottom). It reads and writes text only: no catalog, no database, no SQL.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli import _plural, _run, app
from segdsl.errors import Diagnostic, SegdslError

__all__ = ["fmt", "seg_files", "write_atomically"]


def seg_files(paths: list[Path], project: Path) -> list[Path]:
    """The files to format: each file given, every ``*.seg`` below each folder given
    (sorted, hidden folders skipped), or the project's ``*.seg`` files when none is given."""
    from segdsl.project import find_files

    out: list[Path] = []
    problems: list[Diagnostic] = []
    for p in paths or [project]:
        if p.is_dir():
            out.extend(find_files(p))
        elif p.is_file():
            out.append(p)
        else:
            problems.append(
                Diagnostic(
                    "U020",
                    f"`{p}` does not exist",
                    hint="give .seg files or folders that hold them",
                    path=str(p),
                )
            )
    if problems:
        raise SegdslError(problems)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SegdslError(
            Diagnostic(
                "U021",
                f"`{path}` is not UTF-8 text (byte {exc.start})",
                hint="save the file as UTF-8",
                path=str(path),
            )
        ) from None
    except OSError as exc:
        raise SegdslError(
            Diagnostic("U021", f"cannot read `{path}`: {exc.strerror}", path=str(path))
        ) from None


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path``'s content with ``text``: a temporary file in the same folder, then
    :func:`os.replace`, so that a reader never sees half a file. Keeps the permissions."""
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@app.command("fmt")
def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (every *.seg below). Default: the project's."),
    ] = None,
    project: Annotated[
        Path,
        typer.Option("--project", "-p", help="The project folder, used when no PATHS are given."),
    ] = Path("."),
    check: Annotated[
        bool,
        typer.Option("--check", help="Change nothing; list the files that would change; exit 1."),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option("--diff", help="Change nothing; print a unified diff; exit 1 if any."),
    ] = False,
) -> None:
    """Rewrite rule files in the canonical layout (comments kept).

    Files are rewritten in place, atomically, and only when their text changes. A file
    with a syntax error is reported and left untouched (exit 1).

    Examples:

      segdsl fmt -p examples/retail

      segdsl fmt rules/vip.seg rules/campaigns/

      segdsl fmt --check            (in CI or a pre-commit hook)

      segdsl fmt --diff rules/vip.seg
    """
    from segdsl.formatter import format_text

    def body() -> int:
        files = seg_files(paths or [], project)
        errors: list[Diagnostic] = []
        changed: list[Path] = []
        for path in files:
            text = _read(path)
            try:
                new = format_text(text, str(path))
            except SegdslError as exc:
                errors.extend(exc.diagnostics)
                continue
            if new == text:
                continue
            changed.append(path)
            if diff:
                typer.echo(_unified_diff(path, text, new), nl=False)
            elif check:
                typer.echo(f"would reformat {path}")
            else:
                write_atomically(path, new)
                typer.echo(f"reformatted {path}")
        unchanged = len(files) - len(changed) - len(_files_with_errors(errors))
        verb = "would be reformatted" if check or diff else "reformatted"
        summary = (
            f"{_plural(len(changed), 'file')} {verb}, {_plural(unchanged, 'file')} left unchanged"
        )
        typer.echo(summary, err=diff)
        if errors:
            raise SegdslError(errors)
        return 1 if changed and (check or diff) else 0

    code = _run(body)
    if code:
        raise typer.Exit(code)


def _files_with_errors(errors: list[Diagnostic]) -> set[str]:
    return {d.span.path if d.span is not None else (d.path or "") for d in errors}


def _unified_diff(path: Path, old: str, new: str) -> str:
    plain = old.removeprefix("\ufeff").replace("\r\n", "\n")
    lines = difflib.unified_diff(
        plain.splitlines(keepends=True), new.splitlines(keepends=True), str(path), str(path)
    )
    out = "".join(x if x.endswith("\n") else x + "\n\\ No newline at end of file\n" for x in lines)
    if plain != old:
        out = f"{path}: the byte-order mark and CRLF line ends would go\n" + out
    return out
