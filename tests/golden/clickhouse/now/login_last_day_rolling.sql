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
  last_login > now64(6, 'UTC') - INTERVAL '1' DAY AND last_login <= now64(6, 'UTC')
SETTINGS join_use_nulls = 1
