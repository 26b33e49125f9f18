WITH agg_shopper_orders AS (
  SELECT
    shopper_id,
    COUNT(*) AS order_count
  FROM shopper_orders
  WHERE
    placed_at <= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
  GROUP BY
    shopper_id
), base AS (
  SELECT
    e.shopper_id,
    e.tier,
    COALESCE(agg_shopper_orders.order_count, 0) AS order_count
  FROM shoppers AS e
  LEFT JOIN agg_shopper_orders
    ON e.shopper_id = agg_shopper_orders.shopper_id
), ranked AS (
  SELECT
    *,
    order_count AS rank_1_value,
    RANK() OVER (PARTITION BY tier ORDER BY order_count DESC) AS rank_1,
    COUNT(order_count) OVER (PARTITION BY tier) AS rank_1_n
  FROM base
)
SELECT
  shopper_id
FROM ranked
WHERE
  NOT tier IS NULL
  AND NOT rank_1_value IS NULL
  AND (
    rank_1 - 1
  ) * 100 < 50 * rank_1_n
