WITH agg_orders AS (
  SELECT
    customer_id,
    COUNT(*) AS purchase_count
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_count, 0) AS purchase_count
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_count >= 1
  AND NOT SUBSTRING(MD5('holdout-2026:' || CAST(customer_id AS TEXT)), 1, 8) < '19999999'
