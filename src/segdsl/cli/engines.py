"""The `segdsl load` command (registered on :data:`segdsl.cli.app` when imported):
copy a project's data into an engine, for `segdsl eval --engine`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli.app import ProjectOpt, app, run


@app.command()
def load(
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            "-e",
            help="The engine to load into: sqlite, postgres, clickhouse, spark, datafusion "
            "or duckdb; its settings come from [engine.NAME] of segdsl.toml.",
        ),
    ],
    project: ProjectOpt = Path("."),
) -> None:
    """Copy every source table of the project (its database file or Parquet/CSV files)
    into an engine, under the table names the compiled SQL uses. Existing tables of
    those names are replaced.

    Examples:

      segdsl load --engine sqlite -p examples/retail

      segdsl load --engine postgres -p examples/retail
    """
    from segdsl.engines import engine_name, open_session, settings_for
    from segdsl.engines.load import load_data
    from segdsl.project import load_project

    def body() -> None:
        chosen = engine_name(engine)
        p = load_project(project)
        settings = settings_for(p.catalog, chosen)
        session = open_session(chosen, settings, p.root)
        try:
            loaded = load_data(p.catalog, p.root, session)
        finally:
            session.close()
        for item in loaded:
            typer.echo(f"{chosen}: {item.table}: {item.rows:,} rows, {item.columns} columns")

    run(body)
