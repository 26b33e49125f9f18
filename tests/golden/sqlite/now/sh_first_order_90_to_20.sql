WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    MIN(
      CASE
        WHEN placed_at > DATETIME(CURRENT_TIMESTAMP, '-90 days')
        AND placed_at <= DATETIME(CURRENT_TIMESTAMP, '-20 days')
        THEN placed_at
      END
    ) AS order_first_90d_to20d
  FROM shopper_orders
  WHERE
    placed_at <= CURRENT_TIMESTAMP
    AND placed_at > DATETIME(CURRENT_TIMESTAMP, '-90 days')
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    agg_shopper_orders.order_first_90d_to20d AS order_first_90d_to20d
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  order_first_90d_to20d < DATETIME('2026-06-01 00:00:00')
