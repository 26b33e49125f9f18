WITH agg_tz_orders AS (
  SELECT
    person_id,
    SUM(amount) AS buy_sum_amount,
    MAX(at) AS buy_last
  FROM tz_orders
  WHERE
    at <= CAST('2026-06-30 00:00:00' AS DATETIME)
  GROUP BY
    person_id
), base AS (
  SELECT
    e.person_id,
    COALESCE(agg_tz_orders.buy_sum_amount, 0) AS buy_sum_amount,
    agg_tz_orders.buy_last AS buy_last
  FROM tz_people AS e
  LEFT JOIN agg_tz_orders
    ON e.person_id = agg_tz_orders.person_id
), valued AS (
  SELECT
    *,
    buy_sum_amount AS score_1_value,
    buy_last AS score_2_value
  FROM base
), scores_1 AS (
  SELECT
    v,
    1 + CAST(FLOOR(CAST(10 * better AS DOUBLE) / n) AS SIGNED) AS s
  FROM (
    SELECT
      score_1_value AS v,
      SUM(COUNT(*)) OVER (ORDER BY score_1_value ASC) - COUNT(*) AS better,
      SUM(COUNT(*)) OVER () AS n
    FROM valued
    WHERE
      NOT score_1_value IS NULL
    GROUP BY
      score_1_value
  ) AS counted
), scores_2 AS (
  SELECT
    v,
    1 + CAST(FLOOR(CAST(4 * better AS DOUBLE) / n) AS SIGNED) AS s
  FROM (
    SELECT
      score_2_value AS v,
      SUM(COUNT(*)) OVER (ORDER BY score_2_value ASC) - COUNT(*) AS better,
      SUM(COUNT(*)) OVER () AS n
    FROM valued
    WHERE
      NOT score_2_value IS NULL
    GROUP BY
      score_2_value
  ) AS counted
), ranked AS (
  SELECT
    valued.*,
    scores_1.s AS score_1,
    scores_2.s AS score_2
  FROM valued
  LEFT JOIN scores_1
    ON valued.score_1_value = scores_1.v
  LEFT JOIN scores_2
    ON valued.score_2_value = scores_2.v
)
SELECT
  person_id
FROM ranked
WHERE
  score_1 >= 7
  AND NOT (
    COALESCE(score_2 >= 3, FALSE) AND COALESCE(score_1 >= 7, FALSE)
  )
