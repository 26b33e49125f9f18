"""The `segdsl suggest` command (registered on :data:`segdsl.cli.app` when imported)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli.app import AsOfOpt, app, run


class SuggestFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def suggest(
    out: Annotated[Path, typer.Option("--out", "-o", help="The .seg file to write.")],
    features: Annotated[
        str | None,
        typer.Option(
            "--features",
            help="Comma-separated numbers per entity: attributes, measures or expressions, "
            "optionally named (basket=spend_365d / orders_365d).",
        ),
    ] = None,
    k: Annotated[
        str, typer.Option("--k", help="Number of clusters, or auto (best silhouette, 2-8).")
    ] = "auto",
    leaves: Annotated[
        int | None, typer.Option("--leaves", help="Classes (tree leaves), at least k.")
    ] = None,
    rfm: Annotated[
        bool, typer.Option("--rfm", help="Write RFM scores and the RFM segmentation instead.")
    ] = False,
    periods: Annotated[
        str, typer.Option("--periods", help="RFM: the window of frequency and monetary.")
    ] = "365d",
    scores: Annotated[int, typer.Option("--scores", help="RFM: scores 1..N (3-10).")] = 5,
    event: Annotated[
        str | None, typer.Option("--event", help="RFM: the purchase event (when ambiguous).")
    ] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", help="RFM: the purchase's amount field.")
    ] = None,
    entity: Annotated[
        str | None, typer.Option("--entity", help="The entity. Default: the catalog's default.")
    ] = None,
    as_of: AsOfOpt = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample and k-means.")] = 0,
    sample: Annotated[
        int, typer.Option("--sample", help="At most this many entities are clustered.")
    ] = 100_000,
    name: Annotated[
        str | None,
        typer.Option("--name", help="The segmentation's name (default: suggested, or rfm)."),
    ] = None,
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project folder (holds segdsl.toml).")
    ] = Path("."),
    engine: Annotated[
        str | None,
        typer.Option("--engine", "-e", help="Where the features are computed (default duckdb)."),
    ] = None,
    fmt: Annotated[SuggestFormat, typer.Option("--format", "-f", help="Report format.")] = (
        SuggestFormat.text
    ),
) -> None:
    """Suggest segments found in the data, as a segmentation in a .seg file.

    k-means clusters of the features, explained by a threshold tree whose leaves are
    rules (IMM), or with --rfm the classic RFM groups. See docs/suggest.md.

    Examples:

      segdsl suggest -p examples/retail --features spend_365d,age --k 4 --out s.seg

      segdsl suggest --features 'basket=spend_365d / orders_365d,age' --out s.seg

      segdsl suggest -p examples/retail --rfm --as-of 2026-06-30 --out rfm.seg
    """
    from segdsl.tools.suggest.run import run_suggest

    def body() -> None:
        report = run_suggest(
            project=project,
            out=out,
            features=features,
            k=k,
            leaves=leaves,
            rfm=rfm,
            periods=periods,
            scores=scores,
            event=event,
            amount=amount,
            entity=entity,
            as_of=as_of,
            seed=seed,
            sample=sample,
            name=name,
            engine=engine,
            text=fmt is SuggestFormat.text,
        )
        if isinstance(report, str):
            typer.echo(report)
        else:
            typer.echo(json.dumps(report, indent=2, ensure_ascii=False))

    run(body)
