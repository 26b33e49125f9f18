"""`segdsl serve --webhook`: deliveries retried with backoff, in order, counted in
/v1/health — a real server process and a real HTTP receiver (http.server on port 0)."""

from __future__ import annotations

import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).parents[1] / "corpus"
SRC = Path(__file__).parents[2] / "src"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

BATCHES: list[Any] = [
    [{"tick": "2026-05-01T00:00:00Z"}, {"profile": 5, "attributes": {"age": 30}}],
    {
        "event": "purchase",
        "profile": 5,
        "timestamp": "2026-06-01T10:00:00Z",
        "fields": {"amount": 150, "status": "paid"},
    },
    {"tick": "2026-09-01T00:00:00Z"},
]


class Receiver:
    """A webhook receiver: ``answer(n)`` gives the HTTP status of the n-th request
    (1, 2, …; 0: an answer that is not HTTP); every request is recorded, the accepted
    ones apart."""

    def __init__(self, answer: Callable[[int], int]) -> None:
        self.requests: list[tuple[int, Any]] = []  # (Segdsl-Batch, body) of every request
        self.accepted: list[tuple[int, Any]] = []
        lock = threading.Lock()
        outer = self

        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                item = (int(self.headers["Segdsl-Batch"]), body)
                with lock:
                    outer.requests.append(item)
                    status = answer(len(outer.requests))
                    if 0 < status < 300:
                        outer.accepted.append(item)
                if status == 0:
                    self.wfile.write(b"nonsense\r\n\r\n")
                    self.close_connection = True
                    return
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/changes"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[str, subprocess.Popen[str]]]]:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        if os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1":
            raise
        pytest.skip("the live extra is not installed: pip install 'segdsl[live]'")
    procs: list[subprocess.Popen[str]] = []

    def start(*extra: str) -> tuple[str, subprocess.Popen[str]]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "segdsl", "serve", "-p", str(CORPUS), "--port", "0", *extra],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(SRC)},
        )
        procs.append(proc)
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "listening on http://127.0.0.1:" in line, line
        return line.strip().rsplit(" ", 1)[-1], proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def call(url: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    req.add_header("Content-Type", "application/json")
    try:
        with OPENER.open(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def settled(base: str, timeout: float = 30) -> dict[str, int]:
    """The webhook counts of /v1/health once nothing is pending."""
    deadline = time.monotonic() + timeout
    while True:
        status, health = call(base + "/v1/health")
        assert status == 200 and health["status"] == "ok"
        counts: dict[str, int] = health["webhook"]
        if counts["pending"] == 0 or time.monotonic() > deadline:
            return counts
        time.sleep(0.05)


def post_all(base: str) -> list[Any]:
    answers = []
    for body in BATCHES:
        status, answer = call(base + "/v1/events", body)
        assert status == 200
        answers.append(answer)
    with_changes = [a for a in answers if a["changes"]]
    assert len(with_changes) == 3
    return with_changes


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 143
    assert proc.stderr is not None
    return proc.stderr.read()


@pytest.mark.parametrize("failures", [1, 2, 4])
def test_retries_deliver_every_batch_once_in_order(serve: Any, failures: int) -> None:
    """The first ``failures`` requests get HTTP 500 (the first batch is retried while
    the others wait behind it); then every batch arrives once, in order."""
    hook = Receiver(lambda n: 500 if n <= failures else 204)
    try:
        base, proc = serve("--webhook", hook.url, "--webhook-backoff", "0.05")
        answers = post_all(base)
        assert settled(base) == {"delivered": 3, "failed": 0, "pending": 0}
        assert hook.accepted == [(i + 1, a) for i, a in enumerate(answers)]
        # the failed attempts were the first batch, sent again with the same number
        assert [b for b, _ in hook.requests] == [1] * (failures + 1) + [2, 3]
        assert "webhook" not in stop(proc)
    finally:
        hook.close()


def test_an_answer_that_is_not_http_is_retried(serve: Any) -> None:
    hook = Receiver(lambda n: 0 if n <= 2 else 200)
    try:
        base, proc = serve("--webhook", hook.url, "--webhook-backoff", "0.05")
        answers = post_all(base)
        assert settled(base) == {"delivered": 3, "failed": 0, "pending": 0}
        assert hook.accepted == [(i + 1, a) for i, a in enumerate(answers)]
        assert [b for b, _ in hook.requests] == [1, 1, 1, 2, 3]
        stop(proc)
    finally:
        hook.close()


def test_a_batch_failing_every_time_is_counted_and_the_next_goes_on(serve: Any) -> None:
    """Batch 1 fails every attempt (HTTP 503): given up after 1 + 2 retries, logged,
    counted; batches 2 and 3 are delivered after it, in order."""
    hook = Receiver(lambda n: 503 if n <= 3 else 200)
    try:
        base, proc = serve(
            "--webhook", hook.url, "--webhook-retries", "2", "--webhook-backoff", "0.05"
        )
        answers = post_all(base)
        assert settled(base) == {"delivered": 2, "failed": 1, "pending": 0}
        assert hook.accepted == [(2, answers[1]), (3, answers[2])]
        err = stop(proc)
        assert f"webhook {hook.url}: batch 1 (" in err
        assert "not delivered after 3 attempt(s): HTTP 503" in err
    finally:
        hook.close()


def test_a_refusal_is_not_retried(serve: Any) -> None:
    """HTTP 400: the receiver refuses the batch; trying again cannot help."""
    hook = Receiver(lambda n: 400)
    try:
        base, proc = serve("--webhook", hook.url, "--webhook-backoff", "0.05")
        post_all(base)
        assert settled(base) == {"delivered": 0, "failed": 3, "pending": 0}
        assert [b for b, _ in hook.requests] == [1, 2, 3]
        assert stop(proc).count("not delivered after 1 attempt(s): HTTP 400") == 3
    finally:
        hook.close()


def test_a_webhook_that_is_down_does_not_stop_the_service(serve: Any) -> None:
    """Nothing listens at the webhook's port (connection refused): every batch fails
    after its retries, and the service keeps answering meanwhile."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/changes"
    base, proc = serve("--webhook", url, "--webhook-retries", "3", "--webhook-backoff", "0.2")
    started = time.monotonic()
    post_all(base)
    # answering did not wait for the deliveries (3 batches × 1.4 s of backoff each)
    assert time.monotonic() - started < 3
    status, health = call(base + "/v1/health")
    assert status == 200 and health["webhook"]["pending"] >= 1
    status, prof = call(base + "/v1/profiles/5")
    assert status == 200 and "age_eq" in prof["segments"]
    assert settled(base) == {"delivered": 0, "failed": 3, "pending": 0}
    err = stop(proc)
    assert err.count("not delivered after 4 attempt(s)") == 3
    assert "Connection refused" in err or "refused" in err.lower()


def test_batches_waiting_at_shutdown_get_one_attempt(serve: Any) -> None:
    """SIGTERM while batches wait behind a failing one: each gets one more attempt,
    the shutdown is not held up by the backoff, nothing is lost silently."""
    hook = Receiver(lambda n: 500)
    try:
        base, proc = serve(
            "--webhook", hook.url, "--webhook-retries", "10", "--webhook-backoff", "5"
        )
        post_all(base)
        t0 = time.monotonic()
        err = stop(proc)
        assert time.monotonic() - t0 < 4.5  # the 5 s backoff wait ended at once
        # batch 1: its first attempt, then one more at shutdown; 2 and 3: one each
        assert err.count("not delivered after") == 3
        assert sorted({b for b, _ in hook.requests}) == [1, 2, 3]
    finally:
        hook.close()
