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
  last_login > DATETIME(CURRENT_TIMESTAMP, '-1 days')
  AND last_login <= CURRENT_TIMESTAMP
