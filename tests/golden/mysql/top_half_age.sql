WITH base AS (
  SELECT
    e.customer_id,
    e.age
  FROM customers AS e
), ranked AS (
  SELECT
    *,
    age AS rank_1_value,
    RANK() OVER (ORDER BY age DESC) AS rank_1,
    COUNT(age) OVER () AS rank_1_n
  FROM base
)
SELECT
  customer_id
FROM ranked
WHERE
  NOT rank_1_value IS NULL AND (
    rank_1 - 1
  ) * 100 < 50 * rank_1_n
