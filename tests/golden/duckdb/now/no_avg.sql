WITH agg_orders AS (
  SELECT
    customer_id,
    AVG(amount) AS purchase_avg_amount
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    agg_orders.purchase_avg_amount AS purchase_avg_amount
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_avg_amount IS NULL
