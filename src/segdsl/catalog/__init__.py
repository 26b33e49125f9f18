"""The catalog: ``segdsl.toml`` read and validated into entities, events, their typed columns
and sources (``model``); the tables other commands own, checked at load (``sections``);
where a key is in the file's text (``locate``); the logical types (``types``) and the SQL
dialect names it accepts (``dialect_names``)."""

from segdsl.catalog.model import (
    Catalog,
    Column,
    EntityDef,
    EventDef,
    SourceTable,
    load_catalog,
    parse_catalog,
)

__all__ = [
    "Catalog",
    "Column",
    "EntityDef",
    "EventDef",
    "SourceTable",
    "load_catalog",
    "parse_catalog",
]
