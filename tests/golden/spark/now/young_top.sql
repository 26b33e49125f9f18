WITH agg_orders AS (
  SELECT
    customer_id,
    SUM(CASE WHEN ordered_at > CURRENT_TIMESTAMP() - INTERVAL '365' DAY THEN amount END) AS purchase_sum_amount_365d
  FROM orders
  WHERE
    ordered_at <= CURRENT_TIMESTAMP()
    AND ordered_at > CURRENT_TIMESTAMP() - INTERVAL '365' DAY
  GROUP BY
    customer_id
), base AS (
  SELECT
    e.customer_id,
    e.age,
    COALESCE(agg_orders.purchase_sum_amount_365d, 0) AS purchase_sum_amount_365d
  FROM customers AS e
  LEFT JOIN agg_orders
    ON e.customer_id = agg_orders.customer_id
), valued AS (
  SELECT
    *,
    purchase_sum_amount_365d AS rank_1_value
  FROM base
), ranks_1 AS (
  SELECT
    rank_1_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY rank_1_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT rank_1_value IS NULL
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
  age < 35
  AND (
    NOT rank_1_value IS NULL AND rank_1_better * 100 < 20 * rank_1_n
  )
