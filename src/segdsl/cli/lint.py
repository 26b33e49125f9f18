"""The `segdsl lint` command (registered on :data:`segdsl.cli.app` when imported)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli.app import app, run, use_color


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


def _find_root(paths: list[Path]) -> Path:
    """The project folder of the first path: the nearest folder holding segdsl.toml."""
    start = paths[0].resolve() if paths else Path.cwd()
    for folder in [start, *start.parents]:
        if (folder / "segdsl.toml").is_file():
            return folder
    return Path(".")


@app.command()
def lint(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Only report findings in these files or folders. Default: all."),
    ] = None,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            "-p",
            help="The project folder (holds segdsl.toml). Default: the one holding PATHS, "
            "or the current folder.",
        ),
    ] = None,
    fmt: Annotated[LintFormat, typer.Option("--format", "-f", help="Output format.")] = (
        LintFormat.text
    ),
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    select: Annotated[
        list[str] | None, typer.Option("--select", help="Only these codes or prefixes.")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Leave out these codes or prefixes.")
    ] = None,
    hygiene: Annotated[
        bool | None,
        typer.Option("--hygiene/--no-hygiene", help="Report hygiene findings (I4xx)."),
    ] = None,
) -> None:
    """Check rules for contradictions, redundancy, missing-value traps and more.

    Exit 0 when there is no error, 1 on errors (and on warnings with --strict).

    Examples:

      segdsl lint -p examples/retail

      segdsl lint -p examples/retail --format sarif > lint.sarif

      segdsl lint examples/b2b/accounts.seg --strict
    """
    from segdsl.tools.lint import lint_project
    from segdsl.tools.lint.output import render

    def body() -> int:
        root = project if project is not None else _find_root(list(paths or []))
        result = lint_project(
            root, paths=paths or (), select=select or (), ignore=ignore or (), hygiene=hygiene
        )
        typer.echo(render(result.diagnostics, fmt.value, color=use_color(sys.stdout)))
        return result.exit_code(strict)

    code = run(body)
    if code:
        raise typer.Exit(code)
