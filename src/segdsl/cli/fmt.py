"""`segdsl fmt`: rewrite rule files in the canonical layout (see docs/fmt.md).

Registered on the main app by importing this module (segdsl.cli imports it at its
bottom). It reads and writes text only: no catalog, no database, no SQL.

A file is rewritten atomically (:func:`segdsl.support.atomic.write_text_atomically`): the new text goes to a
temporary dot-file in the same folder (``.NAME.XXXX.tmp``), is flushed to disk, and
replaces the file in one ``os.replace``. A run interrupted at any point leaves each
file either as it was or fully formatted. A run killed outright (SIGKILL, power loss)
between writing and replacing can leave that dot-file behind: it is never read (it
does not end in ``.seg`` and hidden files are skipped), and is safe to delete.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli.app import app, plural, run
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.support.atomic import write_text_atomically

__all__ = ["fmt", "seg_files"]


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
    from segdsl.diagnostics.files import read_text
    from segdsl.syntax.parser import MAX_FILE_BYTES, too_large

    return read_text(path, max_bytes=MAX_FILE_BYTES, too_large=too_large)


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
    from segdsl.project import MAX_STATEMENTS, too_many_statements
    from segdsl.syntax.formatter import format_module, parse_for_format

    def body() -> int:
        files = seg_files(paths or [], project)
        errors: list[Diagnostic] = []
        changed: list[Path] = []
        statements = 0
        for path in files:
            try:
                text = _read(path)
                normal, module = parse_for_format(text, str(path))
                statements += len(module.statements)
                if statements > MAX_STATEMENTS:
                    # As when a project is loaded (E114): files formatted so far stay so.
                    over = module.statements[MAX_STATEMENTS - statements]
                    raise too_many_statements(over)
                new = format_module(normal, module)
            except SegdslError as exc:
                if exc.diagnostics[0].code == "E114":
                    raise
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
                write_text_atomically(path, new)
                typer.echo(f"reformatted {path}")
        unchanged = len(files) - len(changed) - len(_files_with_errors(errors))
        verb = "would be reformatted" if check or diff else "reformatted"
        summary = (
            f"{plural(len(changed), 'file')} {verb}, {plural(unchanged, 'file')} left unchanged"
        )
        typer.echo(summary, err=diff)
        if errors:
            raise SegdslError(errors)
        return 1 if changed and (check or diff) else 0

    code = run(body)
    if code:
        raise typer.Exit(code)


def _files_with_errors(errors: list[Diagnostic]) -> set[str]:
    return {d.span.path if d.span is not None else (d.path or "") for d in errors}


def _unified_diff(path: Path, old: str, new: str) -> str:
    plain = old.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = difflib.unified_diff(
        plain.splitlines(keepends=True), new.splitlines(keepends=True), str(path), str(path)
    )
    out = "".join(x if x.endswith("\n") else x + "\n\\ No newline at end of file\n" for x in lines)
    if plain != old:
        out = f"{path}: the byte-order mark and CRLF line ends would go\n" + out
    return out
