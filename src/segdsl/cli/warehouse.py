"""`segdsl export dbt` and `segdsl sync` (registered on :data:`segdsl.cli.app` when
imported). Thin: the work is in :mod:`segdsl.tools.warehouse`; see docs/warehouse.md."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from segdsl.cli.app import AsOfOpt, ProjectOpt, app, plural, run

if TYPE_CHECKING:
    from segdsl.project import Project
    from segdsl.tools.history import SegmentHistory
    from segdsl.tools.warehouse import SyncResult

export_app = typer.Typer(
    help="Write a project's segments as files for another tool.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(export_app, name="export")


@export_app.command("dbt")
def export_dbt_command(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="The dbt project folder (holds dbt_project.yml)."),
    ],
    project: ProjectOpt = Path("."),
    dialect: Annotated[
        str | None,
        typer.Option(
            "--dialect", "-d", help="The warehouse's SQL dialect. Default: the catalog's."
        ),
    ] = None,
) -> None:
    """Write dbt models, sources, tests and snapshots of the project's segments.

    Into OUT/models/segdsl/: a model per entity (segdsl_ENTITY_membership: the key
    and one true/false column per segment, as of the dbt var segdsl_as_of, default
    the run's start time), sources.yml and schema.yml; into OUT/snapshots/segdsl/: an
    SCD2 snapshot of each model. Nothing else in OUT is touched; re-running with the
    same project writes the same bytes.

    Examples:

      segdsl export dbt -p examples/retail --out my_dbt_project

      segdsl export dbt -p examples/retail --out my_dbt_project --dialect snowflake
    """
    from segdsl.project import load_project
    from segdsl.tools.warehouse import export_dbt

    def body() -> None:
        result = export_dbt(load_project(project), out, dialect)
        for w in result.files:
            typer.echo(f"{w.status:<9}  {w.path}")
        changed = sum(1 for w in result.files if w.status != "unchanged")
        typer.echo(f"{plural(changed, 'file')} changed; SQL for {result.dialect}")

    run(body)


@app.command()
def sync(
    project: ProjectOpt = Path("."),
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            "-e",
            help="Where the history table is: duckdb or postgres. Default: [warehouse] "
            "engine in segdsl.toml, else duckdb.",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    changes: Annotated[
        Path | None,
        typer.Option(
            "--changes",
            help="Also write who entered and who left since the previous sync "
            "(.csv, .jsonl or .parquet).",
        ),
    ] = None,
) -> None:
    """Record every segment's members in the warehouse's history table (SCD2).

    segdsl_membership_history(entity, segment, key, valid_from, valid_to): only the
    members who entered or left change, in one transaction; a second sync at the
    same instant changes nothing; a sync earlier than the last is refused.

    Examples:

      segdsl sync -p examples/retail --as-of 2026-06-30 --changes changes.csv

      segdsl sync -p shop --engine postgres
    """
    from segdsl.project import load_project
    from segdsl.tools.warehouse import sync as run_sync

    def body() -> None:
        _sync_summary(run_sync(load_project(project), engine, as_of, changes), changes)

    run(body)


def _sync_summary(result: SyncResult, changes: Path | None) -> None:
    entered = sum(s.entered for s in result.segments)
    left = sum(s.left for s in result.segments)
    since = f" since {result.previous.isoformat()}" if result.previous else " (first sync)"
    typer.echo(
        f"synced {plural(len(result.segments), 'segment')} as of "
        f"{result.as_of.isoformat()} UTC into {result.where}: "
        f"{entered:,} entered, {left:,} left{since}; {result.rows_changed:,} rows changed"
    )
    if changes is not None:
        n = len(result.changes)
        typer.echo(f"changes: {n:,} row{'' if n == 1 else 's'} in {changes}")


def snapshot_into_warehouse(project: Project, names: list[str] | None, as_of: str | None) -> None:
    """`segdsl snapshot` of a project with [warehouse]: a sync of every segment."""
    from segdsl.tools.warehouse import sync as run_sync
    from segdsl.tools.warehouse.errors import fail

    if names:
        raise fail(
            "X016",
            "with [warehouse] in segdsl.toml, `snapshot` syncs every segment into the "
            "warehouse's history table; it takes no segment names",
            "run `segdsl snapshot` (or `segdsl sync`) without names",
        )
    _sync_summary(run_sync(project, None, as_of), None)


def history_from_warehouse(project: Project, name: str) -> SegmentHistory:
    """The warehouse table's history of ``name`` in the shape `segdsl history` prints."""
    from segdsl.tools.history import HistoryPoint, SegmentHistory, SnapshotRow
    from segdsl.tools.warehouse import warehouse_history

    where, points = warehouse_history(project, name)
    return SegmentHistory(
        name,
        Path(where),
        [
            HistoryPoint(
                SnapshotRow(
                    i + 1,
                    name,
                    p.entity,
                    p.as_of,
                    p.synced_at,
                    p.rule_hash,
                    p.size,
                    p.entity_count,
                    "",
                ),
                p.entered,
                p.left,
                p.rule_changed,
            )
            for i, p in enumerate(points)
        ],
    )
