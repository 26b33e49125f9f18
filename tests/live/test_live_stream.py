"""`segdsl stream` as a real process over stdin/stdout: the protocol, bad lines, --strict,
and a run killed mid-stream and restarted from --state giving exactly the output of an
uninterrupted run."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import edge_data
from replay import entity_updates, event_stream, retail_utc

import segdsl

CORPUS = Path(__file__).parents[1] / "corpus"
SRC = Path(__file__).parents[2] / "src"


def plain(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat() + "Z"
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def input_lines() -> list[str]:
    project = segdsl.load_project(CORPUS)
    out = []
    for entity, key, attrs in entity_updates(edge_data.TABLES, project.catalog):
        item: dict[str, Any] = {
            "profile": key,
            "attributes": {a: plain(v) for a, v in attrs.items()},
        }
        if entity != project.catalog.default_entity:
            item["entity"] = entity
        out.append(json.dumps(item))
    for n, (_, kind, key, stamp, fields, eid) in enumerate(
        event_stream(edge_data.TABLES, project.catalog)
    ):
        item = {"event": kind, "profile": key, "timestamp": plain(stamp), "id": eid}
        fields = {f: plain(v) for f, v in fields.items() if v is not None}
        if fields:
            item["fields"] = fields
        out.append(json.dumps(item))
        if n % 40 == 39:
            out.append(json.dumps(item))  # a repeat: applied once
    out.append(json.dumps({"tick": "2026-09-01T00:00:00Z"}))
    return out


def command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "segdsl", "stream", "-p", str(CORPUS), *extra]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC), "NO_COLOR": "1"}


def run(lines: list[str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(*extra),
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
    )


def test_protocol_and_bad_lines() -> None:
    lines = [
        '{"profile": 1, "attributes": {"age": 30, "country": "US"}}',
        "not json",
        '{"event": "purchse", "profile": 1, "timestamp": "2026-06-01T10:00:00Z"}',
        '{"event": "purchase", "profile": 1, "timestamp": "2026-06-01T10:00:00Z", '
        '"fields": {"amount": 120.5, "status": "paid"}, "id": "o1"}',
        '{"event": "purchase", "profile": 1, "timestamp": "2026-06-01T10:00:00Z", '
        '"fields": {"amount": 120.5, "status": "paid"}, "id": "o1"}',
        '{"profile": 1, "attributes": {"age": "thirty"}}',
        '{"tick": "2026-09-30T00:00:00Z"}',
    ]
    done = run(lines)
    assert done.returncode == 0, done.stderr
    assert "line 2: not valid JSON" in done.stderr
    assert "error[V003]: line 3: no event kind named `purchse`" in done.stderr
    assert "error[V005]: line 6: attribute `age`: expected a whole number" in done.stderr
    assert "Traceback" not in done.stderr
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert {
        "profile": 1,
        "segment": "age_eq",
        "change": "entered",
        "at": "2026-06-01T10:00:00Z",
    } in out
    assert {
        "profile": 1,
        "segment": "big_spender",
        "change": "entered",
        "at": "2026-06-01T10:00:00Z",
    } in out
    # 90 days after the purchase it leaves the window, at that very instant
    assert {
        "profile": 1,
        "segment": "bought_90d",
        "change": "left",
        "at": "2026-08-30T10:00:00Z",
    } in out
    # the repeated id was applied once: one purchase in the last 90 days, not two
    assert not any(c["segment"] == "frequent" for c in out)
    strict = run(lines, "--strict")
    assert strict.returncode == 1
    assert "line 2" in strict.stderr and "line 3" not in strict.stderr


def start(*extra: str) -> tuple[subprocess.Popen[str], list[str]]:
    """A stream process whose output is read as it comes (a full pipe would block it)."""
    proc = subprocess.Popen(
        command(*extra),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env(),
    )
    got: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        got.append(proc.stdout.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    proc.reader = reader  # type: ignore[attr-defined]
    return proc, got


def wait_for_lines(state: Path, n: int) -> None:
    """Until the state file says ``n`` lines were consumed (written when input pauses)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if state.exists() and json.loads(state.read_text())["lines"] == n:
            return
        time.sleep(0.05)
    raise AssertionError("the state was not written")


def test_restart_from_state_gives_the_uninterrupted_output(tmp_path: Path) -> None:
    lines = input_lines()
    whole = run(lines)
    assert whole.returncode == 0, whole.stderr
    assert len(whole.stdout.splitlines()) > 1000
    state = tmp_path / "live.json"
    half = len(lines) // 2
    # 1. kill -9 once the first half is processed (the state is written when input pauses)
    proc, got = start("--state", str(state))
    assert proc.stdin is not None
    proc.stdin.write("\n".join(lines[:half]) + "\n")
    proc.stdin.flush()
    wait_for_lines(state, half)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.reader.join(10)  # type: ignore[attr-defined]
    first = got[0]
    # 2. SIGTERM in the middle of the rest: it stops after a whole line, state written
    proc, got = start("--state", str(state))
    step = half + 10
    quarter = half + (len(lines) - half) // 2
    assert proc.stdin is not None
    proc.stdin.write("\n".join(lines[half:step]) + "\n")
    proc.stdin.flush()
    wait_for_lines(state, step)
    proc.stdin.write("\n".join(lines[step:quarter]) + "\n")
    proc.stdin.flush()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == 143
    proc.reader.join(10)  # type: ignore[attr-defined]
    second = got[0]
    consumed = json.loads(state.read_text())["lines"]
    assert step <= consumed <= quarter
    # 3. the rest, from where the state says the run stopped
    third = run(lines[consumed:], "--state", str(state))
    assert third.returncode == 0, third.stderr
    assert first + second + third.stdout == whole.stdout


def test_backfill_and_state_file_errors(tmp_path: Path) -> None:
    state = tmp_path / "live.json"
    lines = ['{"tick": "2026-09-01T00:00:00Z"}']
    retail = retail_utc(tmp_path)

    def go(*extra: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "segdsl", "stream", "-p", str(retail), *extra]
        return subprocess.run(
            cmd,
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            env=env(),
            timeout=300,
        )

    first = go("--backfill", "--as-of", "2026-06-30", "--state", str(state))
    assert first.returncode == 0, first.stderr
    changes = [json.loads(x) for x in first.stdout.splitlines()]
    # time alone after the warehouse's history: purchases leave their 90-day windows
    assert any(c["segment"] == "active_buyers" and c["change"] == "left" for c in changes)
    assert all("2026-06-30T00:00:00Z" < c["at"] <= "2026-09-01T00:00:00Z" for c in changes)
    again = go("--backfill", "--as-of", "2026-06-30", "--state", str(state))
    assert again.returncode == 1 and "error[V011]" in again.stderr
    other = tmp_path / "other.json"
    other.write_text('{"segdsl_live": 1, "rules": "0000", "clock": null, "profiles": []}')
    bad = go("--state", str(other))
    assert bad.returncode == 1 and "error[V008]" in bad.stderr and "other rules" in bad.stderr
    assert "Traceback" not in bad.stderr + again.stderr
