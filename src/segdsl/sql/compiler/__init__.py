"""Typed IR → one sqlglot expression tree → SQL text for any sqlglot dialect.

The shape of every statement::


    WITH agg_orders AS (            -- one grouped pass per event source, all aggregates
      SELECT customer_id, SUM(CASE WHEN … THEN 1 ELSE 0 END) AS purchase_count_90d, …
      FROM orders WHERE ordered_at <= <as-of> GROUP BY customer_id
    ), base AS (                    -- the entity with the attributes and aggregates used
      SELECT e.customer_id, e.age, COALESCE(agg_orders.purchase_count_90d, 0) AS …
      FROM customers AS e LEFT JOIN agg_orders ON e.customer_id = agg_orders.customer_id
    ), valued AS (                  -- only when a rule ranks: each ranked value X
      SELECT *, <X> AS rank_1_value FROM base
    ), ranks_1 AS (                 -- per distinct X: how many are strictly better, and n
      SELECT rank_1_value AS v, SUM(COUNT(*)) OVER (ORDER BY rank_1_value DESC) - COUNT(*)
        AS better, SUM(COUNT(*)) OVER () AS n FROM valued WHERE … IS NOT NULL GROUP BY …
    ), ranked AS (                  -- the counts joined back on X
      SELECT valued.*, ranks_1.better AS rank_1_better, … FROM valued LEFT JOIN ranks_1 …
    )
    SELECT customer_id FROM base WHERE <condition>

The meaning of each construct (sections 6–8 of the contract) is decided here, once:
two-valued truth, 0 for count/sum over no events, windows, calendar months, rankings.

One module per construct: ``values``, ``conditions``, ``aggregates``, ``sequences``,
``rankings``, ``places`` (distance, sample); ``plan`` collects what a statement needs,
``state`` holds what it is built in, ``statement`` assembles it.
"""

from segdsl.sql.compiler.statement import (
    compile_membership,
    compile_segment,
    membership_query,
    segment_query,
    to_sql,
    values_query,
)
from segdsl.sql.literals import AsOf, literal
from segdsl.sql.names import col, ident, table_ref

__all__ = [
    "AsOf",
    "col",
    "compile_membership",
    "compile_segment",
    "ident",
    "literal",
    "membership_query",
    "segment_query",
    "table_ref",
    "to_sql",
    "values_query",
]
