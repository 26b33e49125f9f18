WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(
      CASE
        WHEN ordered_at > CAST('2026-04-01 00:00:00' AS DateTime64(6, 'UTC'))
        THEN quantity
      END
    ) AS purchase_sum_quantity_90d
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS DateTime64(6, 'UTC'))
    AND ordered_at > CAST('2026-04-01 00:00:00' AS DateTime64(6, 'UTC'))
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id AS customer_id,
    COALESCE(agg_orders.purchase_sum_quantity_90d, 0) AS purchase_sum_quantity_90d
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_sum_quantity_90d >= 5
SETTINGS join_use_nulls = 1
