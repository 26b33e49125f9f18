WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    SUM(CASE WHEN placed_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP) THEN 1 ELSE 0 END) AS order_count_30d
  FROM shopper_orders
  WHERE
    placed_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    AND placed_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(agg_shopper_orders.order_count_30d, 0) AS order_count_30d
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  order_count_30d >= 1
