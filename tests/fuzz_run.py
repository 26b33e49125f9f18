"""Fuzz segdsl with generated and mutated rule files, outside pytest, and print figures.

    python tests/fuzz_run.py --cases 50000

Each case is a rule file generated from the grammar (tests/strategies.py) with names from
the retail example's and the test corpus's catalogs, then broken 0 to 3 times (tokens
deleted, swapped, inserted; random text; a very long line; the file cut short) and at
most once at the byte level (invalid UTF-8, NUL bytes, CRLF or CR line ends, a BOM). The
case is written to a file of a project folder and goes through every stage that reads
rule files: reading (UTF-8, size), parsing, formatting (the output must parse and be
stable), resolving against the catalog, compiling a few segments for a few dialects, the
fused statement, lint, and the text as a `--rule`. Every stage may reject the file with a
:class:`SegdslError`; anything else is a bug. Every ``--cli-every``-th case also runs the
command line in process (`check`, `lint`, `fmt --check`, `compile`): exit 0 or 1 with a
rendered message, never a traceback or an internal error.

The checks are shared with tests/test_fuzz.py (which runs them at the size of
SEGDSL_FUZZ_EXAMPLES). On an unexpected exception hypothesis shrinks the case, the
script prints the smallest file that fails as a Python bytes literal and the traceback,
and exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import time
import traceback
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from strategies import catalog_names, mutated_files, mutated_seeds
from typer.testing import CliRunner

from segdsl.catalog.model import Catalog, load_catalog
from segdsl.cli import app
from segdsl.cli import fmt as _cli_fmt  # noqa: F401  (registers `fmt` on the app)
from segdsl.cli import lint as _cli_lint  # noqa: F401  (registers `lint` on the app)
from segdsl.diagnostics import SegdslError
from segdsl.project import Project, _resolve_project, load_project, read_source
from segdsl.syntax.formatter import format_text
from segdsl.syntax.parser import parse, parse_source
from segdsl.tools.lint import lint_project

ROOT = Path(__file__).resolve().parent.parent
RETAIL = ROOT / "examples" / "retail" / "segdsl.toml"
CORPUS = ROOT / "tests" / "corpus" / "segdsl.toml"
NAMES = sorted(set(catalog_names(RETAIL)) | set(catalog_names(CORPUS)))
DIALECTS = ["duckdb", "snowflake", "sqlite", "postgres", "bigquery", "clickhouse", "tsql"]
DIALECTS += ["spark", "trino", "mysql", "redshift", "databricks"]
AS_OF = "2026-06-30"


def _seeds(folder: Path) -> list[str]:
    """The folder's rule files, each after its measures file, so that names resolve."""
    measures = (folder / "measures.seg").read_text(encoding="utf-8")
    return [
        measures + "\n" + p.read_text(encoding="utf-8")
        for p in sorted(folder.glob("*.seg"))
        if p.name != "measures.seg"
    ]


RETAIL_SEEDS = _seeds(RETAIL.parent)
CORPUS_SEEDS = _seeds(CORPUS.parent)


def fuzz_cases() -> st.SearchStrategy[tuple[bytes, list[str], int]]:
    """(file bytes, mutations, 0 for the retail catalog or 1 for the corpus's): half
    generated from the grammar, half real files of the example and the corpus."""
    generated = st.tuples(mutated_files(NAMES), st.integers(0, 1))
    retail = st.tuples(mutated_seeds(RETAIL_SEEDS), st.just(0))
    corpus = st.tuples(mutated_seeds(CORPUS_SEEDS), st.just(1))
    return st.one_of(generated, retail, corpus).map(lambda t: (t[0][0], t[0][1], t[1]))


STAGES = ["read", "parse", "fmt", "resolve", "compile", "lint", "rule"]


class Unexpected(AssertionError):
    """An exception other than SegdslError, or a broken promise of the CLI."""


@dataclass
class Stats:
    cases: int = 0
    cli_cases: int = 0
    reached: Counter[str] = field(default_factory=Counter)  # stage → cases that ran it
    outcome: Counter[tuple[str, str]] = field(default_factory=Counter)  # (stage, ok|code)
    cli: Counter[tuple[str, int]] = field(default_factory=Counter)  # (command, exit code)
    mutations: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


