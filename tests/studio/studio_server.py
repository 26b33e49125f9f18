"""A real `segdsl studio` server in a subprocess, on a free port, for the studio tests."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
RETAIL = REPO / "examples" / "retail"


def copy_retail(dest: Path) -> Path:
    """examples/retail copied to ``dest`` as a git checkout with one commit, so that saving
    never touches the repository and the diff against HEAD has a HEAD."""
    shutil.copytree(
        RETAIL, dest, ignore=shutil.ignore_patterns("*.duckdb", "*.wal", "out", ".segdsl")
    )
    git = [
        "git",
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "-c",
        "init.defaultBranch=main",
    ]
    subprocess.run([*git, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "retail"], cwd=dest, check=True)
    return dest


@dataclass
class Studio:
    url: str
    proc: subprocess.Popen[bytes]
    root: Path

    def call(
        self,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        h = {"Content-Type": "application/json"} if data is not None else {}
        h.update(headers or {})
        req = urllib.request.Request(self.url.rstrip("/") + path, data=data, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as exc:
            text = exc.read()
            try:
                return exc.code, json.loads(text)
            except json.JSONDecodeError:
                return exc.code, text.decode("utf-8", "replace")


CLI = [sys.executable, str(REPO / "tests" / "paused_cli.py")]


@contextmanager
def studio(root: Path, env: dict[str, str] | None = None) -> Iterator[Studio]:
    """Start `segdsl studio -p root --port 0 --no-browser`; stop it afterwards."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})}
    proc = subprocess.Popen(
        # tests/paused_cli.py is `python -m segdsl` with the test hooks the environment asks
        # for (SEGDSL_STUDIO_TEST_SLOW); production code has none.
        [*CLI, "studio", "-p", str(root), "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
    )
    try:
        assert proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 60
        line = b""
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            if sel.select(timeout=0.5):
                chunk = os.read(proc.stdout.fileno(), 1)
                if not chunk:
                    break
                line += chunk
        text = line.decode()
        if "http://" not in text:
            err = proc.stderr.read().decode() if proc.poll() is not None and proc.stderr else ""
            raise AssertionError(f"the studio did not start: {text!r} {err}")
        url = text.split("http://", 1)[1].split()[0]
        yield Studio("http://" + url, proc, root)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
