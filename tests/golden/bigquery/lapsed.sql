WITH agg_orders AS (
  SELECT
    customer_id,
    MAX(ordered_at) AS purchase_last
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    agg_orders.purchase_last AS purchase_last
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_last < CAST('2026-01-01 00:00:00' AS TIMESTAMP)
