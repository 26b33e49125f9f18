"""`segdsl snapshot`, `history`, `explain` and `overlap` (registered on
:data:`segdsl.cli.app` when imported). Thin: the work is in :mod:`segdsl.history`,
:mod:`segdsl.explain` and :mod:`segdsl.overlap`; see docs/history.md."""

from __future__ import annotations

import json
import shutil
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from segdsl.cli.app import AsOfOpt, NamesArg, ProjectOpt, app, plural, run


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


FormatOpt = Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")]


def _width() -> int:
    return max(60, min(100, shutil.get_terminal_size((100, 24)).columns))


@app.command()
def snapshot(
    names: NamesArg = None,
    project: ProjectOpt = Path("."),
    as_of: AsOfOpt = None,
) -> None:
    """Store the members of segments in the project's history store.

    The store is an embedded DuckDB file, `.segdsl/history.duckdb` in the project
    unless `[history] path` in segdsl.toml says otherwise. All segments are evaluated
    in one pass and written in one transaction; a snapshot already stored (same
    segment, as-of, rule and members) is not stored again.

    Examples:

      segdsl snapshot -p examples/retail --as-of 2026-06-30

      segdsl snapshot vip high_value -p examples/retail
    """
    from segdsl.project import load_project
    from segdsl.tools.history import take_snapshot

    def body() -> None:
        snap = take_snapshot(load_project(project), names, as_of)
        new = [r for r in snap.results if r.created]
        for r in snap.results:
            if r.created:
                typer.echo(f"stored     {r.segment}: {r.size:,} members (rule {r.rule_hash[:12]})")
            else:
                typer.echo(
                    f"unchanged  {r.segment}: the same snapshot is already stored "
                    f"(taken {r.taken_at.isoformat(timespec='seconds')} UTC)"
                )
        typer.echo(
            f"{plural(len(new), 'snapshot')} stored, "
            f"{len(snap.results) - len(new)} already there; "
            f"as of {snap.as_of.isoformat()} UTC in {snap.store}"
        )

    run(body)


@app.command()
def history(
    name: Annotated[str, typer.Argument(help="The segment.")],
    project: ProjectOpt = Path("."),
    fmt: FormatOpt = TextOrJson.text,
) -> None:
    """Show a segment's size over time from the history store.

    Between consecutive snapshots (by as-of, then time taken): how many entered and
    left, and `*` where the rule changed (its hash differs).

    Examples:

      segdsl history vip -p examples/retail

      segdsl history vip -p examples/retail --format json
    """
    from segdsl.project import load_project
    from segdsl.tools.history import segment_history

    def body() -> None:
        h = segment_history(load_project(project), name)
        if fmt is TextOrJson.json:
            doc = {
                "segment": h.segment,
                "store": str(h.store),
                "snapshots": [
                    {
                        "id": p.snapshot.id,
                        "as_of": p.snapshot.as_of.isoformat(),
                        "taken_at": p.snapshot.taken_at.isoformat(),
                        "entity": p.snapshot.entity,
                        "members": p.snapshot.size,
                        "entity_count": p.snapshot.entity_count,
                        "share": round(p.share, 6),
                        "entered": p.entered,
                        "left": p.left,
                        "rule_hash": p.snapshot.rule_hash,
                        "rule_changed": p.rule_changed,
                    }
                    for p in h.points
                ],
            }
            typer.echo(json.dumps(doc, indent=2))
            return
        typer.echo(f"history of {h.segment} ({plural(len(h.points), 'snapshot')}, {h.store})")
        head = (
            f"{'as of (UTC)':<19}  {'taken at (UTC)':<19}  {'members':>9}  {'share':>6}  "
            f"{'entered':>8}  {'left':>8}  rule"
        )
        typer.echo(head)
        for p in h.points:
            s = p.snapshot
            entered = "" if p.entered is None else _signed("+", p.entered)
            left = "" if p.left is None else _signed("-", p.left)
            flag = "* changed" if p.rule_changed else ""
            typer.echo(
                f"{s.as_of.isoformat(timespec='seconds'):<19}  "
                f"{s.taken_at.isoformat(timespec='seconds'):<19}  {s.size:>9,}  "
                f"{p.share:>6.1%}  {entered:>8}  {left:>8}  {s.rule_hash[:12]} {flag}".rstrip()
            )

    run(body)


