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
  born_on > CAST(CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE) - INTERVAL '1 DAY' AS DATE)
  AND born_on <= CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS DATE)
