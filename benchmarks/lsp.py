"""How fast the language server keeps up with typing, on examples/retail.

Figures (median and best of --runs, milliseconds), side by side:

- cold check: a new project state — read, parse, resolve and lint every file;
- full re-check: the catalog changed (an event's retention), so every statement is
  resolved and linted again (only the files' parses come from the cache);
- a keystroke in a rule: that file parsed again, the project resolved again, the
  changed segment linted again (the other statements' lint findings are cached);
- project-wide change: a measure renamed in measures.seg (its users in value.seg get
  errors), and back;
- completion and hover (a measure) at a cursor;
- over stdio: didChange until the server answers the next request, i.e. the diagnostics
  of the whole project are published (needs the `lsp` extra and pytest-lsp).

    python benchmarks/lsp.py --runs 50
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from segdsl.tools.editing import (  # noqa: E402
    Position,
    ProjectState,
    complete,
    diagnostics,
    hover,
)

RETAIL = REPO / "examples" / "retail"


def _time(fn: Callable[[int], object], runs: int) -> tuple[float, float]:
    times = []
    for i in range(runs):
        t = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times)


def library(runs: int) -> list[tuple[str, float, float]]:
    value, measures = str(RETAIL / "value.seg"), str(RETAIL / "measures.seg")
    diagnostics(ProjectState(RETAIL))  # the grammar's tables, loaded once per process
    rows = [
        (
            "cold check (read, parse, resolve, lint)",
            *_time(lambda i: diagnostics(ProjectState(RETAIL)), runs),
        )
    ]

    state = ProjectState(RETAIL)
    base = state.text(value) or ""
    diagnostics(state)

    catalog = state.catalog_path
    catalog_text = state.text(catalog) or ""

    def full(i: int) -> None:
        # a changed catalog: every file resolved and linted again (parses stay cached)
        # a retention changed: every statement's lint findings are made again
        state.set_text(
            catalog,
            catalog_text.replace(
                'timestamp = "ordered_at"\n',
                f'timestamp = "ordered_at"\nretention = "{36500 + i} days"\n',
            ),
        )
        found = diagnostics(state)
        assert not any(found.values())

    rows.append(("full re-check (catalog changed: resolve + lint all)", *_time(full, runs)))
    state.set_text(catalog, catalog_text)

    def keystroke(i: int) -> None:
        # a number typed inside a segment's rule: that file parsed again, the project
        # resolved again, the changed segment linted again
        state.set_text(
            value, base.replace("top 20% by spend_365d", f"top {10 + i % 50}% by spend_365d")
        )
        found = diagnostics(state)
        assert not any(found.values())

    rows.append(("re-check after a keystroke in a rule", *_time(keystroke, runs)))

    mtext = state.text(measures) or ""
    renamed = mtext.replace("measure spend_365d ", "measure spend_year ")

    def project_wide(i: int) -> None:
        state.set_text(measures, renamed if i % 2 == 0 else mtext)
        found = diagnostics(state)
        assert bool(found[value]) == (i % 2 == 0)

    rows.append(("project-wide change (rename a measure)", *_time(project_wide, runs)))
    state.set_text(measures, mtext)
    lines = base.split("\n")
    line = next(i for i, ln in enumerate(lines) if "spend_365d" in ln)
    at = Position(line, lines[line].index("spend_365d") + 2)
    rows.append(("completion", *_time(lambda i: complete(state, value, at), runs)))
    rows.append(("hover (a measure)", *_time(lambda i: hover(state, value, at), runs)))
    return rows


async def _stdio(runs: int) -> tuple[float, float]:
    from lsprotocol import types
    from pytest_lsp import client_capabilities, make_test_lsp_client

    client = make_test_lsp_client()
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    await client.start_io(sys.executable, "-m", "segdsl", "lsp", env=env)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=RETAIL.as_uri()
        )
    )
    path = RETAIL / "value.seg"
    uri = path.as_uri()
    text = path.read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="segdsl", version=1, text=text)
        )
    )
    doc = types.TextDocumentIdentifier(uri)
    await client.text_document_hover_async(types.HoverParams(doc, types.Position(0, 0)))
    times = []
    for i in range(runs):
        t = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=i + 2, uri=uri),
                [
                    types.TextDocumentContentChangeWholeDocument(
                        text.replace("top 20% by", f"top {10 + i % 50}% by")
                    )
                ],
            )
        )
        await client.text_document_hover_async(types.HoverParams(doc, types.Position(0, 0)))
        times.append((time.perf_counter() - t) * 1000)
    await client.shutdown_session()
    await client.stop()
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    rows = library(args.runs)
    try:
        rows.append(
            ("over stdio: didChange → diagnostics published", *asyncio.run(_stdio(args.runs)))
        )
    except ImportError as exc:
        print(f"(over stdio skipped: {exc})")
    width = max(len(r[0]) for r in rows)
    print(f"{'examples/retail, ' + str(args.runs) + ' runs':<{width}}  median ms  best ms")
    for name, median, best in rows:
        print(f"{name:<{width}}  {median:9.1f}  {best:7.1f}")


if __name__ == "__main__":
    main()
