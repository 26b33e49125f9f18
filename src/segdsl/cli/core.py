"""`segdsl check`, `segdsl compile` and `segdsl eval`: the core commands."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli.app import AsOfOpt, NamesArg, ProjectOpt, RuleOpt, app, plural, run, use_color
from segdsl.diagnostics import Diagnostic, SegdslError, codes


@app.command()
def check(
    project: ProjectOpt = Path("."),
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Also say, per segment, whether it is evaluated live exactly, with batch "
            "cut-offs, or not at all, and why.",
        ),
    ] = False,
) -> None:
    """Parse and resolve the whole project; exit 1 on any error.

    Example: segdsl check -p examples/retail --live
    """
    from segdsl.project import load_project

    def body() -> None:
        p = load_project(project)
        typer.echo(
            f"ok: {plural(len(p.segments), 'segment')}, {plural(len(p.measures), 'measure')}, "
            f"{plural(len(p.modules), 'file')} in {p.root}"
        )
        if live:
            from segdsl.tools.live import LiveEvaluator
            from segdsl.tools.live.report import render_report

            typer.echo(render_report(LiveEvaluator(p)), nl=False)

    run(body)


class ReadFilesMode(StrEnum):
    relative = "relative"
    absolute = "absolute"


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
    read_files: Annotated[
        ReadFilesMode | None,
        typer.Option(
            "--read-files",
            help="Read Parquet/CSV sources by their paths in the SQL (DuckDB), relative to "
            "the current folder or absolute, instead of tables named by the files' stems.",
        ),
    ] = None,
) -> None:
    """Compile segments to SQL.

    Examples:

      segdsl compile young_frequent_buyers -p examples/retail --dialect snowflake

      segdsl compile -p examples/retail --membership --as-of 2026-06-30

      segdsl compile -p examples/retail --rule 'age 25..34 and purchases_90d > 3'

      segdsl compile young_frequent_buyers -p examples/retail --read-files relative | duckdb
    """
    from segdsl.project import ReadFiles, as_of_instant, load_project

    def body() -> None:
        p = load_project(project)
        instant = as_of_instant(as_of, p.catalog.timezone)
        d = dialect or p.catalog.dialect
        files: ReadFiles | None = read_files.value if read_files is not None else None
        if rule is not None:
            if names or membership:
                raise SegdslError(
                    Diagnostic(
                        codes.U007, "--rule compiles one rule: give no NAMES and no --membership"
                    )
                )
            typer.echo(p.compile(p.rule(rule), d, instant, files) + ";")
            return
        if membership:
            typer.echo(p.compile_membership(names, d, instant, files) + ";")
            return
        parts = []
        for seg in p.select(names):
            sql = p.compile(seg, d, instant, files)
            parts.append(
                sql + ";" if len(names or p.segments) == 1 else f"-- segment: {seg.name}\n{sql};"
            )
        typer.echo("\n\n".join(parts))

    run(body)


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
    from segdsl.project import as_of_instant, load_project

    def body() -> None:
        from segdsl.engines import engine_name
        from segdsl.evaluation.evaluate import check_export_path

        as_of_instant(as_of)  # a mistake in --as-of is reported before the project is read
        chosen = engine_name(engine) if engine is not None else None
        if out is not None:
            check_export_path(out)
        p = load_project(project)
        instant = as_of_instant(as_of, p.catalog.timezone)
        listed = out is not None  # sizes alone need no member lists
        if rule is not None:
            if names:
                raise SegdslError(Diagnostic(codes.U007, "give segment names or --rule, not both"))
            result = p.evaluate([p.rule(rule)], instant, engine=chosen, members=listed)
        else:
            result = p.evaluate(p.select(names), instant, engine=chosen, members=listed)
        if out is not None:
            result.export(out)
        _print_sizes(result, fmt)
        if out is not None:
            typer.echo(f"members written to {out}", err=True)

    run(body)


def _print_sizes(result: object, fmt: OutputFormat) -> None:
    from segdsl.evaluation.evaluate import Evaluation

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
                    # a class of a segmentation (`rfm.champions`) says so
                    **(
                        {
                            "segmentation": s.segment.partition(".")[0],
                            "class": s.segment.partition(".")[2],
                        }
                        if "." in s.segment
                        else {}
                    ),
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
    sizes = list(result.sizes.values())
    group = None
    for s in sizes:
        name = s.segment
        if "." in name:
            # The classes of a segmentation, listed under it (with how many have a class).
            seg, _dot, cls = name.partition(".")
            if seg != group:
                group = seg
                classes = [x for x in sizes if x.segment.partition(".")[0] == seg]
                total = sum(x.members for x in classes)
                share = total / s.entity_count if s.entity_count else 0.0
                table.add_row(f"{seg} (segmentation)", s.entity, f"{total:,}", f"{share:.1%}")
            name = f"  .{cls}"
        else:
            group = None
        table.add_row(name, s.entity, f"{s.members:,}", f"{s.share:.1%}")
    Console(no_color=not use_color(sys.stdout)).print(table)
