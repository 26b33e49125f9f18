WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    COUNT(
      DISTINCT CASE
        WHEN placed_at > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '60' DAY
        AND placed_at <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '1' DAY
        THEN sku
      END
    ) AS order_distinct_sku_60d_to1d
  FROM shopper_orders
  WHERE
    placed_at <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
    AND placed_at > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '60' DAY
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(agg_shopper_orders.order_distinct_sku_60d_to1d, 0) AS order_distinct_sku_60d_to1d
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  order_distinct_sku_60d_to1d >= 2
