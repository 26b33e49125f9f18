WITH agg_orders AS (
  SELECT
    customer_id,
    MIN(ordered_at) AS purchase_first
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP()
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    agg_orders.purchase_first AS purchase_first
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_first > CURRENT_TIMESTAMP() - INTERVAL '30 DAY'
  AND purchase_first <= CURRENT_TIMESTAMP()
