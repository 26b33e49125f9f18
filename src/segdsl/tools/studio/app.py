"""The studio's HTTP API and static files (Starlette).

Every endpoint answers JSON. A mistake in a request is a 4xx with
``{"error": {"code", "message", "hint"}}``; work on the data runs in worker threads, so
one slow evaluation never holds up the others. See docs/studio.md for the endpoints.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.syntax.parser import MAX_FILE_BYTES
from segdsl.tools.studio.assist import Assist
from segdsl.tools.studio.live import Jobs, evaluate_segment, history_json
from segdsl.tools.studio.workspace import (
    Loaded,
    Workspace,
    diagnostic_json,
    outline,
    studio_error,
    text_hash,
)

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request

STATIC = Path(__file__).parent / "static"
# A request body: one file's text (at most 1 MiB of rules) and a little JSON around it.
MAX_BODY = MAX_FILE_BYTES + 64 * 1024
STATUS = {"P051": 413, "P052": 400, "P053": 400, "P054": 404, "P055": 409, "P056": 415}
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


# Sent with every answer: the page loads only its own files, and no other site may show
# it in a frame (where a click could be stolen to save a file).
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP answer."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *SECURITY_HEADERS]}
            await send(message)

        await self.app(scope, receive, with_headers)


def _error_body(diags: list[Diagnostic]) -> dict[str, Any]:
    first = diags[0]
    return {
        "error": {"code": first.code, "message": first.message, "hint": first.hint},
        "diagnostics": [diagnostic_json(d) for d in diags],
    }


async def _json_body(request: Request) -> dict[str, Any]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        # Also what keeps other web sites out: a cross-site form cannot send JSON
        # without the browser asking first, and the studio never says yes.
        raise studio_error("P056", "send the request as JSON (Content-Type: application/json)")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise studio_error("P051", f"the request is larger than {MAX_BODY:,} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise studio_error("P051", f"the request is larger than {MAX_BODY:,} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise studio_error("P052", f"the request is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise studio_error("P052", "the request must be a JSON object")
    return data


def _str(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise studio_error("P052", f"`{key}` must be a string")
    return value


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise studio_error("P052", f"`{key}` must be a string")
    return value


def _as_of(data: dict[str, Any], zone: str = "UTC") -> Any:
    """The request's as-of; without an offset it is read in ``zone``, the project's time
    zone, as `segdsl eval --as-of` reads it."""
    from segdsl.semantic.timecalc import parse_as_of

    text = _opt_str(data, "as_of")
    return parse_as_of(text, zone) if text else None


def vocabulary(project: Project) -> dict[str, Any]:
    """What completion offers: keywords, attributes, events and their fields, measures
    and segments, with types and docs."""
    from segdsl.syntax.parser import KEYWORDS

    cat = project.catalog
    return {
        "keywords": sorted(
            KEYWORDS
            | {
                "segment",
                "measure",
                "where",
                "count",
                "sum",
                "avg",
                "min",
                "max",
                "top",
                "bottom",
                "by",
                "days",
                "weeks",
                "months",
                "years",
                "hours",
                "did",
                "true",
                "false",
            }
        ),
        "default_entity": cat.default_entity,
        "entities": {
            name: {
                "key": e.key,
                "attributes": [
                    {"name": a.name, "type": a.type.value, "column": a.column}
                    for a in e.attributes.values()
                ],
            }
            for name, e in cat.entities.items()
        },
        "events": {
            name: {
                "entity": e.entity,
                "fields": [
                    {"name": f.name, "type": f.type.value, "column": f.column}
                    for f in e.fields.values()
                ],
            }
            for name, e in cat.events.items()
        },
        "measures": [{"name": m.name, "entity": m.entity} for m in project.measures.values()],
        "segments": [
            {"name": s.name, "entity": s.entity, "title": s.title}
            for s in project.segments.values()
        ],
    }


def create_app(root: Path, *, allowed_hosts: list[str] | None = None) -> Starlette:
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import FileResponse, JSONResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    ws = Workspace(root)
    assist = Assist(ws.root)
    jobs = Jobs()

    def endpoint(
        fn: Callable[[Request], Awaitable[Any]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            try:
                return JSONResponse(await fn(request))
            except SegdslError as exc:
                status = STATUS.get(exc.diagnostics[0].code, 400)
                return JSONResponse(_error_body(exc.diagnostics), status_code=status)
            except Exception as exc:  # a bug: say so, keep serving
                logging.getLogger("segdsl.studio").exception("request failed")
                diag = Diagnostic("P059", f"the studio failed: {type(exc).__name__}: {exc}")
                return JSONResponse(_error_body([diag]), status_code=500)

        return handle

    def check_text(data: dict[str, Any]) -> tuple[str, str, None]:
        path = _str(data, "path")
        text = _str(data, "text")
        ws.resolve(path)
        if len(text.encode("utf-8")) > MAX_FILE_BYTES:
            raise studio_error("P051", f"`{path}` is larger than 1 MiB")
        return path, text, None

    def load(data: dict[str, Any]) -> tuple[str, str, Loaded]:
        path, text, _ = check_text(data)
        return path, text, ws.load({path: text})

    async def project_info(request: Request) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            assist.refresh()
            loaded = ws.load()
            out: dict[str, Any] = {
                "name": ws.name,
                "files": ws.files(),
                "outline": [o.to_json() for o in outline(loaded.modules)],
                "problems": [diagnostic_json(d) for d in loaded.errors],
                "dialects": _dialects(),
            }
            if loaded.project is not None:
                out["vocabulary"] = vocabulary(loaded.project)
                out["dialect"] = loaded.project.catalog.dialect
            return out

        return await run_in_threadpool(work)

    async def read_file(request: Request) -> dict[str, Any]:
        path = request.query_params.get("path", "")
        text = await run_in_threadpool(ws.read, path)
        return {"path": path, "text": text, "hash": text_hash(text)}

    async def check(request: Request) -> dict[str, Any]:
        data = await _json_body(request)

        def work() -> dict[str, Any]:
            as_of = _as_of(data)  # a bad as-of is a bad request, whatever the rule
            path, text, loaded = load(data)
            # Problems as the language server reports them (segdsl.tools.editing).
            here, elsewhere = assist.findings(path, text)
            sql: str | None = None
            sql_error: dict[str, Any] | None = None
            vocab = None
            if loaded.project is not None:
                vocab = vocabulary(loaded.project)
                segment = _opt_str(data, "segment")
                if segment and segment in loaded.project.segments:
                    as_of = _as_of(data, loaded.project.catalog.timezone)
                    dialect = _opt_str(data, "dialect")
                    try:
                        sql = loaded.project.compile(segment, dialect, as_of)
                    except SegdslError as exc:
                        sql_error = _error_body(exc.diagnostics)["error"]
            return {
                "path": path,
                "ok": loaded.project is not None,
                "diagnostics": here,
                "elsewhere": elsewhere,
                "outline": [o.to_json() for o in outline(loaded.modules) if o.path == path],
                "sql": sql,
                "sql_error": sql_error,
                "vocabulary": vocab,
            }

        return await run_in_threadpool(work)

    def place(data: dict[str, Any]) -> tuple[str, str, int, int]:
        line, character = data.get("line"), data.get("character")
        if not (
            isinstance(line, int)
            and isinstance(character, int)
            and not isinstance(line, bool)
            and not isinstance(character, bool)
            and line >= 0
            and character >= 0
        ):
            raise studio_error("P052", "`line` and `character` must be whole numbers from 0")
        path, text, _ = check_text(data)
        return path, text, line, character

    async def complete(request: Request) -> dict[str, Any]:
        data = await _json_body(request)
        return await run_in_threadpool(lambda: {"items": assist.complete(*place(data))})

    async def hover(request: Request) -> dict[str, Any]:
        data = await _json_body(request)
        return await run_in_threadpool(lambda: {"hover": assist.hover(*place(data))})

    async def evaluate(request: Request) -> dict[str, Any]:
        data = await _json_body(request)
        channel = _str(data, "channel", "default")
        seq = data.get("seq", 0)
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise studio_error("P052", "`seq` must be a whole number")
        segment = _str(data, "segment")
        job = jobs.start(channel, seq)

        def work() -> dict[str, Any]:
            def run(job_: Any) -> dict[str, Any]:
                _path, _text, loaded = load(data)
                if loaded.project is None:
                    raise SegdslError(loaded.errors)
                seg = loaded.project.segment(segment)
                as_of = _as_of(data, loaded.project.catalog.timezone)
                out = evaluate_segment(job_, loaded.project, seg, as_of)
                out["seq"] = seq
                return out

            return jobs.run(job, run)

        return await run_in_threadpool(work)

    async def history(request: Request) -> dict[str, Any]:
        segment = request.query_params.get("segment", "")
        if not segment:
            raise studio_error("P052", "give the segment: /api/history?segment=NAME")

        def work() -> dict[str, Any]:
            loaded = ws.load()
            if loaded.project is None:
                return {
                    "segment": segment,
                    "points": [],
                    "message": "the project has errors; fix them to see its history",
                }
            return history_json(loaded.project, segment)

        return await run_in_threadpool(work)

    async def profile(request: Request) -> dict[str, Any]:
        """Who is in the segment against the whole entity (segdsl profile's JSON)."""
        segment = request.query_params.get("segment", "")
        if not segment:
            raise studio_error("P052", "give the segment: /api/profile?segment=NAME")
        as_of_text = request.query_params.get("as_of") or None

        def work() -> dict[str, Any]:
            from segdsl.tools.measure.profile import profile as profile_of

            loaded = ws.load()
            if loaded.project is None:
                return {
                    "segment": segment,
                    "message": "the project has errors; fix them to see its profile",
                }
            # An as-of without an offset is read in the project's time zone.
            as_of = loaded.project.as_of(as_of_text)
            out: dict[str, Any] = profile_of(loaded.project, segment, as_of=as_of).to_json()
            return out

        return await run_in_threadpool(work)

    async def diff(request: Request) -> dict[str, Any]:
        data = await _json_body(request)
        return await run_in_threadpool(ws.diff, _str(data, "path"), _str(data, "text"))

    async def save(request: Request) -> dict[str, Any]:
        data = await _json_body(request)
        saved = await run_in_threadpool(
            ws.save, _str(data, "path"), _str(data, "text"), _opt_str(data, "hash")
        )
        await run_in_threadpool(assist.refresh)
        return saved

    async def status(request: Request) -> dict[str, Any]:
        return {"project": ws.name, "obsolete_evaluations": jobs.cancelled}

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = "P054" if exc.status_code == 404 else "P052"
        return JSONResponse(
            {"error": {"code": code, "message": str(exc.detail), "hint": ""}},
            status_code=exc.status_code,
        )

    routes = [
        Route("/", index),
        Route("/favicon.ico", favicon),
        Route("/api/project", endpoint(project_info)),
        Route("/api/file", endpoint(read_file)),
        Route("/api/check", endpoint(check), methods=["POST"]),
        Route("/api/complete", endpoint(complete), methods=["POST"]),
        Route("/api/hover", endpoint(hover), methods=["POST"]),
        Route("/api/evaluate", endpoint(evaluate), methods=["POST"]),
        Route("/api/history", endpoint(history)),
        Route("/api/profile", endpoint(profile)),
        Route("/api/diff", endpoint(diff), methods=["POST"]),
        Route("/api/save", endpoint(save), methods=["POST"]),
        Route("/api/status", endpoint(status)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or ["*"]),
    ]
    return Starlette(
        routes=routes, middleware=middleware, exception_handlers={HTTPException: http_error}
    )


def _dialects() -> list[str]:
    from segdsl.catalog.dialect_names import KNOWN_DIALECTS

    return sorted(KNOWN_DIALECTS)
