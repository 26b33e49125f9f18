"""``segdsl serve``: live segments over HTTP (Starlette on uvicorn, extra ``live``).

- ``POST /v1/events``: a JSON array of input objects (the stream protocol's lines; one
  object is accepted too); answers ``{"changes": [...]}``. A bad object answers 400 with
  its index: the objects before it are applied, it and those after it are not.
- ``GET /v1/profiles/{key}[?entity=E]``: ``{"profile": key, "segments": [...]}``.
- ``GET /v1/health``: the clock, the number of profiles and of live segments.
- ``POST /v1/cutoffs``: refresh the rankings' cut-offs from the warehouse (SQL).

With a webhook URL every batch of changes is also POSTed there, in order, and retried
with exponential backoff when a delivery fails (``webhook.py``); ``/v1/health`` counts
the batches delivered, failed and pending.

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
from segdsl.tools.live.webhook import Webhook

SAVE_EVERY = 1.0  # seconds: the state file is written at most this often


def missing_extra() -> SegdslError:
    return SegdslError(
        Diagnostic(
            "V012",
            "segdsl serve needs Starlette and uvicorn",
            hint="pip install 'segdsl[live]'",
        )
    )


def build_app(
    live: LiveEvaluator,
    state: Path | None = None,
    max_body: int = 1 << 20,
    webhook: str | Webhook | None = None,
) -> Any:
    """The ASGI application (Starlette). With ``webhook`` (a URL, or a
    :class:`~segdsl.tools.live.webhook.Webhook` with its retry settings), every batch of
    changes is also POSTed there as ``{"changes": [...]}``, in order, after the answer,
    retried when it fails."""
    try:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route
    except ImportError:
        raise missing_extra() from None

    lock = asyncio.Lock()
    saved = {"at": time.monotonic(), "dirty": False}
    hook = Webhook(webhook) if isinstance(webhook, str) else webhook

    def notify(changes: list[dict[str, Any]]) -> None:
        if hook is not None:
            hook.put(changes)

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
        answer: dict[str, Any] = {
            "status": "ok",
            "clock": None if live.clock is None else iso(live.clock),
            "profiles": len(live.profiles),
            "segments": {m: modes.count(m) for m in ("exact", "batch cut-offs", "not live")},
        }
        if hook is not None:
            answer["webhook"] = hook.counts()
        return JSONResponse(answer)

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
        worker = asyncio.create_task(hook.run()) if hook is not None else None
        yield
        if hook is not None and worker is not None:
            await hook.close(worker)
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
    webhook_retries: int = 4,
    webhook_backoff: float = 0.5,
) -> None:
    """Listen on ``host:port`` (port 0: any free port) until SIGINT/SIGTERM; prints the
    address it listens on to stderr. A failed webhook delivery is tried again up to
    ``webhook_retries`` times, after ``webhook_backoff`` seconds, then twice as long…"""
    try:
        import uvicorn
    except ImportError:
        raise missing_extra() from None
    if webhook is not None and not webhook.startswith(("http://", "https://")):
        raise SegdslError(
            Diagnostic("V015", f"the webhook `{webhook}` is not an http:// or https:// URL")
        )
    hook = None if webhook is None else Webhook(webhook, webhook_retries, webhook_backoff)
    app = build_app(live, state, max_body, hook)
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
