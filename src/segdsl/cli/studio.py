"""The `segdsl studio` command (registered on :data:`segdsl.cli.app` when imported)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli.app import app, run


@app.command()
def studio(
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project folder (holds segdsl.toml).")
    ] = Path("."),
    port: Annotated[
        int, typer.Option("--port", help="The port to listen on (0: any free port).")
    ] = 8765,
    host: Annotated[
        str,
        typer.Option("--host", help="The address to listen on. Only this machine by default."),
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser window.")
    ] = False,
) -> None:
    """Edit a project's rules in the browser and see, as you type, problems, size,
    waterfall, members, overlaps, SQL and history.

    Needs `pip install 'segdsl[studio]'`. Stop it with Ctrl-C.

    Examples:

      segdsl studio -p examples/retail

      segdsl studio -p examples/retail --port 0 --no-browser
    """
    from segdsl.tools.studio import serve

    def body() -> None:
        serve(project, host=host, port=port, open_browser=not no_browser)

    run(body)
