WITH base AS (
  SELECT
    e.shopper_id,
    e.spend,
    e.country
  FROM shoppers AS e
), valued AS (
  SELECT
    *,
    spend AS rank_1_value
  FROM base
), ranks_1 AS (
  SELECT
    rank_1_value AS v,
    country AS g,
    SUM(COUNT(*)) OVER (PARTITION BY country ORDER BY rank_1_value ASC) - COUNT(*) AS better,
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
  shopper_id
FROM ranked
WHERE
  NOT country IS NULL
  AND NOT rank_1_value IS NULL
  AND rank_1_better * 100 < 50 * rank_1_n
