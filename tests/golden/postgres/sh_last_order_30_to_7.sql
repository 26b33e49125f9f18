WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    MAX(
      CASE
        WHEN placed_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
        AND placed_at <= CAST('2026-06-23 00:00:00' AS TIMESTAMP)
        THEN placed_at
      END
    ) AS order_last_30d_to7d
  FROM shopper_orders
  WHERE
    placed_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    AND placed_at > CAST('2026-05-31 00:00:00' AS TIMESTAMP)
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    agg_shopper_orders.order_last_30d_to7d AS order_last_30d_to7d
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  order_last_30d_to7d > CAST('2026-06-15 00:00:00' AS TIMESTAMP)
