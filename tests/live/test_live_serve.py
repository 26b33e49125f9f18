"""`segdsl serve` as a real server: a process on a free port, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).parents[1] / "corpus"
SRC = Path(__file__).parents[2] / "src"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        if os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1":
            raise
        pytest.skip("the live extra is not installed: pip install 'segdsl[live]'")
    procs = []

    def start(*extra: str) -> str:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "segdsl",
                "serve",
                "-p",
                str(CORPUS),
                "--port",
                "0",
                "--state",
                str(tmp_path / "live.json"),
                "--max-body",
                "2000",
                *extra,
            ],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(SRC)},
        )
        procs.append(proc)
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "listening on http://127.0.0.1:" in line, line
        return line.strip().rsplit(" ", 1)[-1]

    def stop() -> int:
        proc = procs[-1]
        proc.send_signal(signal.SIGTERM)
        return proc.wait(timeout=30)

    yield start, stop
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def call(url: str, body: Any = None, raw: bytes | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    req.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_serve_over_http(server: Any) -> None:
    start, stop = server
    base = start()
    status, health = call(base + "/v1/health")
    assert status == 200 and health["status"] == "ok" and health["segments"]["exact"] > 150
    status, answer = call(
        base + "/v1/events",
        [
            {"profile": 7, "attributes": {"age": 30, "country": "US"}},
            {
                "event": "purchase",
                "profile": 7,
                "timestamp": "2026-06-01T10:00:00Z",
                "fields": {"amount": 150, "status": "paid"},
                "id": "o1",
            },
        ],
    )
    assert status == 200
    assert {
        "profile": 7,
        "segment": "big_spender",
        "change": "entered",
        "at": "2026-06-01T10:00:00Z",
    } in answer["changes"]
    status, answer = call(base + "/v1/events", {"tick": "2026-08-30T10:00:00Z"})
    assert {
        "profile": 7,
        "segment": "bought_90d",
        "change": "left",
        "at": "2026-08-30T10:00:00Z",
    } in answer["changes"]
    status, prof = call(base + "/v1/profiles/7")
    assert status == 200 and prof["profile"] == 7
    assert "age_eq" in prof["segments"] and "bought_90d" not in prof["segments"]
    # bad input: 400 with a message, never a traceback; the objects before it are applied
    status, err = call(base + "/v1/events", raw=b"[{")
    assert status == 400 and err["error"]["code"] == "V001"
    status, err = call(
        base + "/v1/events",
        [
            {"profile": 8, "attributes": {"age": 41}},
            {"event": "nope", "profile": 8, "timestamp": "2026-09-01"},
        ],
    )
    assert status == 400 and err["error"]["index"] == 1 and "nope" in err["error"]["message"]
    status, err = call(base + "/v1/events", raw=b"[" + b" " * 3000 + b"]")
    assert status == 413
    status, err = call(base + "/v1/profiles/999")
    assert status == 404
    assert stop() == 143  # stopped by SIGTERM, after a graceful shutdown
    # the state survives a restart
    base = start()
    status, prof = call(base + "/v1/profiles/7")
    assert status == 200 and "age_eq" in prof["segments"]
    status, prof = call(base + "/v1/profiles/8")
    assert status == 200 and "age_gt" in prof["segments"]
    assert stop() == 143  # stopped by SIGTERM, after a graceful shutdown


def test_webhook_receives_every_change_in_order(server: Any) -> None:
    import http.server
    import queue
    import threading

    received: queue.Queue[Any] = queue.Queue()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.put(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        start, stop = server
        base = start("--webhook", f"http://127.0.0.1:{hook.server_address[1]}/changes")
        answers = []
        for body in (
            [{"profile": 5, "attributes": {"age": 30}}],
            {
                "event": "purchase",
                "profile": 5,
                "timestamp": "2026-06-01T10:00:00Z",
                "fields": {"amount": 150, "status": "paid"},
            },
            {"tick": "2026-09-01T00:00:00Z"},
        ):
            status, answer = call(base + "/v1/events", body)
            assert status == 200
            answers.append(answer)
        delivered = [received.get(timeout=30) for a in answers if a["changes"]]
        assert delivered == [a for a in answers if a["changes"]]
        assert stop() == 143
    finally:
        hook.shutdown()
