WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    COUNT(
      DISTINCT CASE
        WHEN placed_at > CAST('2026-05-01 00:00:00' AS TIMESTAMP)
        AND placed_at <= CAST('2026-06-29 00:00:00' AS TIMESTAMP)
        THEN sku
      END
    ) AS order_distinct_sku_60d_to1d
  FROM shopper_orders
  WHERE
    placed_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
    AND placed_at > CAST('2026-05-01 00:00:00' AS TIMESTAMP)
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
