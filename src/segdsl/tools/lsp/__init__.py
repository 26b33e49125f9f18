"""`segdsl lsp`: the language server (needs the `lsp` extra: pygls, lsprotocol).

>>> from segdsl.tools.lsp import serve
>>> serve()  # on stdin/stdout
"""

from __future__ import annotations

from segdsl.diagnostics import Diagnostic, SegdslError


def serve() -> None:
    """Run the language server on stdio. Raises :class:`SegdslError` (P001) when the
    `lsp` extra is not installed."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        raise SegdslError(
            Diagnostic(
                "P001",
                "the language server needs pygls and lsprotocol",
                hint="pip install 'segdsl[lsp]'",
            )
        ) from None
    from .server import run

    run()
