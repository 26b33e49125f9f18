WITH base AS (
  SELECT
    e.customer_id,
    e.income,
    e.country
  FROM customers AS e
), valued AS (
  SELECT
    *,
    income AS rank_1_value
  FROM base
), ranks_1 AS (
  SELECT
    rank_1_value AS v,
    country AS g,
    SUM(COUNT(*)) OVER (PARTITION BY country ORDER BY rank_1_value DESC) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER (PARTITION BY country) AS n
  FROM valued
  WHERE
    NOT rank_1_value IS NULL AND NOT country IS NULL
  GROUP BY
    rank_1_value,
    country
), ranked AS (
  SELECT
    valued.*,
    ranks_1.better AS rank_1_better,
    ranks_1.n AS rank_1_n
  FROM valued
  LEFT JOIN ranks_1
    ON valued.rank_1_value = ranks_1.v AND valued.country = ranks_1.g
)
SELECT
  customer_id
FROM ranked
WHERE
  NOT country IS NULL
  AND NOT rank_1_value IS NULL
  AND rank_1_better * 100 < 50 * rank_1_n
