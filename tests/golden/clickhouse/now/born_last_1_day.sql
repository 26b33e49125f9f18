WITH base AS (
  SELECT
    e.person_id AS person_id,
    e.born_on AS born_on
  FROM tz_people AS e
)
SELECT
  person_id
FROM base
WHERE
  born_on > CAST(toDate(now('UTC')) - INTERVAL '1' DAY AS Nullable(DATE))
  AND born_on <= toDate(now('UTC'))
SETTINGS join_use_nulls = 1
