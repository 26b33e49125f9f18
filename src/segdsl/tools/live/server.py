"""``segdsl serve``: live segments over HTTP (Starlette on uvicorn, extra ``live``).

- ``POST /v1/events``: a JSON array of input objects (the stream protocol's lines; one
  object is accepted too); answers ``{"changes": [...]}``. A bad object answers 400 with
  its index: the objects before it are applied, it and those after it are not.
- ``GET /v1/profiles/{key}[?entity=E]``: ``{"profile": key, "segments": [...]}``.
- ``GET /v1/health``: the clock, the number of profiles and of live segments.
- ``POST /v1/cutoffs``: refresh the rankings' cut-offs from the warehouse (SQL).

With a webhook URL every batch of changes is also POSTed there, in order.

Safe by default: it listens on 127.0.0.1, refuses bodies over ``max_body`` bytes (413),
answers bad input with 400 and a message, and keeps the state file (when given)
written atomically after changes (at most once a second) and at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.tools.live.evaluator import LiveEvaluator
from segdsl.tools.live.persist import save
from segdsl.tools.live.protocol import apply, change_json, parse_json
from segdsl.tools.live.times import iso

SAVE_EVERY = 1.0  # seconds: the state file is written at most this often


def missing_extra() -> SegdslError:
    return SegdslError(
        Diagnostic(
            "V012",
            "segdsl serve needs Starlette and uvicorn",
            hint="pip install 'segdsl[live]'",
        )
    )


def post_json(url: str, payload: dict[str, Any], timeout: float = 5.0) -> None:
    """POST ``payload`` as JSON (a webhook); errors are reported on stderr, not raised."""
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"segdsl serve: webhook {url} failed: {exc}", file=sys.stderr, flush=True)


def build_app(
    live: LiveEvaluator,
    state: Path | None = None,
    max_body: int = 1 << 20,
    webhook: str | None = None,
) -> Any:
    """The ASGI application (Starlette). With ``webhook``, every batch of changes is
    also POSTed there as ``{"changes": [...]}``, in order, after the answer."""
    try:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route
    except ImportError:
        raise missing_extra() from None

    lock = asyncio.Lock()
    saved = {"at": time.monotonic(), "dirty": False}
    outbox: asyncio.Queue[list[dict[str, Any]] | None] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            batch = await outbox.get()
            if batch is None:
                return
            assert webhook is not None
            await asyncio.to_thread(post_json, webhook, {"changes": batch})

    def notify(changes: list[dict[str, Any]]) -> None:
        if webhook and changes:
            outbox.put_nowait(changes)

    def error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
        return JSONResponse(
            {"error": {"code": code, "message": message, **extra}}, status_code=status
        )

    def persist(force: bool = False) -> None:
        if state is None or not saved["dirty"]:
            return
        if force or time.monotonic() - float(saved["at"]) >= SAVE_EVERY:
            live.compact()
            save(live, state)
            saved["at"], saved["dirty"] = time.monotonic(), False

    async def read_body(request: Request) -> bytes | None:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > max_body):
            return None
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                return None
        return body

    async def events(request: Request) -> JSONResponse:
        body = await read_body(request)
        if body is None:
            return error(413, "V013", f"the request body is larger than {max_body:,} bytes")
        try:
            items = parse_json(body.decode("utf-8"))
        except UnicodeDecodeError:
            return error(400, "V001", "the request body is not UTF-8 text")
        except SegdslError as exc:
            return error(400, exc.diagnostics[0].code, exc.diagnostics[0].message)
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            return error(400, "V002", "the body is a JSON array of input objects")
        changes: list[dict[str, Any]] = []
        async with lock:
            for i, item in enumerate(items):
                try:
                    found = apply(live, item)
                except SegdslError as exc:
                    d = exc.diagnostics[0]
                    saved["dirty"] = saved["dirty"] or i > 0
                    persist()
                    notify(changes)
                    return error(
                        400, d.code, d.message, hint=d.hint, index=i, applied=i, changes=changes
                    )
                changes += [change_json(live, c) for c in found]
            saved["dirty"] = True
            persist()
            notify(changes)
        return JSONResponse({"changes": changes})

    async def profile(request: Request) -> JSONResponse:
        raw = request.path_params["key"]
        entity = request.query_params.get("entity") or live.catalog.default_entity
        if entity not in live.catalog.entities:
            return error(400, "V004", f"no entity named `{entity}`")
        async with lock:
            for key in _candidates(raw):
                if (entity, key) in live.profiles:
                    return JSONResponse({"profile": key, "segments": live.members(key, entity)})
        return error(404, "V007", f"no profile `{raw}` of `{entity}` has been seen")

    async def health(request: Request) -> JSONResponse:
        modes = [p.mode for p in live.plans]
        return JSONResponse(
            {
                "status": "ok",
                "clock": None if live.clock is None else iso(live.clock),
                "profiles": len(live.profiles),
                "segments": {m: modes.count(m) for m in ("exact", "batch cut-offs", "not live")},
            }
        )

    async def cutoffs(request: Request) -> JSONResponse:
        from segdsl.tools.live.cutoffs import refresh_cutoffs

        async with lock:
            try:
                found = await asyncio.to_thread(refresh_cutoffs, live)
            except SegdslError as exc:
                return error(400, exc.diagnostics[0].code, exc.diagnostics[0].message)
            saved["dirty"] = True
            persist()
            answer = [change_json(live, c) for c in found]
            notify(answer)
        return JSONResponse({"changes": answer})

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        worker = asyncio.create_task(deliver()) if webhook else None
        yield
        if worker is not None:
            outbox.put_nowait(None)
            await worker
        persist(force=True)

    return Starlette(
        routes=[
            Route("/v1/events", events, methods=["POST"]),
            Route("/v1/profiles/{key}", profile, methods=["GET"]),
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/cutoffs", cutoffs, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


def _candidates(raw: str) -> list[Any]:
    out: list[Any] = [raw]
    if raw.lstrip("-").isdigit():
        out.insert(0, int(raw))
    return out


def serve(
    live: LiveEvaluator,
    host: str,
    port: int,
    state: Path | None = None,
    max_body: int = 1 << 20,
    webhook: str | None = None,
) -> None:
    """Listen on ``host:port`` (port 0: any free port) until SIGINT/SIGTERM; prints the
    address it listens on to stderr."""
    try:
        import uvicorn
    except ImportError:
        raise missing_extra() from None
    if webhook is not None and not webhook.startswith(("http://", "https://")):
        raise SegdslError(
            Diagnostic("V015", f"the webhook `{webhook}` is not an http:// or https:// URL")
        )
    app = build_app(live, state, max_body, webhook)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise SegdslError(
            Diagnostic("V014", f"cannot listen on {host}:{port}: {exc.strerror}")
        ) from None
    sock.listen(128)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    print(f"segdsl serve: listening on http://{shown}:{bound}", file=sys.stderr, flush=True)
    server.run(sockets=[sock])
