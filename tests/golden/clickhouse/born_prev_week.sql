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
  born_on >= CAST('2026-06-22' AS Nullable(DATE))
  AND born_on < CAST('2026-06-29' AS Nullable(DATE))
SETTINGS join_use_nulls = 1
