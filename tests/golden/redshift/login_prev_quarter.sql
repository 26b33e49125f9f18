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
  last_login >= CAST('2026-01-01 00:00:00' AS TIMESTAMP)
  AND last_login < CAST('2026-04-01 00:00:00' AS TIMESTAMP)
