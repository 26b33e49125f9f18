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
), valued AS (
  SELECT
    *,
    order_count AS rank_1_value
  FROM base
), ranks_1 AS (
  SELECT
    rank_1_value AS v,
    tier AS g,
    SUM(COUNT(*)) OVER (PARTITION BY tier ORDER BY rank_1_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER (PARTITION BY tier) AS n
  FROM valued
  WHERE
    NOT rank_1_value IS NULL AND NOT tier IS NULL
  GROUP BY
    rank_1_value,
    tier
), ranked AS (
  SELECT
    valued.*,
    ranks_1.better AS rank_1_better,
    ranks_1.n AS rank_1_n
  FROM valued
  LEFT JOIN ranks_1
    ON valued.rank_1_value = ranks_1.v AND valued.tier = ranks_1.g
)
SELECT
  shopper_id
FROM ranked
WHERE
  NOT tier IS NULL
  AND NOT rank_1_value IS NULL
  AND rank_1_better * 100 < 50 * rank_1_n
