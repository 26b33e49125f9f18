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
  last_login > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '1' DAY
  AND last_login <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
