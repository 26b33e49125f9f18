"""The state one statement is built in — the catalog, the entity, the as-of instant,
the dialect's capabilities, the names taken — and the methods each construct's module
provides to the others."""

from __future__ import annotations

from abc import ABC, abstractmethod

from sqlglot import exp

from segdsl.catalog.model import Catalog, EntityDef, EventDef
from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.sql.compiler.plan import Needs
from segdsl.sql.dialects import Capabilities, capabilities
from segdsl.sql.literals import AsOf
from segdsl.sql.names import table_names, unique_name


class BuilderState(ABC):
    def __init__(self, catalog: Catalog, entity: EntityDef, as_of: AsOf, dialect: str) -> None:
        self.catalog = catalog
        self.entity = entity
        self.as_of = as_of
        self.dialect = dialect
        self.caps: Capabilities = capabilities(dialect)
        self.needs = Needs()
        # Segments whose membership is a column of an earlier layer (--membership).
        self.computed: dict[str, str] = {}
        self.columns: set[str] = set()  # set by plan()
        # The statement's own relations (CTEs) must not take the name of a table the
        # catalog reads: `FROM agg_orders` would read the CTE instead of the table.
        self.ctes: set[str] = {"e"} | table_names(catalog)
        self.base_name = unique_name("base", self.ctes)
        self.valued_name = unique_name("valued", self.ctes)
        self.ranked_name = unique_name("ranked", self.ctes)

    @abstractmethod
    def value(self, v: ir.Value, event: EventDef | None = None) -> exp.Expr:
        """SQL for a value (``values``)."""

    @abstractmethod
    def cond(self, c: ir.Cond, safe: bool, event: EventDef | None = None) -> exp.Expr:
        """SQL for a condition (``conditions``)."""

    @abstractmethod
    def _rank_cond(self, c: ir.Rank) -> exp.Expr:
        """Membership of a ranking (``rankings``)."""

    @abstractmethod
    def _plus(self, ts: exp.Expr, d: ir.Duration, t: Type) -> exp.Expr:
        """``ts + d`` per row (``sequences``)."""
