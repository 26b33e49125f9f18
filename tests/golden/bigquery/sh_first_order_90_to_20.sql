WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    MIN(
      CASE
        WHEN placed_at > CAST('2026-04-01 00:00:00' AS TIMESTAMP)
        AND placed_at <= CAST('2026-06-10 00:00:00' AS TIMESTAMP)
        THEN placed_at
      END
    ) AS order_first_90d_to20d
  FROM shopper_orders
  WHERE
    placed_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    AND placed_at > CAST('2026-04-01 00:00:00' AS TIMESTAMP)
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
