WITH agg_orders AS (
  SELECT
    customer_id,
    MAX(ordered_at) AS purchase_last
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP
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
  purchase_last < DATETIME(CURRENT_TIMESTAMP, '-180 days')
