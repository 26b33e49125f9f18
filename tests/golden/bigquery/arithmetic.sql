WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN ordered_at > CAST('2025-06-30 00:00:00' AS TIMESTAMP) THEN amount END) AS purchase_sum_amount_365d,
    SUM(CASE WHEN status = 'paid' THEN amount END) AS purchase_sum_amount_if
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_sum_amount_365d, 0) AS purchase_sum_amount_365d,
    COALESCE(agg_orders.purchase_sum_amount_if, 0) AS purchase_sum_amount_if
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  (
    (
      purchase_sum_amount_365d - purchase_sum_amount_if
    ) * 2
  ) + 1 > 10
