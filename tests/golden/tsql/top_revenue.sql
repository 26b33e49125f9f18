WITH base AS (
  SELECT
    e.account_id,
    e.revenue
  FROM accounts AS e
), ranked AS (
  SELECT
    *,
    revenue AS rank_1_value,
    RANK() OVER (ORDER BY revenue DESC) AS rank_1,
    COUNT(revenue) OVER () AS rank_1_n
  FROM base
)
SELECT
  account_id
FROM ranked
WHERE
  NOT rank_1_value IS NULL AND (
    rank_1 - 1
  ) * 100 < 10 * rank_1_n
