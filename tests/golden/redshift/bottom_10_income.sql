WITH base AS (
  SELECT
    e.customer_id,
    e.income
  FROM customers AS e
), ranked AS (
  SELECT
    *,
    income AS rank_1_value,
    RANK() OVER (ORDER BY income ASC) AS rank_1,
    COUNT(income) OVER () AS rank_1_n
  FROM base
)
SELECT
  customer_id
FROM ranked
WHERE
  NOT rank_1_value IS NULL AND (
    rank_1 - 1
  ) * 100 < 10 * rank_1_n
