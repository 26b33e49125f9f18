WITH base AS (
  SELECT
    e.person_id AS person_id,
    e.last_login AS last_login
  FROM tz_people AS e
)
SELECT
  person_id
FROM base
WHERE
  last_login >= CAST('2026-04-01 00:00:00' AS DateTime64(6, 'UTC'))
  AND last_login <= CAST('2026-06-30 00:00:00' AS DateTime64(6, 'UTC'))
SETTINGS join_use_nulls = 1
