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
  last_login >= DATETIME('2026-01-01 00:00:00')
  AND last_login < DATETIME('2026-04-01 00:00:00')