def _signed(sign: str, n: int) -> str:
    return f"{sign}{n:,}" if n else "0"


@app.command()
def explain(
    name: Annotated[str | None, typer.Argument(help="The segment.")] = None,
    project: ProjectOpt = Path("."),
    as_of: AsOfOpt = None,
    sql: Annotated[bool, typer.Option("--sql", help="Also print the segment's SQL.")] = False,
    dialect: Annotated[
        str | None,
        typer.Option("--dialect", "-d", help="Dialect of --sql. Default: the catalog's."),
    ] = None,
    rule: Annotated[
        str | None,
        typer.Option("--rule", help="Explain an unnamed rule instead of a segment."),
    ] = None,
    fmt: FormatOpt = TextOrJson.text,
) -> None:
    """Why a segment is so small: a waterfall over its top-level `and` parts.

    For each part: how many entities pass it alone, and how many remain as the parts
    are applied in order; for an `or`, what each branch brings alone and what only
    that branch brings. All numbers come from one pass over the data.

    Examples:

      segdsl explain young_frequent_buyers -p examples/retail --as-of 2026-06-30

      segdsl explain vip -p examples/retail --sql --format json

      segdsl explain -p examples/retail --rule 'age 25..34 and country = "DE"'
    """
    from segdsl.diagnostics import Diagnostic, SegdslError
    from segdsl.project import as_of_instant, load_project
    from segdsl.tools.explain import explain as run_explain
    from segdsl.tools.explain import render_text

    def body() -> None:
        if (name is None) == (rule is None):
            both = "not both" if name is not None else "one of them"
            raise SegdslError(Diagnostic("U007", f"give a segment NAME or --rule ({both})"))
        as_of_instant(as_of)  # a mistake in --as-of is reported before the project is read
        p = load_project(project)
        instant = as_of_instant(as_of, p.catalog.timezone)
        x = run_explain(p, name, instant, rule=rule)
        query = None
        if sql:
            seg = p.rule(rule) if rule is not None else p.segment(x.segment)
            query = p.compile(seg, dialect or p.catalog.dialect, x.as_of) + ";"
        if fmt is TextOrJson.json:
            doc = x.to_json()
            if query is not None:
                doc["sql"] = query
            typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
            return
        typer.echo(render_text(x, _width()))
        if query is not None:
            typer.echo("\n-- SQL\n" + query)

    run(body)


@app.command()
def overlap(
    names: NamesArg = None,
    project: ProjectOpt = Path("."),
    as_of: AsOfOpt = None,
    fmt: FormatOpt = TextOrJson.text,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a self-contained HTML page with a heat map."),
    ] = None,
) -> None:
    """Pairwise overlaps among segments: members in both, and Jaccard similarity.

    Segments of different entities are compared within their entity (one matrix each).
    Everything is computed in one pass over the data.

    Examples:

      segdsl overlap vip high_value gen_z -p examples/retail --as-of 2026-06-30

      segdsl overlap -p examples/retail --html overlap.html

      segdsl overlap vip high_value -p examples/retail --format json
    """
    from segdsl.project import as_of_instant, load_project
    from segdsl.tools.overlap import check_html_path, render_text, write_html
    from segdsl.tools.overlap import overlap as run_overlap

    def body() -> None:
        as_of_instant(as_of)  # a mistake in --as-of is reported before the project is read
        if html is not None:
            check_html_path(html)
        p = load_project(project)
        o = run_overlap(p, names, as_of_instant(as_of, p.catalog.timezone))
        if html is not None:
            write_html(o, html)
        if fmt is TextOrJson.json:
            typer.echo(json.dumps(o.to_json(), indent=2))
        else:
            typer.echo(render_text(o, _width()))
        if html is not None:
            typer.echo(f"heat map written to {html}", err=True)

    run(body)
