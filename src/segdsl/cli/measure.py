"""The `segdsl lift`, `segdsl profile` and `segdsl test` commands (registered on
:data:`segdsl.cli.app` when imported). The work is in :mod:`segdsl.tools.measure`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli.app import AsOfOpt, ProjectOpt, app, run

EngineOpt = Annotated[
    str | None,
    typer.Option(
        "--engine",
        help="Run on this engine (duckdb, sqlite, postgres, clickhouse, spark, datafusion). "
        "Default: embedded DuckDB.",
    ),
]


class LiftFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class ProfileFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class TestFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


@app.command()
def lift(
    treated: Annotated[str, typer.Argument(help="The treated segment (got the campaign).")],
    control: Annotated[str, typer.Option("--control", help="The control segment (the holdout).")],
    metric: Annotated[
        str,
        typer.Option(
            "--metric",
            help="An aggregate of events without a window, e.g. 'sum(purchase.amount)', "
            "'count(purchase)' or 'did purchase' (a conversion rate).",
        ),
    ],
    start: Annotated[
        str, typer.Option("--from", help="The campaign start T0 (membership is taken here).")
    ],
    end: Annotated[str, typer.Option("--to", help="The end of the period [T0, T1), UTC.")],
    project: ProjectOpt = Path("."),
    pre_days: Annotated[
        int | None,
        typer.Option("--pre-days", help="CUPED: the metric over N days before T0 as covariate."),
    ] = None,
    share: Annotated[
        float | None,
        typer.Option(
            "--expected-control-share",
            help="The control's expected share of both groups (default: P of the control's "
            "`sample P%`).",
        ),
    ] = None,
    engine: EngineOpt = None,
    fmt: Annotated[LiftFormat, typer.Option("--format", "-f", help="Output format.")] = (
        LiftFormat.text
    ),
) -> None:
    """Measure a campaign's lift: treated group against a holdout, with intervals.

    Examples:

      segdsl lift summer_email_target --control summer_email_holdout
        --metric 'count(purchase)' --from 2026-06-30 --to 2026-07-30 -p examples/retail

      segdsl lift summer_email_target --control summer_email_holdout
        --metric 'did purchase' --from 2026-06-30 --to 2026-07-30 --pre-days 91 -f json
    """

    def body() -> None:
        from segdsl.project import load_project
        from segdsl.tools.measure.data import parse_instant
        from segdsl.tools.measure.lift import lift as run_lift
        from segdsl.tools.measure.render import lift_markdown, lift_text

        proj = load_project(project)
        zone = proj.catalog.timezone
        t0, t1 = parse_instant(start, "--from", zone), parse_instant(end, "--to", zone)
        result = run_lift(
            proj,
            treated,
            control,
            metric,
            t0,
            t1,
            pre_days=pre_days,
            expected_control_share=share,
            engine=engine,
        )
        if fmt is LiftFormat.json:
            typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        elif fmt is LiftFormat.markdown:
            typer.echo(lift_markdown(result))
        else:
            typer.echo(lift_text(result))

    run(body)


@app.command()
def profile(
    segment: Annotated[str, typer.Argument(help="The segment to describe.")],
    vs: Annotated[
        str | None, typer.Option("--vs", help="Compare with this segment. Default: everyone.")
    ] = None,
    as_of: AsOfOpt = None,
    project: ProjectOpt = Path("."),
    engine: EngineOpt = None,
    fmt: Annotated[ProfileFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ProfileFormat.text
    ),
) -> None:
    """Who is in a segment: attributes and measures against the base.

    Examples:

      segdsl profile vip -p examples/retail --as-of 2026-06-30

      segdsl profile summer_vip_preview --vs summer_audience -f html > preview.html
    """

    def body() -> None:
        from segdsl.project import load_project
        from segdsl.tools.measure.data import parse_instant
        from segdsl.tools.measure.profile import profile as run_profile
        from segdsl.tools.measure.render import profile_html, profile_markdown, profile_text

        proj = load_project(project)
        zone = proj.catalog.timezone
        instant = parse_instant(as_of, "--as-of", zone) if as_of else None
        result = run_profile(proj, segment, vs, instant, engine)
        if fmt is ProfileFormat.json:
            typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        elif fmt is ProfileFormat.markdown:
            typer.echo(profile_markdown(result))
        elif fmt is ProfileFormat.html:
            typer.echo(profile_html(result), nl=False)
        else:
            typer.echo(profile_text(result))

    run(body)


@app.command(name="test")
def test_command(
    project: ProjectOpt = Path("."),
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Override the as-of of every test file (UTC)."),
    ] = None,
    fmt: Annotated[TestFormat, typer.Option("--format", "-f", help="Output format.")] = (
        TestFormat.text
    ),
) -> None:
    """Run the project's segment tests (tests/*.toml): fixtures and expectations.

    Exit 0 when every test passes, 1 when one fails.

    Examples:

      segdsl test -p examples/retail

      segdsl test -p examples/retail --format junit > segdsl-tests.xml
    """

    def body() -> int:
        from segdsl.project import load_project
        from segdsl.tools.measure.data import parse_instant
        from segdsl.tools.measure.results import render_json, render_junit, render_text
        from segdsl.tools.measure.tests_runner import run_tests

        proj = load_project(project)
        instant = parse_instant(as_of, "--as-of", proj.catalog.timezone) if as_of else None
        results = run_tests(proj, instant)
        render = {"json": render_json, "junit": render_junit}.get(fmt.value, render_text)
        typer.echo(render(results), nl=fmt is not TestFormat.junit)
        return 1 if any(not r.ok for r in results) else 0

    code = run(body)
    if code:
        raise typer.Exit(code)
