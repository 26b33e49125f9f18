"""`segdsl studio`: a local web app to edit a project's rules and see, as they are
typed, the problems, the size, the waterfall, members, overlaps, SQL and history.

>>> from segdsl.tools.studio import serve
>>> serve("examples/retail", port=0, open_browser=False)  # runs until Ctrl-C

The server is Starlette on uvicorn (``pip install 'segdsl[studio]'``); the front end is
a small bundle in ``static/`` built from ``web/`` (CodeMirror 6, esbuild).
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from segdsl.diagnostics import Diagnostic, SegdslError

DEFAULT_PORT = 8765


def require_extra() -> None:
    """P050 when the `studio` extra is not installed."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise SegdslError(
            Diagnostic(
                "P050",
                "segdsl studio needs Starlette and uvicorn",
                hint="pip install 'segdsl[studio]'",
            )
        ) from None


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or P057 in the reader's words (port taken, bad host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise SegdslError(
            Diagnostic(
                "P057",
                f"cannot listen on {host}: {exc.strerror}",
                hint="use --host 127.0.0.1 (the default)",
            )
        ) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        taken = exc.errno == errno.EADDRINUSE
        raise SegdslError(
            Diagnostic(
                "P057",
                f"port {port} on {host} is already in use"
                if taken
                else f"cannot listen on {host}:{port}: {exc.strerror}",
                hint="choose another with --port (--port 0 picks a free one)",
            )
        ) from None
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    project: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve the studio of ``project`` until interrupted."""
    require_extra()
    import uvicorn

    from segdsl.tools.studio.app import LOOPBACK, create_app

    root = Path(project)
    if not root.is_dir():
        raise SegdslError(
            Diagnostic(
                "U010",
                f"no such folder: {root}",
                path=str(root),
                hint="pass the project folder with -p, e.g. -p examples/retail",
            )
        )
    allowed = list(LOOPBACK) if host in LOOPBACK else None
    if allowed is None:
        print(
            f"warning: listening on {host}: anyone who can reach this port can read and "
            "change the project's rule files (there is no account)",
            file=sys.stderr,
            flush=True,
        )
    app = create_app(root, allowed_hosts=allowed)
    sock = bind(host, port)
    url = url_of(sock)
    (announce or _print)(url)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _print(url: str) -> None:
    print(f"segdsl studio: {url}  (Ctrl-C stops it)", flush=True)
    sys.stdout.flush()
