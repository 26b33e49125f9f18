"""Shared helpers of the history/explain/overlap tests: the CLI in process and as a
real subprocess, and a fresh project fixture."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from segdsl.cli import app


def invoke(*args: str, columns: int = 100) -> tuple[int, str, str]:
    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": str(columns)})
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def env(**extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("SEGDSL_")}
    out["NO_COLOR"] = "1"
    out.update(extra)
    return out


def cli_command(*args: str) -> list[str]:
    """``segdsl ARGS`` in a new process, through tests/paused_cli.py: the test pauses
    (``SEGDSL_TEST_*_PAUSE``) take effect when their variable is set."""
    return [sys.executable, str(Path(__file__).with_name("paused_cli.py")), *args]


def run_cli(*args: str, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args), capture_output=True, text=True, env=env(**extra), timeout=timeout
    )


def assert_clean_error(code: int, err: str, expected_code: str) -> None:
    """Exit 1, the diagnostic code in the message, no traceback."""
    assert code == 1, err
    assert f"error[{expected_code}]" in err, err
    assert "Traceback" not in err


def store_path(root: Path) -> Path:
    return root / ".segdsl" / "history.duckdb"
