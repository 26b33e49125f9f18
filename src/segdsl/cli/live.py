"""`segdsl stream` and `segdsl serve` (registered on :data:`segdsl.cli.app` when
imported). Thin: the work is in :mod:`segdsl.tools.live`."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from segdsl.cli.app import AsOfOpt, ProjectOpt, app, run, use_color
from segdsl.diagnostics import Diagnostic, SegdslError

if TYPE_CHECKING:
    from segdsl.tools.live import LiveEvaluator

StateOpt = Annotated[
    Path | None,
    typer.Option(
        "--state",
        help="Keep the live state in this file (read at the start, written atomically); "
        "a restart with it continues where the run stopped.",
    ),
]
BackfillOpt = Annotated[
    bool,
    typer.Option(
        "--backfill",
        help="Start from the warehouse: every profile's state built with SQL at --as-of "
        "(and the rankings' cut-offs), then continue live.",
    ),
]


def _evaluator(
    project: Path, state: Path | None, backfill: bool, as_of: str | None
) -> LiveEvaluator:
    from segdsl.project import load_project
    from segdsl.semantic.timecalc import now_utc, parse_as_of
    from segdsl.tools.live import LiveEvaluator
    from segdsl.tools.live.backfill import backfill as run_backfill
    from segdsl.tools.live.persist import restore, save

    p = load_project(project)
    live = LiveEvaluator(p)
    if backfill:
        if state is not None and state.exists():
            raise SegdslError(
                Diagnostic(
                    "V011",
                    f"the state file {state} exists already; --backfill starts afresh",
                    hint="remove --backfill to continue from the file, or delete the file",
                )
            )
        run_backfill(live, parse_as_of(as_of) if as_of else now_utc())
        if state is not None:
            save(live, state)
    elif state is not None:
        restore(live, state)
    return live


@app.command()
def stream(
    project: ProjectOpt = Path("."),
    state: StateOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first bad line (exit 1).")
    ] = False,
    backfill: BackfillOpt = False,
    as_of: AsOfOpt = None,
    checkpoint: Annotated[
        int, typer.Option("--checkpoint", min=1, help="Write the state at least every N lines.")
    ] = 10_000,
) -> None:
    """Live segments over JSON lines: events, attribute updates and ticks in (stdin),
    one line per membership change out (stdout). See docs/live.md.

    Example: kcat -C -t events | segdsl stream -p examples/retail --state live.json
    """
    from segdsl.diagnostics.render import render_diagnostics
    from segdsl.tools.live.collector import hold_state
    from segdsl.tools.live.stream import run_stream

    def render(exc: SegdslError, line: int) -> str:
        diags = [
            dataclasses.replace(d, message=f"line {line}: {d.message}") for d in exc.diagnostics
        ]
        return render_diagnostics(diags, color=use_color(sys.stderr)) + "\n"

    def body() -> int:
        live = _evaluator(project, state, backfill, as_of)
        hold_state()  # a long-running process holding state: see collector.py
        return run_stream(
            live, sys.stdin.fileno(), sys.stdout, sys.stderr, strict, state, checkpoint, render
        )

    status = run(body)
    if status:
        raise typer.Exit(status)


@app.command()
def serve(
    project: ProjectOpt = Path("."),
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port.")] = 8765,
    state: StateOpt = None,
    backfill: BackfillOpt = False,
    as_of: AsOfOpt = None,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1, help="The largest request body, in bytes.")
    ] = 1 << 20,
    webhook: Annotated[
        str | None,
        typer.Option("--webhook", help='POST every batch of changes here: {"changes": [...]}.'),
    ] = None,
    webhook_retries: Annotated[
        int,
        typer.Option("--webhook-retries", min=0, help="Attempts after a failed webhook delivery."),
    ] = 4,
    webhook_backoff: Annotated[
        float,
        typer.Option(
            "--webhook-backoff",
            min=0.0,
            help="Seconds before the first retry of a webhook delivery (doubled each time).",
        ),
    ] = 0.5,
) -> None:
    """An HTTP service for live segments: POST /v1/events, GET /v1/profiles/{key},
    GET /v1/health. Needs `pip install 'segdsl[live]'`. See docs/live.md.

    Example: segdsl serve -p examples/retail --port 8765 --state live.json
    """

    def body() -> None:
        from segdsl.tools.live.collector import hold_state
        from segdsl.tools.live.server import serve as run_server

        live = _evaluator(project, state, backfill, as_of)
        hold_state()
        run_server(live, host, port, state, max_body, webhook, webhook_retries, webhook_backoff)

    run(body)
