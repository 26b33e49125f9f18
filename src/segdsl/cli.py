"""The `segdsl` command line: a thin layer over the Python API.

Every command is a few lines over :mod:`segdsl.project`; errors are rendered in one
place (:func:`_run`), so that a mistake in the input never shows a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from segdsl import __version__, stopping
from segdsl.errors import Diagnostic, SegdslError
from segdsl.render import render_diagnostics

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
USAGE_CODES = frozenset({"U001", "U002", "U005", "U007", "U050"})

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


def _color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _fail(diags: list[Diagnostic]) -> None:
    typer.echo(render_diagnostics(diags, color=_color(sys.stderr)), err=True)
    n = sum(1 for d in diags if d.severity == "error")
    if n > 1:
        typer.echo(f"\n{n} errors", err=True)


def _run(fn: Callable[[], T]) -> T:
    """Run a command body; turn segdsl errors into rendered messages and exit 1."""
    try:
        return fn()
    except SegdslError as exc:
        _fail(exc.diagnostics)
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


def _plural(n: int, word: str) -> str:
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


@app.command()
def check(project: ProjectOpt = Path(".")) -> None:
    """Parse and resolve the whole project; exit 1 on any error.

    Example: segdsl check -p examples/retail
    """
    from segdsl.project import load_project

    def body() -> None:
        p = load_project(project)
        typer.echo(
            f"ok: {_plural(len(p.segments), 'segment')}, {_plural(len(p.measures), 'measure')}, "
            f"{_plural(len(p.modules), 'file')} in {p.root}"
        )

    _run(body)


@app.command("compile")
def compile_(
    names: NamesArg = None,
    project: ProjectOpt = Path("."),
    dialect: Annotated[
        str | None,
        typer.Option(
            "--dialect", "-d", help="SQL dialect (sqlglot's names). Default: the catalog's."
        ),
    ] = None,
    as_of: AsOfOpt = None,
    membership: Annotated[
        bool,
        typer.Option(
            "--membership", help="One statement: the key and a boolean column per segment."
        ),
    ] = False,
    rule: RuleOpt = None,
) -> None:
    """Compile segments to SQL.

    Examples:

      segdsl compile young_frequent_buyers -p examples/retail --dialect snowflake

      segdsl compile -p examples/retail --membership --as-of 2026-06-30

      segdsl compile -p examples/retail --rule 'age 25..34 and purchases_90d > 3'
    """
    from segdsl.project import _as_of, load_project

    def body() -> None:
        p = load_project(project)
        instant = _as_of(as_of)
        d = dialect or p.catalog.dialect
        if rule is not None:
            if names or membership:
                raise SegdslError(
                    Diagnostic(
                        "U007", "--rule compiles one rule: give no NAMES and no --membership"
                    )
                )
            typer.echo(p.compile(p.rule(rule), d, instant) + ";")
            return
        if membership:
            typer.echo(p.compile_membership(names, d, instant) + ";")
            return
        parts = []
        for seg in p.select(names):
            sql = p.compile(seg, d, instant)
            parts.append(
                sql + ";" if len(names or p.segments) == 1 else f"-- segment: {seg.name}\n{sql};"
            )
        typer.echo("\n\n".join(parts))

    _run(body)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command("eval")
def eval_(
    names: NamesArg = None,
    project: ProjectOpt = Path("."),
    as_of: AsOfOpt = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="How to print the sizes.")
    ] = OutputFormat.table,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write members to FILE (.csv, .parquet or .jsonl)."),
    ] = None,
    rule: RuleOpt = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            "-e",
            help="Where to evaluate: duckdb (default, embedded), sqlite, postgres, "
            "clickhouse, spark or datafusion; settings in [engine.NAME] of segdsl.toml.",
        ),
    ] = None,
) -> None:
    """Evaluate segments on the project's data (embedded DuckDB, or --engine) and print
    their sizes.

    Examples:

      segdsl eval -p examples/retail --as-of 2026-06-30

      segdsl eval young_frequent_buyers -p examples/retail --out members.csv

      segdsl eval -p examples/retail --rule 'country = "US"' --format json

      segdsl eval -p examples/retail --as-of 2026-06-30 --engine spark
    """
    from segdsl.project import _as_of, load_project

    def body() -> None:
        from segdsl.engines import engine_name
        from segdsl.evaluate import check_export_path

        instant = _as_of(as_of)
        chosen = engine_name(engine) if engine is not None else None
        if out is not None:
            check_export_path(out)
        p = load_project(project)
        if rule is not None:
            if names:
                raise SegdslError(Diagnostic("U007", "give segment names or --rule, not both"))
            result = p.evaluate([p.rule(rule)], instant, engine=chosen)
        else:
            result = p.evaluate(p.select(names), instant, engine=chosen)
        if out is not None:
            result.export(out)
        _print_sizes(result, fmt)
        if out is not None:
            typer.echo(f"members written to {out}", err=True)

    _run(body)


def _print_sizes(result: object, fmt: OutputFormat) -> None:
    from segdsl.evaluate import Evaluation

    assert isinstance(result, Evaluation)
    as_of = result.as_of.isoformat()
    if fmt is OutputFormat.json:
        doc = {
            "as_of": as_of,
            "segments": [
                {
                    "name": s.segment,
                    "entity": s.entity,
                    "members": s.members,
                    "entity_count": s.entity_count,
                    "share": round(s.share, 6),
                }
                for s in result.sizes.values()
            ],
        }
        typer.echo(json.dumps(doc, indent=2))
        return
    if fmt is OutputFormat.csv:
        typer.echo("segment,entity,members,entity_count,share")
        for s in result.sizes.values():
            typer.echo(f"{s.segment},{s.entity},{s.members},{s.entity_count},{s.share:.6f}")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"as of {as_of} UTC", title_justify="left")
    table.add_column("segment")
    table.add_column("entity")
    table.add_column("members", justify="right")
    table.add_column("share", justify="right")
    for s in result.sizes.values():
        table.add_row(s.segment, s.entity, f"{s.members:,}", f"{s.share:.1%}")
    Console(no_color=not _color(sys.stdout)).print(table)


def main() -> None:
    # SIGTERM (`kill`, a CI timeout, a container stop) unwinds like Ctrl-C: temporary
    # files are removed and an open history transaction is rolled back.
    stopping.install()
    app()


# Commands that live in their own modules register themselves on `app`.
from segdsl import cli_diff, cli_engines, cli_fmt, cli_history, cli_lint, cli_suggest  # noqa: E402, F401
