"""The whole `segdsl suggest` command as one library call (the CLI is a thin layer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import CATALOG_FILE, Project, find_files, project_from_texts, read_source
from segdsl.support.atomic import write_text_atomically
from segdsl.tools.suggest.common import missing_extra
from segdsl.tools.suggest.rfm import RfmOptions, RfmSuggestion, suggest_rfm
from segdsl.tools.suggest.writer import language_has_segmentations


def _texts(root: Path, out: Path) -> tuple[str, dict[str, str]]:
    """The catalog's text and every rule file's text below ``root``, without ``out``."""
    skip = out.resolve()
    files = {str(f): read_source(f, str(f)).text for f in find_files(root) if f.resolve() != skip}
    return read_source(root / CATALOG_FILE, str(root / CATALOG_FILE)).text, files


def load_without(root: Path, out: Path) -> Project:
    """The project at ``root`` without the file ``out`` (a suggestion written by an
    earlier run is replaced, not read)."""
    from segdsl.project import load_project

    if not root.is_dir() or not (root / CATALOG_FILE).is_file():
        return load_project(root)  # its own message
    catalog, files = _texts(root, out)
    return project_from_texts(root, catalog, files)


def rfm_sizes(
    root: Path, out: Path, r: RfmSuggestion, as_of: Any, engine: str | None
) -> tuple[dict[str, int], int, int]:
    """Members of each RFM class, the entities that ever bought, and all entities: the
    written file evaluated with the project (needs scores and segmentations, §14–15)."""
    catalog, files = _texts(root, out)
    files[str(out)] = r.text
    project = project_from_texts(root, catalog, files)
    buyers = project.rule(f"did {r.event}", r.entity)
    names = [f"{r.name}.{c}" for c, _ in r.classes]
    segments = [*(project.segment(n) for n in names), buyers]
    result = project.evaluate(segments, as_of, engine=engine)
    sizes = {c: result.sizes[n].members for (c, _), n in zip(r.classes, names, strict=True)}
    size = result.sizes[buyers.name]
    return sizes, size.members, size.entity_count


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (complete or not at all)."""
    if path.suffix != ".seg":
        raise SegdslError(
            Diagnostic("K014", f"--out {path} is not a .seg file", hint="e.g. --out suggested.seg")
        )
    if not path.parent.is_dir():
        raise SegdslError(
            Diagnostic(
                "K014", f"no such folder: {path.parent}", hint="create it, or write elsewhere"
            )
        )
    write_text_atomically(path, text)


def _k(value: str) -> int | None:
    if value.strip().lower() == "auto":
        return None
    try:
        return int(value)
    except ValueError:
        raise SegdslError(
            Diagnostic("K006", f"--k {value} is not a number", hint="give a number or auto")
        ) from None


def run_suggest(
    *,
    project: Path,
    out: Path,
    features: str | None = None,
    k: str = "auto",
    leaves: int | None = None,
    rfm: bool = False,
    periods: str = "365d",
    scores: int = 5,
    event: str | None = None,
    amount: str | None = None,
    entity: str | None = None,
    as_of: str | None = None,
    seed: int = 0,
    sample: int = 100_000,
    name: str | None = None,
    engine: str | None = None,
    text: bool = True,
) -> str | dict[str, Any]:
    """Write the suggestion to ``out``; the report as text (``text``) or JSON data."""
    from segdsl.project import as_of_instant

    as_of_instant(as_of)  # a mistake in --as-of is reported before any work
    if rfm == (features is not None):
        raise SegdslError(
            Diagnostic(
                "K001",
                "give either --features (clusters) or --rfm",
                hint="e.g. --features spend_365d,orders_365d, or --rfm",
            )
        )
    p = load_without(project, out)
    instant = as_of_instant(as_of, p.catalog.timezone)  # read in the project's time zone
    if rfm:
        r = suggest_rfm(
            p,
            RfmOptions(entity, event, amount, periods, scores, name or "rfm", str(out)),
        )
        write_file(out, r.text)
        sizes: tuple[dict[str, int], int, int] | None = None
        if language_has_segmentations():
            sizes = rfm_sizes(project, out, r, instant, engine)
        return _rfm_text(r, out, sizes) if text else _rfm_json(r, out, sizes)
    assert features is not None
    try:  # numpy and scikit-learn: the `suggest` extra
        from segdsl.tools.suggest.clusters import Options, suggest_clusters
        from segdsl.tools.suggest.features import split_features
        from segdsl.tools.suggest.report import render_text
    except ImportError:
        raise missing_extra() from None
    o = Options(
        split_features(features),
        _k(k),
        leaves,
        entity,
        instant,
        seed,
        sample,
        name or "suggested",
        engine,
        str(out),
    )
    s = suggest_clusters(p, o)
    write_file(out, s.text)
    return render_text(s.report) if text else s.report.to_json()


def _rfm_text(r: RfmSuggestion, out: Path, sizes: tuple[dict[str, int], int, int] | None) -> str:
    w = max(len(c) for c, _ in r.classes)
    lines = [
        f"suggest --rfm → {out}",
        f"purchases: event `{r.event}`, amount `{r.amount}`; frequency and monetary over the "
        f"last {r.period}",
        "",
        "classes (first match wins):",
    ]
    for c, cond in r.classes:
        if sizes is None:
            lines.append(f"  {c:<{w}}  {cond}")
        else:
            n, buyers = sizes[0][c], sizes[1]
            share = n / buyers if buyers else 0.0
            lines.append(f"  {c:<{w}}  {n:>9,}  {share:>6.1%}  {cond}")
    if sizes is not None:
        total = sum(sizes[0].values())
        lines += [
            "",
            f"{total:,} in the classes; {sizes[1]:,} of {sizes[2]:,} entities ever bought "
            + ("(the classes add up to them)" if total == sizes[1] else "(NOT equal: a bug)"),
        ]
    return "\n".join(lines)


def _rfm_json(
    r: RfmSuggestion, out: Path, sizes: tuple[dict[str, int], int, int] | None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "rfm",
        "out": str(out),
        "event": r.event,
        "amount": r.amount,
        "period": r.period,
        "classes": [
            {"name": c, "condition": cond, **({"size": sizes[0][c]} if sizes else {})}
            for c, cond in r.classes
        ],
    }
    if sizes is not None:
        data["buyers"] = sizes[1]
        data["entities"] = sizes[2]
    return data
