WITH agg_tz_orders AS (
  SELECT
    person_id,
    SUM(amount) AS buy_sum_amount
  FROM tz_orders
  WHERE
    at <= now64(6, 'UTC')
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id AS person_id,
    COALESCE(agg_tz_orders.buy_sum_amount, 0) AS buy_sum_amount
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
), valued AS (
  SELECT
    *,
    buy_sum_amount AS score_1_value
  FROM base
), scores_1 AS (
  SELECT
    v,
    1 + CAST(FLOOR(CAST(10 * better AS Nullable(Float64)) / n) AS Nullable(Int64)) AS s
  FROM (
    SELECT
      score_1_value AS v,
      SUM(COUNT(*)) OVER (ORDER BY score_1_value ASC NULLS FIRST) - COUNT(*) AS better,
      SUM(COUNT(*)) OVER () AS n
    FROM valued
    WHERE
      NOT (
        score_1_value IS NULL
      )
    GROUP BY
      score_1_value
  ) AS counted
), ranked AS (
  SELECT
    valued.*,
    scores_1.s AS score_1
  FROM valued
  LEFT JOIN scores_1
    ON valued.score_1_value = scores_1.v
)
SELECT
  person_id
FROM ranked
WHERE
  score_1 >= 8
SETTINGS join_use_nulls = 1
