WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    MAX(
      CASE
        WHEN placed_at > CURRENT_TIMESTAMP() - INTERVAL '30' DAY
        AND placed_at <= CURRENT_TIMESTAMP() - INTERVAL '7' DAY
        AND status = 'paid'
        THEN amount
      END
    ) AS order_max_amount_30d_to7d_if
  FROM shopper_orders
  WHERE
    placed_at <= CURRENT_TIMESTAMP()
    AND placed_at > CURRENT_TIMESTAMP() - INTERVAL '30' DAY
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
