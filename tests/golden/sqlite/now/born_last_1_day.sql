WITH base AS (
  SELECT
    e.person_id,
    e.born_on
  FROM tz_people AS e
)
SELECT
  person_id
FROM base
WHERE
  born_on > DATE(CURRENT_DATE, '-1 days') AND born_on <= CURRENT_DATE
