"""The whole `segdsl suggest` command as one library call (the CLI is a thin layer)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import CATALOG_FILE, Project, find_files, project_from_texts, read_source
from segdsl.tools.suggest.common import missing_extra
from segdsl.tools.suggest.rfm import RfmOptions, RfmSuggestion, suggest_rfm


def load_without(root: Path, out: Path) -> Project:
    """The project at ``root`` without the file ``out`` (a suggestion written by an
    earlier run is replaced, not read)."""
    from segdsl.project import load_project

    if not root.is_dir() or not (root / CATALOG_FILE).is_file():
        return load_project(root)  # its own message
    skip = out.resolve()
    files = {str(f): read_source(f, str(f)).text for f in find_files(root) if f.resolve() != skip}
    catalog = read_source(root / CATALOG_FILE, str(root / CATALOG_FILE)).text
    return project_from_texts(root, catalog, files)


def write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (complete or not at all)."""
    from segdsl.support.atomic import temp_beside

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
    with temp_beside(path) as (fd, tmp):
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)


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
    from segdsl.semantic.timecalc import parse_as_of

    instant = parse_as_of(as_of) if as_of is not None else None
    if rfm == (features is not None):
        raise SegdslError(
            Diagnostic(
                "K001",
                "give either --features (clusters) or --rfm",
                hint="e.g. --features spend_365d,orders_365d, or --rfm",
            )
        )
    p = load_without(project, out)
    if rfm:
        r = suggest_rfm(
            p,
            RfmOptions(entity, event, amount, periods, scores, name or "rfm", str(out)),
        )
        write_file(out, r.text)
        return _rfm_text(r, out) if text else _rfm_json(r, out)
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


def _rfm_text(r: RfmSuggestion, out: Path) -> str:
    w = max(len(c) for c, _ in r.classes)
    lines = [
        f"suggest --rfm → {out}",
        f"purchases: event `{r.event}`, amount `{r.amount}`; frequency and monetary over the "
        f"last {r.period}",
        "",
        "classes (first match wins):",
        *(f"  {c:<{w}}  {cond}" for c, cond in r.classes),
    ]
    return "\n".join(lines)


def _rfm_json(r: RfmSuggestion, out: Path) -> dict[str, Any]:
    return {
        "kind": "rfm",
        "out": str(out),
        "event": r.event,
        "amount": r.amount,
        "period": r.period,
        "classes": [{"name": c, "condition": cond} for c, cond in r.classes],
    }
