"""Delivering segments where engineers run them (docs/warehouse.md):

- :func:`export_dbt` — ``segdsl export dbt``: plain dbt models, sources, tests and
  snapshots generated from the project;
- :func:`sync` — ``segdsl sync``: the membership history as an SCD2 table in the
  warehouse (DuckDB or PostgreSQL), with a changes feed of who entered and left;
- :func:`warehouse_history` — that table read back as ``segdsl history`` shows it.
"""

from __future__ import annotations

from segdsl.tools.warehouse.dbt import Export, export_dbt
from segdsl.tools.warehouse.feed import Change
from segdsl.tools.warehouse.history import WarehousePoint, members_at, warehouse_history
from segdsl.tools.warehouse.sync import SegmentSync, SyncResult, sync

__all__ = [
    "Change",
    "Export",
    "SegmentSync",
    "SyncResult",
    "WarehousePoint",
    "export_dbt",
    "members_at",
    "sync",
    "warehouse_history",
]
