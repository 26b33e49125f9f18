WITH base AS (
  SELECT
    e.customer_id,
    e.income
  FROM customers AS e
), valued AS (
  SELECT
    *,
    income AS rank_1_value
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
  NOT rank_1_value IS NULL AND rank_1_better * 200 < 5 * rank_1_n
