WITH agg_orders AS (
  SELECT
    customer_id,
    MAX(amount) AS purchase_max_amount
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    agg_orders.purchase_max_amount AS purchase_max_amount
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_max_amount >= 1000