class Harness:
    """Two project folders (retail's and the corpus's catalog) whose rules.seg each case
    overwrites; the catalogs are loaded once."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="segdsl-fuzz-"))
        self.projects: list[tuple[Path, Catalog]] = []
        for name, catalog in (("retail", RETAIL), ("corpus", CORPUS)):
            folder = self.tmp / name
            folder.mkdir()
            shutil.copy(catalog, folder / "segdsl.toml")
            self.projects.append((folder, load_catalog(folder / "segdsl.toml")))
        base = self.projects[0][0].parent / "base"
        base.mkdir()
        shutil.copy(RETAIL, base / "segdsl.toml")
        (base / "a.seg").write_text("segment s1 where age > 30\n", encoding="utf-8")
        self.base = load_project(base)
        self.runner = CliRunner()

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- the library ----------------------------------------------------------------
    def run_library(self, raw: bytes, which: int, stats: Stats) -> None:
        pick = zlib.crc32(raw)
        folder, catalog = self.projects[which]
        path = folder / "rules.seg"
        path.write_bytes(raw)
        stats.cases += 1

        def stage(name: str, fn: object) -> object:
            stats.reached[name] += 1
            try:
                out = fn()  # type: ignore[operator]
            except SegdslError as exc:
                if not exc.diagnostics:
                    raise Unexpected(f"{name}: a SegdslError without diagnostics") from exc
                str(exc)  # renders without error
                stats.outcome[(name, exc.diagnostics[0].code)] += 1
                raise
            except Exception as exc:
                raise Unexpected(f"{name}: {type(exc).__name__}: {exc}") from exc
            stats.outcome[(name, "ok")] += 1
            return out

        try:
            source = stage("read", lambda: read_source(path, "rules.seg"))
            module = stage("parse", lambda: parse_source(source))  # type: ignore[arg-type]
        except SegdslError:
            self._rule(raw, stats, stage)
            return
        text = source.text  # type: ignore[attr-defined]

        def fmt() -> str:
            out = format_text(text, "rules.seg")
            parse(out)
            if format_text(out) != out:
                raise Unexpected("fmt: formatting the output again changes it")
            return out

        try:
            stage("fmt", fmt)
        except SegdslError as exc:
            raise Unexpected("fmt: rejects a file that parses") from exc
        try:
            project = stage(
                "resolve",
                lambda: _resolve_project(folder, catalog, [module], []),  # type: ignore[list-item]
            )
        except SegdslError:
            project = None
        if isinstance(project, Project) and project.segments:
            names = list(project.segments)[:3]
            dialects = [DIALECTS[(pick >> (4 * i)) % len(DIALECTS)] for i in range(3)]
            for name, dialect in zip(names, dialects, strict=False):
                with contextlib.suppress(SegdslError):
                    stage("compile", lambda n=name, d=dialect: project.compile(n, d, AS_OF))
            entity = project.segments[names[0]].entity
            same = [n for n, s in project.segments.items() if s.entity == entity]
            with contextlib.suppress(SegdslError):
                stage(
                    "compile",
                    lambda: project.compile_membership(same, dialects[0], AS_OF),
                )
        if pick % 4 == 0:  # lint loads the project again: a quarter of the cases
            stage("lint", lambda: lint_project(folder))
        self._rule(raw, stats, stage)

    def _rule(self, raw: bytes, stats: Stats, stage: object) -> None:
        """The file's first condition as a `--rule` (which parses a bare condition)."""
        text = raw.decode("utf-8", "replace")
        at = text.find("where")
        text = text[at + 5 if at >= 0 else 0 :].split("\n")[0][:2000]
        with contextlib.suppress(SegdslError):
            stage("rule", lambda: self.base.rule(text))  # type: ignore[operator]

    # ---- the command line -------------------------------------------------------------
    def run_cli(self, raw: bytes, which: int, stats: Stats) -> None:
        folder = self.projects[which][0]
        path = folder / "rules.seg"
        stats.cli_cases += 1
        commands = [
            ["check", "-p", str(folder)],
            ["lint", "-p", str(folder)],
            ["fmt", "--check", "-p", str(folder)],
            ["compile", "-p", str(folder), "--as-of", AS_OF, "-d", "snowflake"],
        ]
        for args in commands:
            path.write_bytes(raw)
            result = self.runner.invoke(app, args)
            out = result.output
            stats.cli[(args[0], result.exit_code)] += 1
            if result.exit_code not in (0, 1):
                raise Unexpected(f"`segdsl {' '.join(args[:2])}` exited {result.exit_code}: {out}")
            if "Traceback" in out or "internal error" in out:
                raise Unexpected(f"`segdsl {args[0]}` printed a traceback: {out[-3000:]}")
            if isinstance(result.exception, BaseException) and not isinstance(
                result.exception, SystemExit
            ):
                raise Unexpected(f"`segdsl {args[0]}` raised {result.exception!r}")
            if result.exit_code == 1:
                rendered = "error[" in out or (args[0] == "fmt" and "would reformat" in out)
                if not rendered:
                    raise Unexpected(f"`segdsl {args[0]}` exited 1 without a message: {out!r}")
            if args[0] == "fmt" and path.read_bytes() != raw:
                raise Unexpected("`segdsl fmt --check` changed the file")


