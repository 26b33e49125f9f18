WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN ordered_at > CAST('2026-04-01 00:00:00' AS DATETIME) THEN 1 ELSE 0 END) AS purchase_count_90d
  FROM orders
  WHERE
    ordered_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
    AND ordered_at > CAST('2026-04-01 00:00:00' AS DATETIME)
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_count_90d, 0) AS purchase_count_90d
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_count_90d > 3
