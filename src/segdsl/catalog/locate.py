"""Where a TOML key path is in the text of ``segdsl.toml``, and the diagnostic that
points there (every catalog message, from the catalog loader, the command-owned sections
and the engines' settings)."""

from __future__ import annotations

import re
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from segdsl.diagnostics import Diagnostic, Source, Span


def _locate(text: str, loc: tuple[str, ...]) -> tuple[int, int, int]:
    """Best-effort line, column and width of a key path in TOML text (1-based)."""
    lines = text.splitlines()
    header_re = re.compile(r"\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
    best = (1, 1, 1)
    # The longest prefix of the path that is a table header, then the key inside it.
    for cut in range(len(loc), 0, -1):
        header = ".".join(loc[:cut])
        for i, line in enumerate(lines):
            m = header_re.match(line)
            if m and m.group(1).replace(" ", "") == header:
                best = (i + 1, line.index("[") + 1, len(line.strip()))
                if cut == len(loc):
                    return best
                key = loc[cut]
                for j in range(i + 1, len(lines)):
                    if header_re.match(lines[j]):
                        break
                    km = re.match(rf"\s*(\"?{re.escape(key)}\"?)\s*=", lines[j])
                    if km:
                        return (j + 1, km.start(1) + 1, len(km.group(1)))
                return best
    return best


def catalog_error(
    source: Source, loc: tuple[str, ...], message: str, hint: str, code: str = "C001"
) -> Diagnostic:
    line, col, width = _locate(source.text, loc)
    span = Span(source, line, col, line, col + width)
    keypath = ".".join(loc)
    return Diagnostic(code, message, span, label=f"at `{keypath}`" if keypath else "", hint=hint)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (itself, an optional one, a dict's values)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def keys_at(root: type[BaseModel], path: tuple[str, ...]) -> list[str]:
    """The keys the model ``root`` allows at a table path (for a did-you-mean)."""
    model: type[BaseModel] | None = root
    dict_key = False  # the part is a name under a dict (`entity.NAME`)
    for part in path:
        if model is None:
            return []
        if dict_key:
            dict_key = False
            continue
        info = model.model_fields.get(part)
        if info is None:
            return []
        dict_key = get_origin(info.annotation) is dict
        model = _model_in(info.annotation)
    return list(model.model_fields) if model is not None and not dict_key else []
