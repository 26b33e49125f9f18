"""The `segdsl lsp` command (registered on :data:`segdsl.cli.app` when imported)."""

from __future__ import annotations

from typing import Annotated

import typer

from segdsl.cli.app import app, run


@app.command()
def lsp(
    stdio: Annotated[
        bool, typer.Option("--stdio", help="Talk over stdin/stdout (the only transport; default).")
    ] = True,
) -> None:
    """Run the language server for editors on stdin/stdout (docs/editors.md)."""
    from segdsl.tools.lsp import serve

    run(serve)
