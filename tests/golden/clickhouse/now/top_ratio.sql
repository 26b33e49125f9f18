WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN ordered_at > now64(6, 'UTC') - INTERVAL '365' DAY THEN amount END) AS purchase_sum_amount_365d,
    SUM(CASE WHEN ordered_at > now64(6, 'UTC') - INTERVAL '90' DAY THEN 1 ELSE 0 END) AS purchase_count_90d
  FROM orders
  WHERE
    ordered_at <= now64(6, 'UTC')
    AND ordered_at > now64(6, 'UTC') - INTERVAL '365' DAY
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id AS customer_id,
    COALESCE(agg_orders.purchase_sum_amount_365d, 0) AS purchase_sum_amount_365d,
    COALESCE(agg_orders.purchase_count_90d, 0) AS purchase_count_90d
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
), valued AS (
  SELECT
    *,
    CAST(purchase_sum_amount_365d AS Nullable(Float64)) / nullIf(purchase_count_90d, 0) AS rank_1_value
  FROM base
), ranks_1 AS (
  SELECT
    rank_1_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_1_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT (
      rank_1_value IS NULL
    )
  GROUP BY
    rank_1_value
), ranked AS (
  SELECT
    valued.*,
    ranks_1.better AS rank_1_better,
    ranks_1.n AS rank_1_n
  FROM valued
  LEFT JOIN ranks_1
    ON valued.rank_1_value = ranks_1.v
)
SELECT
  customer_id
FROM ranked
WHERE
  NOT (
    rank_1_value IS NULL
  ) AND rank_1_better * 100 < 25 * rank_1_n
SETTINGS join_use_nulls = 1
