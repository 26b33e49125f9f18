WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    MIN(
      CASE
        WHEN placed_at > DATETIME('2026-05-31 00:00:00')
        AND placed_at <= DATETIME('2026-06-23 00:00:00')
        THEN amount
      END
    ) AS order_min_amount_30d_to7d
  FROM shopper_orders
  WHERE
    placed_at <= DATETIME('2026-06-30 00:00:00')
    AND placed_at > DATETIME('2026-05-31 00:00:00')
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    agg_shopper_orders.order_min_amount_30d_to7d AS order_min_amount_30d_to7d
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  order_min_amount_30d_to7d < 15
