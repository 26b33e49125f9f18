WITH agg_orders AS (
  SELECT
    customer_id,
    COUNT(DISTINCT sku) AS purchase_distinct_sku
  FROM orders
  WHERE
    ordered_at <= now64(6, 'UTC')
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id AS customer_id,
    COALESCE(agg_orders.purchase_distinct_sku, 0) AS purchase_distinct_sku
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_distinct_sku >= 2
SETTINGS join_use_nulls = 1
