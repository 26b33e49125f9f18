WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN NOT COALESCE(status = 'paid', FALSE) THEN 1 ELSE 0 END) AS purchase_count_if
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    COALESCE(agg_orders.purchase_count_if, 0) AS purchase_count_if
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
)
SELECT
  customer_id
FROM base
WHERE
  purchase_count_if >= 1