def report(stats: Stats) -> str:
    lines = [
        f"cases: {stats.cases} (library), {stats.cli_cases} through the CLI "
        f"(4 commands each), in {stats.seconds:.1f} s "
        f"({stats.cases / max(stats.seconds, 1e-9):.0f} cases/s)",
        "",
        "| stage | cases | accepted | rejected (SegdslError, by first code) |",
        "|---|---:|---:|---|",
    ]
    for stage_name in STAGES:
        n = stats.reached[stage_name]
        ok = stats.outcome[(stage_name, "ok")]
        codes = sorted(
            ((c, k) for (s, c), k in stats.outcome.items() if s == stage_name and c != "ok"),
            key=lambda x: -x[1],
        )
        shown = ", ".join(f"{c} {k}" for c, k in codes[:8])
        if len(codes) > 8:
            shown += f", {len(codes) - 8} more codes ({sum(k for _, k in codes[8:])})"
        lines.append(f"| {stage_name} | {n} | {ok} | {shown or '-'} |")
    if stats.cli:
        lines += ["", "| command | exit 0 | exit 1 |", "|---|---:|---:|"]
        for cmd in ("check", "lint", "fmt", "compile"):
            lines.append(f"| {cmd} | {stats.cli[(cmd, 0)]} | {stats.cli[(cmd, 1)]} |")
    muts = ", ".join(f"{k} {v}" for k, v in stats.mutations.most_common())
    lines += ["", f"mutations applied: {muts}", "unexpected exceptions: 0"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=50_000)
    ap.add_argument("--cli-every", type=int, default=10, help="run the CLI on every N-th case")
    args = ap.parse_args(argv)
    sys.setrecursionlimit(1000)  # the default: what a user's process has
    harness = Harness()
    stats = Stats()
    counter = [0]
    t0 = time.perf_counter()

    @settings(
        max_examples=args.cases,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(fuzz_cases())
    def case(sample: tuple[bytes, list[str], int]) -> None:
        raw, steps, which = sample
        stats.mutations.update(steps or ["none"])
        harness.run_library(raw, which, stats)
        counter[0] += 1
        if args.cli_every and counter[0] % args.cli_every == 0:
            harness.run_cli(raw, which, stats)
        if counter[0] % 5000 == 0:
            print(f"  {counter[0]} cases, {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    try:
        case()
    except Exception as exc:
        stats.seconds = time.perf_counter() - t0
        print(report(stats).replace("unexpected exceptions: 0", "unexpected exceptions: 1"))
        print("\nFAILED: an unexpected exception (the shrunk case is above, as `sample=`)")
        traceback.print_exception(exc)
        return 1
    finally:
        harness.close()
    stats.seconds = time.perf_counter() - t0
    print(report(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
