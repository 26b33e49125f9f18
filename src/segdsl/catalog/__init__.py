"""The catalog: ``segdsl.toml`` read and validated into entities, events, their typed columns
and sources (``model``); the tables other commands own, checked at load (``sections``);
where a key is in the file's text (``locate``); the logical types (``types``) and the SQL
dialect names it accepts (``dialect_names``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from segdsl.catalog.model import (
        Catalog,
        Column,
        EntityDef,
        EventDef,
        SourceTable,
        load_catalog,
        parse_catalog,
    )

# Imported on first use: `segdsl.catalog.types` (which the IR uses) must not load
# pydantic, so that `fmt` starts without it.
_LAZY = frozenset(
    {"Catalog", "Column", "EntityDef", "EventDef", "SourceTable", "load_catalog", "parse_catalog"}
)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'segdsl.catalog' has no attribute {name!r}")
    value = getattr(importlib.import_module("segdsl.catalog.model"), name)
    globals()[name] = value
    return value


__all__ = [
    "Catalog",
    "Column",
    "EntityDef",
    "EventDef",
    "SourceTable",
    "load_catalog",
    "parse_catalog",
]
