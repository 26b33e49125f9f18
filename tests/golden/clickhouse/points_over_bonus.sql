WITH base AS (
  SELECT
    e.person_id AS person_id,
    e.points AS points,
    e.bonus AS bonus
  FROM tz_people AS e
)
SELECT
  person_id
FROM base
WHERE
  points > bonus
SETTINGS join_use_nulls = 1
