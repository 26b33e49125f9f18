WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    COUNT(
      DISTINCT CASE
        WHEN placed_at > now64(6, 'UTC') - INTERVAL '60' DAY
        AND placed_at <= now64(6, 'UTC') - INTERVAL '1' DAY
        THEN sku
      END
    ) AS order_distinct_sku_60d_to1d
  FROM shopper_orders
  WHERE
    placed_at <= now64(6, 'UTC') AND placed_at > now64(6, 'UTC') - INTERVAL '60' DAY
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id AS shopper_id,
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
SETTINGS join_use_nulls = 1
