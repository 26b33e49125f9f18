WITH agg_orders AS (
  SELECT
    customer_id,
    MIN(amount) AS purchase_min_amount
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    agg_orders.purchase_min_amount AS purchase_min_amount
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_min_amount < 5
