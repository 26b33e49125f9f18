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
  last_login >= CAST('2026-06-28 00:00:00' AS TIMESTAMP)
  AND last_login < CAST('2026-06-30 00:00:00' AS TIMESTAMP)
