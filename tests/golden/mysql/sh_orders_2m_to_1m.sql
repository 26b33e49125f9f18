WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    SUM(
      CASE
        WHEN placed_at > CAST('2026-04-30 00:00:00' AS DATETIME)
        AND placed_at <= CAST('2026-05-30 00:00:00' AS DATETIME)
        THEN 1
        ELSE 0
      END
    ) AS order_count_2m_to1m
  FROM shopper_orders
  WHERE
    placed_at <= CAST('2026-06-30 00:00:00' AS DATETIME)
    AND placed_at > CAST('2026-04-30 00:00:00' AS DATETIME)
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    COALESCE(agg_shopper_orders.order_count_2m_to1m, 0) AS order_count_2m_to1m
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
)
SELECT
  shopper_id
FROM base
WHERE
  order_count_2m_to1m >= 1
