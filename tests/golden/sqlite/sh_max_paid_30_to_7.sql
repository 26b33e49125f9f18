WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    MAX(
      CASE
        WHEN placed_at > DATETIME('2026-05-31 00:00:00')
        AND placed_at <= DATETIME('2026-06-23 00:00:00')
        AND status = 'paid'
        THEN amount
      END
    ) AS order_max_amount_30d_to7d_if
  FROM shopper_orders
  WHERE
    placed_at <= DATETIME('2026-06-30 00:00:00')
    AND placed_at > DATETIME('2026-05-31 00:00:00')
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    agg_shopper_orders.order_max_amount_30d_to7d_if AS order_max_amount_30d_to7d_if
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  order_max_amount_30d_to7d_if >= 30
