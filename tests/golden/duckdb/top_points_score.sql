WITH base AS (
  SELECT
    e.person_id,
    e.points
  FROM tz_people AS e
), valued AS (
  SELECT
    *,
    points AS score_1_value
  FROM base
), scores_1 AS (
  SELECT
    score_1_value AS v,
    SUM(COUNT(*)) OVER (ORDER BY score_1_value ASC NULLS FIRST) - COUNT(*) AS better,
    SUM(COUNT(*)) OVER () AS n
  FROM valued
  WHERE
    NOT score_1_value IS NULL
  GROUP BY
    score_1_value
), ranked AS (
  SELECT
    valued.*,
    1 + CAST(FLOOR(CAST(5 * scores_1.better AS DOUBLE) / scores_1.n) AS BIGINT) AS score_1
  FROM valued
  LEFT JOIN scores_1
    ON valued.score_1_value = scores_1.v
)
SELECT
  person_id
FROM ranked
WHERE
  score_1 = 5
