"""The `segdsl` command line: a thin layer over the Python API.

``app`` holds the typer application, the shared options and the one place where errors
are rendered; each module beside it registers one group of commands on ``app``:
``core`` (check, compile, eval), ``fmt``, ``lint``, ``diff``, ``history`` (snapshot,
history, explain, overlap), ``engines`` (load), ``lsp`` (the language server),
``studio`` (the web app), ``measure`` (lift, profile, test), ``live`` (stream, serve),
``suggest`` and ``warehouse`` (export dbt, sync).
"""

from segdsl.cli import (
    core,
    diff,
    engines,
    fmt,
    history,
    lint,
    live,
    lsp,
    measure,
    studio,
    suggest,
    warehouse,
)
from segdsl.cli.app import app, main

__all__ = [
    "app",
    "core",
    "diff",
    "engines",
    "fmt",
    "history",
    "lint",
    "live",
    "lsp",
    "main",
    "measure",
    "studio",
    "suggest",
    "warehouse",
]
