WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN ordered_at > now64(6, 'UTC') - INTERVAL '4' MONTH THEN 1 ELSE 0 END) AS purchase_count_4m
  FROM orders
  WHERE
    ordered_at <= now64(6, 'UTC')
    AND ordered_at > now64(6, 'UTC') - INTERVAL '4' MONTH
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id AS customer_id,
    COALESCE(agg_orders.purchase_count_4m, 0) AS purchase_count_4m
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_count_4m >= 1
SETTINGS join_use_nulls = 1
