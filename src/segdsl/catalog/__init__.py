"""The catalog: ``segdsl.toml`` read and validated into entities, events, their typed columns
and sources (``model``), the logical types (``types``) and the SQL dialect names it accepts."""

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
