WITH base AS (
  SELECT
    e.person_id,
    e.points,
    e.grp
  FROM tz_people AS e
), valued AS (
  SELECT
    *,
    points AS score_1_value
  FROM base
), scores_1 AS (
  SELECT
    v,
    g,
    1 + CAST(FLOOR(CAST(3 * better AS DOUBLE) / n) AS BIGINT) AS s
  FROM (
    SELECT
      score_1_value AS v,
      grp AS g,
      SUM(COUNT(*)) OVER (PARTITION BY grp ORDER BY score_1_value ASC NULLS FIRST) - COUNT(*) AS better,
      SUM(COUNT(*)) OVER (PARTITION BY grp) AS n
    FROM valued
    WHERE
      NOT score_1_value IS NULL AND NOT grp IS NULL
    GROUP BY
      score_1_value,
      grp
  ) AS counted
), ranked AS (
  SELECT
    valued.*,
    scores_1.s AS score_1
  FROM valued
  LEFT JOIN scores_1
    ON valued.score_1_value = scores_1.v AND valued.grp = scores_1.g
)
SELECT
  person_id
FROM ranked
WHERE
  score_1 = 3
