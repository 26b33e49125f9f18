"""Very large and very deep inputs: each works, or fails with a clear message (a code,
file:line:column, a caret and a hint) within seconds and bounded memory; never a
RecursionError, a traceback or a hang.

Every case runs in its own process, with a memory cap (RLIMIT_AS, 2 GiB) and a timeout:
through the library (load the project, format its files, compile one segment) and
through the command line (`check`, `lint`, `fmt`, `compile` of one segment). The time
bound asserted is generous (60 s, against a few seconds measured; see docs/language.md,
"Limits") so that a slow CI machine does not flake; a hang or a quadratic blow-up still
fails it.

    python tests/test_limits.py     # prints the table of times and peak memory
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RETAIL = ROOT / "examples" / "retail" / "segdsl.toml"
MEMORY_CAP = 2 * 1024**3
TIMEOUT = 120
TIME_BOUND = 60.0  # seconds: "within seconds", with room for a slow machine

# Prints the peak memory of the process when it exits (also through sys.exit).
_RSS = (
    "import atexit, resource, sys\n"
    "atexit.register(lambda: sys.stderr.write("
    "'\\nmaxrss_kb=%d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
)
_CLI = _RSS + "from segdsl.cli.app import main\nsys.argv = ['segdsl', *sys.argv[1:]]\nmain()\n"
_LIBRARY = (
    _RSS
    + """
from pathlib import Path
import segdsl
from segdsl.diagnostics import SegdslError
from segdsl.syntax.formatter import format_text
from segdsl.project import find_files
root = Path(sys.argv[1])
try:
    for f in find_files(root):
        format_text(f.read_text(encoding="utf-8"), str(f))
    p = segdsl.load_project(root)
    name = sys.argv[2] if len(sys.argv) > 2 else next(iter(p.segments))
    p.compile(name, "duckdb", "2026-06-30")
    print("ok", len(p.segments))
except SegdslError as exc:
    print(exc)
    sys.exit(1)
