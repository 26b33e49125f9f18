WITH base AS (
  SELECT
    e.customer_id,
    e.income,
    e.country
  FROM customers AS e
), ranked AS (
  SELECT
    *,
    income AS rank_1_value,
    RANK() OVER (PARTITION BY country ORDER BY income DESC NULLS LAST) AS rank_1,
    COUNT(income) OVER (PARTITION BY country) AS rank_1_n
  FROM base
)
SELECT
  customer_id
FROM ranked
WHERE
  NOT country IS NULL
  AND NOT rank_1_value IS NULL
  AND (
    rank_1 - 1
  ) * 100 < 50 * rank_1_n
