"""Progress on standard error: shown on a terminal, silent in pipes and CI."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from segdsl.support import progress as progress_mod
from segdsl.support.progress import enabled, progress

ROOT = Path(__file__).resolve().parents[2]


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_enabled_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("SEGDSL_NO_PROGRESS", raising=False)
    assert enabled(FakeTTY())
    assert not enabled(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not enabled(FakeTTY())
    monkeypatch.delenv("CI")
    monkeypatch.setenv("SEGDSL_NO_PROGRESS", "1")
    assert not enabled(FakeTTY())


def test_silent_progress_costs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_mod, "enabled", lambda stream=None: False)
    with progress("work") as step:
        step("more work")
        with progress("inner") as inner:
            inner("x")


def _eval_stderr(tty: bool) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TERM="xterm")
    env.pop("CI", None)
    env.pop("SEGDSL_NO_PROGRESS", None)
    args = [
        sys.executable,
        "-m",
        "segdsl",
        "eval",
        "-p",
        str(ROOT / "examples/retail"),
        "--as-of",
        "2026-06-30",
        "-f",
        "csv",
    ]
    if not tty:
        proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_eval_shows_progress_on_a_terminal_only() -> None:
    assert _eval_stderr(tty=False) == ""
    assert "evaluating" in _eval_stderr(tty=True)
