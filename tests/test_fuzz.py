"""Broken and hostile rule files: every stage rejects them with a SegdslError, never
another exception; the command line exits 1 with a rendered message, never a traceback.

The generated cases come from tests/strategies.py (rules from the grammar and real rule
files, then broken: tokens deleted, swapped, inserted, random text and bytes, invalid
UTF-8, NUL bytes, CRLF and CR line ends, a BOM, very long lines); the checks are those of
tests/fuzz_run.py, the dedicated long run (`python tests/fuzz_run.py --cases 50000`).
Their number follows SEGDSL_FUZZ_EXAMPLES (CI: 2000): a quarter of it through the library,
a fortieth through the command line (four commands each).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_run import Harness, Stats, fuzz_cases
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from segdsl.cli import app
from segdsl.diagnostics import SegdslError
from segdsl.diagnostics.render import render_diagnostics
from segdsl.project import load_project
from segdsl.syntax.formatter import format_text
from segdsl.syntax.parser import parse

FUZZ = int(os.environ.get("SEGDSL_FUZZ_EXAMPLES", "300"))
RETAIL = Path(__file__).resolve().parent.parent / "examples" / "retail" / "segdsl.toml"


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    h = Harness()
    yield h
    h.close()


@settings(
    max_examples=max(20, FUZZ // 4),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(case=fuzz_cases())
def test_library_raises_only_segdsl_errors(
    harness: Harness, case: tuple[bytes, list[str], int]
) -> None:
    raw, _steps, which = case
    harness.run_library(raw, which, Stats())


@settings(
    max_examples=max(5, FUZZ // 40),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(case=fuzz_cases())
def test_cli_exits_1_with_a_message(harness: Harness, case: tuple[bytes, list[str], int]) -> None:
    raw, _steps, which = case
    harness.run_cli(raw, which, Stats())


def test_the_fuzzer_reaches_every_stage(harness: Harness) -> None:
    """The generated cases are not all rejected early: some resolve and compile."""
    stats = Stats()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=fuzz_cases())
    def run(case: tuple[bytes, list[str], int]) -> None:
        harness.run_library(case[0], case[2], stats)

    run()
    for stage in ("read", "parse", "fmt", "resolve", "compile"):
        assert stats.outcome[(stage, "ok")] > 0, (stage, stats.outcome)
    assert any(code != "ok" for (_, code) in stats.outcome), stats.outcome


# ---- specific bytes ------------------------------------------------------------------

runner = CliRunner()


def _project(tmp_path: Path, raw: bytes) -> Path:
    (tmp_path / "segdsl.toml").write_bytes(RETAIL.read_bytes())
    (tmp_path / "rules.seg").write_bytes(raw)
    return tmp_path


def test_invalid_utf8_points_at_the_byte(tmp_path: Path) -> None:
    p = _project(tmp_path, b'segment a\n  where country = "D\xe9"\n')
    with pytest.raises(SegdslError) as exc:
        load_project(p)
    d = exc.value.diagnostics[0]
    assert d.code == "U011"
    assert d.span is not None and (d.span.line, d.span.column) == (2, 21)
    assert d.hint
    result = runner.invoke(app, ["check", "-p", str(p)])
    assert result.exit_code == 1
    assert "rules.seg:2:21" in result.output and "0xe9" in result.output


@pytest.mark.parametrize(
    "raw",
    [
        b"segment a where age > 3\x00\n",
        b"\x00",
        b"segment \x00a where age > 3\n",
    ],
)
def test_nul_bytes_are_syntax_errors(tmp_path: Path, raw: bytes) -> None:
    p = _project(tmp_path, raw)
    with pytest.raises(SegdslError) as exc:
        load_project(p)
    assert exc.value.diagnostics[0].code == "E101"
    for args in (["check", "-p", str(p)], ["fmt", "--check", "-p", str(p)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert "error[E101]" in result.output and "\x00" not in result.output


def test_bom_crlf_and_cr_read_alike(tmp_path: Path) -> None:
    text = b"segment a\n  where age > 3 # c\nsegment b where in segment a\n"
    for raw in (
        text,
        b"\xef\xbb\xbf" + text,
        text.replace(b"\n", b"\r\n"),
        text.replace(b"\n", b"\r"),
    ):
        p = _project(tmp_path, raw)
        assert list(load_project(p).segments) == ["a", "b"]
        assert format_text(raw.decode("utf-8")) == format_text(text.decode("utf-8"))


def test_terminal_escapes_are_not_echoed(tmp_path: Path) -> None:
    """Text from a rule file is shown in messages; control characters are not passed to
    the terminal."""
    p = _project(tmp_path, b'segment a where country = "US"\x1b[2J\x07 and \x1b]0;x\x07\n')
    result = runner.invoke(app, ["check", "-p", str(p)])
    assert result.exit_code == 1
    assert "error[E101]" in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_a_very_long_line_gives_a_short_message() -> None:
    line = "segment a where " + " and ".join(["age > 3"] * 20_000) + " and )"
    with pytest.raises(SegdslError) as exc:
        parse(line, "long.seg")
    text = render_diagnostics(exc.value.diagnostics)
    assert "long.seg:1:" in text
    assert max(len(x) for x in text.splitlines()) < 500
    caret = next(x for x in text.splitlines() if "^" in x)
    shown = text.splitlines()[text.splitlines().index(caret) - 1]
    assert shown[caret.index("^")] == ")"


def test_long_names_strings_and_numbers() -> None:
    """Tokens of 100,000 characters parse, resolve or fail like short ones."""
    for text in [
        "segment a where " + "x" * 100_000 + " > 3",
        'segment a where country = "' + "x" * 100_000 + '"',
    ]:
        module = parse(text)
        assert len(module.statements) == 1
        assert format_text(format_text(text)) == format_text(text)


@pytest.mark.parametrize("digits", ["9" * 5_000, "9" * 100_000, "1." + "5" * 100_000])
def test_numbers_with_too_many_digits(digits: str) -> None:
    """Python refuses to convert integers of more than 4,300 digits: segdsl says so."""
    with pytest.raises(SegdslError) as exc:
        parse("segment a where age > " + digits, "n.seg")
    d = exc.value.diagnostics[0]
    assert d.code == "E108" and d.span is not None and d.span.column == 23 and d.hint


def test_long_name_in_a_message_is_cut() -> None:
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = _project(Path(d), ("segment a where " + "x" * 100_000 + " > 3\n").encode())
        with pytest.raises(SegdslError) as exc:
            load_project(p)
        assert exc.value.diagnostics[0].code == "E201"
        text = render_diagnostics(exc.value.diagnostics)
        assert max(len(x) for x in text.splitlines()) < 500
        assert re.search(r"rules\.seg:1:17", text)
        shutil.rmtree(d, ignore_errors=True)
