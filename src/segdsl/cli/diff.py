"""`segdsl diff`: what a change to the rules does, between two git revisions.

Registered on the main app by importing this module (segdsl.cli imports it at its
bottom). The work is done by :mod:`segdsl.review`; this module only reads the options
and prints.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli.app import AsOfOpt, app, run

__all__ = ["diff"]


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _share(value: str | None) -> float | None:
    if value is None:
        return None
    from segdsl.tools.review.diff import parse_share

    try:
        return parse_share(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


@app.command("diff")
def diff(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Only segments and measures defined in these .seg files or folders "
            "(in either revision). Default: the whole project."
        ),
    ] = None,
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project folder (holds segdsl.toml).")
    ] = Path("."),
    base: Annotated[
        str, typer.Option("--base", help="The revision to compare from (any git revision).")
    ] = "HEAD",
    head: Annotated[
        str | None,
        typer.Option("--head", help="The revision to compare to. Default: the working tree."),
    ] = None,
    evaluate: Annotated[
        bool | None,
        typer.Option(
            "--eval/--no-eval",
            help="Evaluate the changed segments of both versions on the working tree's data. "
            "Default: when the data is there.",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="text, markdown (a pull-request comment) or json."),
    ] = DiffFormat.text,
    fail_above: Annotated[
        str | None,
        typer.Option(
            "--fail-above",
            help="Exit 1 when a segment's membership changed by more than this share of its "
            "size before: 10% or 0.1. Change = (entered + left) / max(before, 1).",
        ),
    ] = None,
) -> None:
    """Compare the segments and measures of two revisions, and what the change does to
    membership.

    Lists added, removed, renamed and changed segments and measures (also those changed
    only through a measure or segment they use), with a diff of each rule's parts and,
    when evaluated, the size before and after, who entered and left, and the Jaccard
    similarity. See docs/review.md.

    Examples:

      segdsl diff -p examples/retail                      (HEAD → working tree)

      segdsl diff -p examples/retail --base origin/main --format markdown

      segdsl diff --base HEAD~3 --head HEAD --as-of 2026-06-30 --fail-above 10%

      segdsl diff rules/campaigns.seg --no-eval
    """
    share = _share(fail_above)
    if share is not None and evaluate is False:
        raise typer.BadParameter("--fail-above needs the membership: drop --no-eval")

    def body() -> int:
        from segdsl.project import as_of_instant
        from segdsl.tools.review.diff import diff_revisions
        from segdsl.tools.review.report import render

        instant = as_of_instant(as_of, _zone_of(project))
        report = diff_revisions(
            project,
            base,
            head,
            paths=paths or [],
            evaluate=evaluate,
            as_of=instant,
            fail_above=share,
        )
        typer.echo(render(report, fmt.value))
        failing = report.failing
        if failing:
            names = ", ".join(s.name for s in failing)
            typer.echo(f"error: membership changed by more than {share:.1%} in {names}", err=True)
            return 1
        return 0

    code = run(body)
    if code:
        raise typer.Exit(code)


def _zone_of(project: Path) -> str:
    """The time zone of the project in the working tree (an --as-of without an offset
    is read in it, for both versions compared); UTC when it cannot be read."""
    from segdsl.catalog.model import load_catalog
    from segdsl.diagnostics import SegdslError

    root = project if project.is_dir() else project.parent
    try:
        return load_catalog(root / "segdsl.toml").timezone
    except (SegdslError, OSError):
        return "UTC"
