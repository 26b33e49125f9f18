WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN ordered_at > CURRENT_TIMESTAMP() - INTERVAL '365 DAY' THEN amount END) AS purchase_sum_amount_365d
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP()
    AND ordered_at > CURRENT_TIMESTAMP() - INTERVAL '365 DAY'
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_sum_amount_365d, 0) AS purchase_sum_amount_365d
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_sum_amount_365d >= 100
