"""Locating and loading the Lark grammar that ships inside the package."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lark import Lark

_HERE = Path(__file__).resolve().parent
# In a wheel the grammar sits inside the package; in a source checkout (an editable
# install or tests run from the tree) it is the repository's grammar/ folder.
_CANDIDATES = (
    _HERE.parent / "grammar" / "segdsl.lark",
    _HERE.parents[2] / "grammar" / "segdsl.lark",
)


def grammar_path() -> Path:
    for path in _CANDIDATES:
        if path.is_file():
            return path
    raise FileNotFoundError("segdsl.lark not found; the segdsl installation is incomplete")


@cache
def lark_parser() -> Lark:
    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        # The LALR tables are cached in the temp folder, keyed by the grammar's hash:
        # this halves the cold start of `segdsl check`.
        cache=True,
    )
