"""Live scores through the two programs: `segdsl serve` (real HTTP: `POST /v1/cutoffs`
takes the scores' thresholds from the warehouse, and they survive a restart from
`--state`) and `segdsl stream --backfill` (thresholds taken at the seam, kept in the
state file, used after a restart)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_live_serve import call
from test_scores import BUYS, PEOPLE, T, oracle_scores, write_project

SRC = Path(__file__).parents[2] / "src"
ENV = {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1"}


def score_of(segments: list[str], name: str) -> int | None:
    found = [s for s in segments if s.startswith(name + "_is_")]
    assert len(found) == 1 or (not found and f"{name}_missing" in segments), segments
    return int(found[0].rsplit("_", 1)[1]) if found else None


def inputs() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for pid, points, grp, rating, joined in PEOPLE:
        attrs = {"points": points, "grp": grp, "rating": rating, "joined": joined}
        out.append({"profile": pid, "attributes": attrs})
    for n, (pid, ts, amount) in enumerate(BUYS):
        if dt.datetime.fromisoformat(ts) <= T:
            stamp = ts.replace(" ", "T") + "Z"
            fields = {"amount": float(amount)}
            out.append({"event": "buy", "profile": pid, "timestamp": stamp, "fields": fields})
            out[-1]["id"] = f"b{n}"
    out.append({"tick": T.isoformat() + "Z"})
    return out


def test_serve_refreshes_score_thresholds_and_keeps_them(tmp_path: Path) -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        if os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1":
            raise
        pytest.skip("the live extra is not installed: pip install 'segdsl[live]'")
    root = write_project(tmp_path / "p")
    state = tmp_path / "live.json"
    procs: list[subprocess.Popen[str]] = []

    def start() -> str:
        cmd = [sys.executable, "-m", "segdsl", "serve", "-p", str(root), "--port", "0"]
        proc = subprocess.Popen(
            [*cmd, "--state", str(state)],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=ENV,
        )
        procs.append(proc)
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "listening on http://127.0.0.1:" in line, line
        return line.strip().rsplit(" ", 1)[-1]

    def stop() -> int:
        procs[-1].send_signal(signal.SIGTERM)
        return procs[-1].wait(timeout=30)

    try:
        base = start()
        status, health = call(base + "/v1/health")
        assert health["segments"]["batch cut-offs"] > 50 and health["segments"]["not live"] == 0
        status, answer = call(base + "/v1/events", inputs())
        assert status == 200
        status, prof = call(base + "/v1/profiles/16")
        assert "s5_missing" in prof["segments"]  # no thresholds yet
        status, answer = call(base + "/v1/cutoffs", [])
        assert status == 200
        assert {
            "profile": 16,
            "segment": "s5_is_1",
            "change": "entered",
            "at": "2026-06-30T12:00:00Z",
        } in answer["changes"]
        want = {name: oracle_scores(name, T) for name in ("s5", "s3g", "r4", "m3", "d5")}
        for pid, *_ in PEOPLE:
            status, prof = call(base + f"/v1/profiles/{pid}")
            for name, scores in want.items():
                assert score_of(prof["segments"], name) == scores[pid], (pid, name)
        assert stop() == 143
        saved = json.loads(state.read_text())
        assert any(int(k) < 0 for k in saved["cutoffs"])  # the scores' thresholds
        base = start()  # the thresholds come back with the state
        status, answer = call(base + "/v1/events", {"profile": 16, "attributes": {"points": 10}})
        moved = {(c["segment"], c["change"]) for c in answer["changes"]}
        assert ("s5_is_1", "left") in moved and ("s5_is_2", "entered") in moved
        assert stop() == 143
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_stream_backfill_takes_thresholds_and_keeps_them(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    state = tmp_path / "live.json"

    def go(lines: list[dict[str, Any]], *extra: str) -> list[dict[str, Any]]:
        cmd = [sys.executable, "-m", "segdsl", "stream", "-p", str(root), "--state", str(state)]
        done = subprocess.run(
            [*cmd, *extra],
            input="".join(json.dumps(x) + "\n" for x in lines),
            capture_output=True,
            text=True,
            env=ENV,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        return [json.loads(x) for x in done.stdout.splitlines()]

    as_of = T.isoformat() + "Z"
    first = go([{"profile": 16, "attributes": {"points": 10}}], "--backfill", "--as-of", as_of)
    moved = {(c["profile"], c["segment"], c["change"]) for c in first}
    assert (16, "s5_is_1", "left") in moved and (16, "s5_is_2", "entered") in moved
    again = go([{"profile": 16, "attributes": {"points": 0}}])  # from the state file
    moved = {(c["profile"], c["segment"], c["change"]) for c in again}
    assert (16, "s5_is_2", "left") in moved and (16, "s5_is_1", "entered") in moved
