WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    SUM(
      CASE
        WHEN placed_at > now64(6, 'UTC') - INTERVAL '30' DAY
        AND placed_at <= now64(6, 'UTC') - INTERVAL '7' DAY
        THEN 1
        ELSE 0
      END
    ) AS order_count_30d_to7d
  FROM shopper_orders
  WHERE
    placed_at <= now64(6, 'UTC') AND placed_at > now64(6, 'UTC') - INTERVAL '30' DAY
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id AS shopper_id,
    COALESCE(agg_shopper_orders.order_count_30d_to7d, 0) AS order_count_30d_to7d
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  NOT order_count_30d_to7d >= 1
SETTINGS join_use_nulls = 1
