WITH base AS (
  SELECT
    e.shopper_id AS shopper_id,
    e.spend AS spend
  FROM shoppers AS e
), ranked AS (
  SELECT
    *,
    spend AS rank_1_value,
    RANK() OVER (ORDER BY spend DESC) AS rank_1,
    COUNT(spend) OVER () AS rank_1_n
  FROM base
)
SELECT
  shopper_id
FROM ranked
WHERE
  NOT (
    rank_1_value IS NULL
  ) AND (
    rank_1 - 1
  ) * 100 < 10 * rank_1_n
SETTINGS join_use_nulls = 1
