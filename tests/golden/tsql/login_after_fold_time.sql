WITH base AS (
  SELECT
    e.person_id,
    e.last_login
  FROM tz_people AS e
)
SELECT
  person_id
FROM base
WHERE
  last_login >= CAST('2026-11-01 01:30:00' AS DATETIME2)
