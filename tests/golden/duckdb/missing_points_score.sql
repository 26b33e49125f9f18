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
    v,
    1 + CAST(FLOOR(CAST(5 * better AS DOUBLE) / n) AS BIGINT) AS s
  FROM (
    SELECT
      score_1_value AS v,
      SUM(COUNT(*)) OVER (ORDER BY score_1_value ASC NULLS FIRST) - COUNT(*) AS better,
      SUM(COUNT(*)) OVER () AS n
    FROM valued
    WHERE
      NOT score_1_value IS NULL
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
  score_1 IS NULL