"""
)


@dataclass(frozen=True)
class Case:
    name: str
    files: Callable[[], dict[str, str]]
    code: str | None  # None: works; else the error code expected
    segment: str = "s"  # the segment compiled
    where: str = ""  # for an error: the file:line:column expected in the message


def _nest(n: int) -> str:
    return "segment s where " + "(" * n + "age > 3" + ")" * n + "\n"


def _many_segments(n: int, per_file: int = 10_000) -> dict[str, str]:
    files = {}
    for f in range(0, n, per_file):
        files[f"part{f // per_file:03d}.seg"] = "".join(
            f'segment s{i} where age > {i % 90} and country = "US"\n'
            for i in range(f, min(n, f + per_file))
        )
    files["part000.seg"] = "segment s where age > 3\n" + files["part000.seg"]
    return files


def _ten_mb() -> dict[str, str]:
    line = 'segment s{} where age > 30 and country in ("US", "DE") or income > 1000\n'
    return {"big.seg": "".join(line.format(i) for i in range(10 * 1024**2 // len(line) + 1))}


def _chain(n: int) -> dict[str, str]:
    return {
        "chain.seg": "segment s0 where age > 3\n"
        + "".join(f"segment s{i} where in segment s{i - 1} and age > {i}\n" for i in range(1, n))
        + f"segment s where in segment s{n - 1}\n"
    }


def _doubling(n: int) -> dict[str, str]:
    return {
        "dag.seg": "segment s0 where age > 3\n"
        + "".join(
            f"segment s{i} where in segment s{i - 1} or not in segment s{i - 1}\n"
            for i in range(1, n)
        )
        + f"segment s where in segment s{n - 1}\n"
    }


CASES = [
    Case(
        "10,000 nested parentheses",
        lambda: {"deep.seg": _nest(10_000)},
        "E111",
        where="deep.seg:1:",
    ),
    Case(
        "10,000 `not`s",
        lambda: {"nots.seg": "segment s where " + "not " * 10_000 + "age > 3\n"},
        "E111",
        where="nots.seg:1:",
    ),
    Case(
        "10,000-term `and` chain",
        lambda: {
            "and.seg": "segment s where " + " and ".join(f"age > {i}" for i in range(10_000)) + "\n"
        },
        None,
    ),
    Case(
        "10,000-term `or` chain",
        lambda: {
            "or.seg": "segment s where " + " or ".join(f"age = {i}" for i in range(10_000)) + "\n"
        },
        None,
    ),
    Case(
        "10,000-term sum",
        lambda: {"sum.seg": "segment s where " + " + ".join(["age"] * 10_000) + " > 3\n"},
        "E111",
        where="sum.seg:1:",
    ),
    Case(
        "1,000-element list",
        lambda: {
            "list.seg": "segment s where country in ("
            + ", ".join(f'"c{i}"' for i in range(1000))
            + ")\n"
        },
        None,
    ),
    Case("10 MB file", _ten_mb, "E112", where="big.seg:"),
    Case("10,000 segments", lambda: _many_segments(10_000), None),
    Case(
        "1,000 segments chained by `in segment`", lambda: _chain(1000), "E312", where="chain.seg:"
    ),
    Case(
        "40 segments, each using the previous twice",
        lambda: _doubling(40),
        "E312",
        where="dag.seg:",
    ),
]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@dataclass
class Run:
    exit_code: int
    seconds: float
    rss_mb: float
    out: str


def run_child(code: str, args: list[str], cwd: Path) -> Run:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("SEGDSL_DEBUG", None)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
        env=env,
    )
    seconds = time.perf_counter() - t0
    m = re.search(r"maxrss_kb=(\d+)", proc.stderr)
    rss = int(m.group(1)) / 1024 if m else float("nan")
    out = proc.stdout + proc.stderr
    return Run(proc.returncode, seconds, rss, out)


def _write(case: Case, folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copy(RETAIL, folder / "segdsl.toml")
    for name, text in case.files().items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


COMMANDS = {
    "library": None,
    "check": ["check", "-p", "."],
    "lint": ["lint", "-p", "."],
    "fmt": ["fmt", "-p", "."],
    "compile": ["compile", "SEGMENT", "-p", ".", "--as-of", "2026-06-30"],
}


def run_case(case: Case, folder: Path, command: str) -> Run:
    _write(case, folder)
    if command == "library":
        return run_child(_LIBRARY, [str(folder), case.segment], folder)
    args = [case.segment if a == "SEGMENT" else a for a in COMMANDS[command] or []]
    return run_child(_CLI, args, folder)


def check_run(case: Case, command: str, run: Run) -> None:
    assert "Traceback" not in run.out and "RecursionError" not in run.out, run.out[-3000:]
    assert "internal error" not in run.out and "MemoryError" not in run.out, run.out[-3000:]
    assert run.seconds < TIME_BOUND, f"{case.name} / {command}: {run.seconds:.1f} s"
    # `fmt` reads syntax only: a rule too deep or too large once resolved formats fine.
    resolved_only = case.code is not None and case.code.startswith("E3")
    if case.code is None or (command == "fmt" and resolved_only):
        assert run.exit_code == 0, run.out[-3000:]
        return
    assert run.exit_code == 1, run.out[-3000:]
    if command == "lint":
        assert f"error[{case.code}]" in run.out or f'"{case.code}"' in run.out, run.out[-3000:]
    else:
        assert f"error[{case.code}]" in run.out, run.out[-3000:]
    assert re.search(re.escape(case.where) + r"\d+", run.out), run.out[-3000:]
    assert "= help:" in run.out and "^" in run.out, run.out[-3000:]
    assert max(len(line) for line in run.out.splitlines()) < 1000  # no 10 MB line echoed


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_limit(case: Case, command: str, tmp_path: Path) -> None:
    run = run_case(case, tmp_path / "p", command)
    check_run(case, command, run)


# Measured by `python tests/test_limits.py` only: minutes on a small machine, too long
# for every CI run.
SLOW_CASES = [
    Case(
        "100,000 segments (10 files)",
        lambda: _many_segments(100_000),
        "E114",
        where="part001.seg:",
    )
]


def test_a_project_past_the_statement_limit_stops_at_the_first_one_over() -> None:
    """E114: loading stops at the file where the project passes 20,000 segments and
    measures, pointing at the first one over — 100,000 segments fail in seconds instead
    of being parsed, resolved and linted for minutes (`python tests/test_limits.py`
    measures that case through the CLI)."""
    from segdsl.diagnostics import SegdslError
    from segdsl.project import MAX_STATEMENTS, project_from_texts

    files = _many_segments(MAX_STATEMENTS)  # s + 20,000 numbered ones, in two files
    files["part999.seg"] = "segment never_read where age >"  # not parsed: loading stops
    with pytest.raises(SegdslError) as err:
        project_from_texts(".", RETAIL.read_text(encoding="utf-8"), files)
    (d,) = err.value.diagnostics
    assert d.code == "E114" and d.span is not None and d.hint
    assert (d.span.path, d.span.line, d.span.column) == ("part001.seg", 10_000, 9)
    assert d.span.source.line(10_000).startswith("segment s19999 ")
    # One fewer is a project like any other.
    del files["part999.seg"]
    files["part001.seg"] = files["part001.seg"].rsplit("segment s19999", 1)[0]
    assert len(project_from_texts(".", RETAIL.read_text(encoding="utf-8"), files).segments) == (
        MAX_STATEMENTS
    )


def main() -> None:
    import tempfile

    global TIMEOUT
    TIMEOUT = 900

    print("| case | " + " | ".join(COMMANDS) + " | result |")
    print("|---|" + "---:|" * len(COMMANDS) + "---|")
    with tempfile.TemporaryDirectory() as d:
        for case in [*CASES, *SLOW_CASES]:
            cells = []
            for command in COMMANDS:
                try:
                    run = run_case(case, Path(d) / "p", command)
                except subprocess.TimeoutExpired:
                    cells.append(f"over {TIMEOUT} s (stopped)")
                    continue
                try:
                    check_run(case, command, run)
                    flag = ""
                except AssertionError as exc:
                    flag = f" FAILED ({str(exc)[:80]!r})"
                cells.append(f"{run.seconds:.1f} s, {run.rss_mb:.0f} MB{flag}")
            result = "works" if case.code is None else f"error {case.code}"
            print(f"| {case.name} | " + " | ".join(cells) + f" | {result} |", flush=True)


if __name__ == "__main__":
    main()


def test_fmt_stops_at_the_statement_limit_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`fmt` counts the segments and measures of the files it is given as loading a
    project does: past the limit it stops with E114 at the first one over; the files
    before it are formatted, whole. (The limit is lowered here to keep the test fast.)"""
    from typer.testing import CliRunner

    import segdsl.project
    from segdsl.cli.app import app

    monkeypatch.setattr(segdsl.project, "MAX_STATEMENTS", 3)
    (tmp_path / "segdsl.toml").write_text(RETAIL.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.seg").write_text("segment a1 where age>3\nsegment a2 where age>4\n")
    (tmp_path / "b.seg").write_text("segment b1 where age>5\nsegment b2 where age>6\n")
    result = CliRunner().invoke(app, ["fmt", "-p", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "error[E114]" in result.output and "b.seg:2:9" in result.output
    assert "= help:" in result.output and "number 4" in result.output
    assert (tmp_path / "a.seg").read_text() == (
        "segment a1\n  where age > 3\n\nsegment a2\n  where age > 4\n"
    )
    assert (tmp_path / "b.seg").read_text() == "segment b1 where age>5\nsegment b2 where age>6\n"
    # The same limit when the project is loaded.
    result = CliRunner().invoke(app, ["check", "-p", str(tmp_path)])
    assert result.exit_code == 1 and "error[E114]" in result.output, result.output
