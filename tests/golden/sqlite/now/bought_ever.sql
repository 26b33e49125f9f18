WITH agg_orders AS (
  SELECT
    customer_id,
    COUNT(*) AS purchase_count
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP
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
