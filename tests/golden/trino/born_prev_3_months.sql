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
  born_on >= CAST('2026-03-01' AS DATE) AND born_on < CAST('2026-06-01' AS DATE)
