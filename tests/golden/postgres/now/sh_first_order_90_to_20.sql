WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    MIN(
      CASE
        WHEN placed_at > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '90 DAY'
        AND placed_at <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '20 DAY'
        THEN placed_at
      END
    ) AS order_first_90d_to20d
  FROM shopper_orders
  WHERE
    placed_at <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
    AND placed_at > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '90 DAY'
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
  order_first_90d_to20d < CAST('2026-06-01 00:00:00' AS TIMESTAMP)
