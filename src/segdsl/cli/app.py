"""The `segdsl` command line: a thin layer over the Python API.

Every command is a few lines over :mod:`segdsl.project`; errors are rendered in one
place (:func:`run`), so that a mistake in the input never shows a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from segdsl import __version__
from segdsl.diagnostics import Diagnostic, SegdslError, codes
from segdsl.diagnostics.render import render_diagnostics
from segdsl.support import stopping

app = typer.Typer(
    name="segdsl",
    help="Declarative customer segments: check, compile to SQL, and evaluate.\n\n"
    "Examples:\n\n"
    "  segdsl check -p examples/retail\n\n"
    "  segdsl compile young_frequent_buyers -p examples/retail --dialect snowflake\n\n"
    "  segdsl eval -p examples/retail --as-of 2026-06-30",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

T = TypeVar("T")

# Mistakes in the command line itself (not in the project): exit 2, like click's own.
USAGE_CODES = frozenset({codes.U001, codes.U002, codes.U005, codes.U007, codes.U050, codes.U051})

ProjectOpt = Annotated[
    Path, typer.Option("--project", "-p", help="The project folder (holds segdsl.toml).")
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The as-of instant, UTC: 2026-06-30 or 2026-06-30T12:00:00. Default: now.",
    ),
]
RuleOpt = Annotated[
    str | None,
    typer.Option("--rule", help="An unnamed rule to use instead of NAMES, e.g. 'age 25..34'."),
]
NamesArg = Annotated[
    list[str] | None, typer.Argument(help="Segment names. Default: every segment.")
]


def use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def fail(diags: list[Diagnostic]) -> None:
    typer.echo(render_diagnostics(diags, color=use_color(sys.stderr)), err=True)
    n = sum(1 for d in diags if d.severity == "error")
    if n > 1:
        typer.echo(f"\n{n} errors", err=True)


def run(fn: Callable[[], T]) -> T:
    """Run a command body; turn segdsl errors into rendered messages and exit 1."""
    try:
        return fn()
    except SegdslError as exc:
        fail(exc.diagnostics)
        usage = all(d.code in USAGE_CODES for d in exc.diagnostics)
        raise typer.Exit(2 if usage else 1) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except Exception as exc:  # an internal error: no traceback unless asked for
        if os.environ.get("SEGDSL_DEBUG"):
            raise
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "  = help: this is a bug in segdsl; rerun with SEGDSL_DEBUG=1 for details "
            "and report it",
            err=True,
        )
        raise typer.Exit(3) from None


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"segdsl {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Declarative customer segments."""


def main() -> None:
    # SIGTERM (`kill`, a CI timeout, a container stop) unwinds like Ctrl-C: temporary
    # files are removed and an open history transaction is rolled back.
    stopping.install()
    app()
