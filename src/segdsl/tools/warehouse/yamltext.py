"""A small, deterministic YAML writer for dbt's property files: block mappings and
sequences, every string double-quoted as JSON spells it (JSON is YAML), keys in the
order given.

dbt renders most strings of these files as Jinja (``meta`` and ``config`` when it
parses them, descriptions when it builds the docs), so every ``{`` of a string is
written ``{{ '{' }}``, which renders as itself: a rule's text or title can never run
Jinja. Strings meant as Jinja are marked :class:`Jinja` and written as they are."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


class Jinja(str):
    """A string that dbt should render as Jinja (written without escaping)."""


def escape_jinja(text: str) -> str:
    """``text`` as a Jinja template that renders to ``text``."""
    return text.replace("{", "{{ '{' }}")


def _scalar(value: Any) -> str:
    if isinstance(value, Jinja):
        return json.dumps(str(value), ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(escape_jinja(str(value)), ensure_ascii=False)


def _key(key: str) -> str:
    plain = key.replace("_", "").isalnum() and key.isascii() and not key[:1].isdigit()
    return key if plain else json.dumps(key, ensure_ascii=False)


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(v, Mapping | list | tuple) and v:
                out.append(f"{pad}{_key(str(k))}:")
                _emit(v, indent + 1, out)
            else:
                out.append(f"{pad}{_key(str(k))}: {_empty_or_scalar(v)}")
        return
    assert isinstance(value, Sequence) and not isinstance(value, str)
    for item in value:
        if isinstance(item, Mapping) and item:
            lines: list[str] = []
            _emit(item, indent + 1, lines)
            first = lines[0][len(pad) + 2 :]
            out.append(f"{pad}- {first}")
            out.extend(lines[1:])
        elif isinstance(item, list | tuple) and item:
            out.append(f"{pad}-")
            _emit(item, indent + 1, out)
        else:
            out.append(f"{pad}- {_empty_or_scalar(item)}")


def _empty_or_scalar(v: Any) -> str:
    if isinstance(v, Mapping):
        return "{}"
    if isinstance(v, list | tuple):
        return "[]"
    return _scalar(v)


def dump(doc: Mapping[str, Any], comment: str = "") -> str:
    """``doc`` as YAML text, with ``comment`` lines (``# …``) first."""
    out = [f"# {line}".rstrip() for line in comment.splitlines()]
    _emit(doc, 0, out)
    return "\n".join(out) + "\n"
