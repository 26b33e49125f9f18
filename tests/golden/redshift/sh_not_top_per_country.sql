WITH base AS (
  SELECT
    e.shopper_id,
    e.spend,
    e.country
  FROM shoppers AS e
), ranked AS (
  SELECT
    *,
    spend AS rank_1_value,
    RANK() OVER (PARTITION BY country ORDER BY spend DESC NULLS LAST) AS rank_1,
    COUNT(spend) OVER (PARTITION BY country) AS rank_1_n
  FROM base
)
SELECT
  shopper_id
FROM ranked
WHERE
  NOT (
    NOT country IS NULL
    AND NOT rank_1_value IS NULL
    AND (
      rank_1 - 1
    ) * 100 < 20 * rank_1_n
  )
