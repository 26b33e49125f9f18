WITH base AS (
  SELECT
    e.person_id,
    e.points,
    e.bonus
  FROM tz_people AS e
)
SELECT
  person_id
FROM base
WHERE
  points > bonus
