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
  last_login > CURRENT_TIMESTAMP() - INTERVAL '1 MONTH'
  AND last_login <= CURRENT_TIMESTAMP()
