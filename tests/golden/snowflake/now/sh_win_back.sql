WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    SUM(
      CASE
        WHEN placed_at > CURRENT_TIMESTAMP() - INTERVAL '60 DAY'
        AND placed_at <= CURRENT_TIMESTAMP() - INTERVAL '14 DAY'
        THEN 1
        ELSE 0
      END
    ) AS order_count_60d_to14d,
    SUM(CASE WHEN placed_at > CURRENT_TIMESTAMP() - INTERVAL '14 DAY' THEN 1 ELSE 0 END) AS order_count_14d
  FROM shopper_orders
  WHERE
    placed_at <= CURRENT_TIMESTAMP()
    AND placed_at > CURRENT_TIMESTAMP() - INTERVAL '60 DAY'
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(agg_shopper_orders.order_count_60d_to14d, 0) AS order_count_60d_to14d,
    COALESCE(agg_shopper_orders.order_count_14d, 0) AS order_count_14d
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  order_count_60d_to14d >= 1 AND NOT order_count_14d >= 1
