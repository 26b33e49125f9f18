WITH base AS (
  SELECT
    e.person_id AS person_id,
    e.city AS city,
    e.birth_city AS birth_city
  FROM tz_people AS e
)
SELECT
  person_id
FROM base
WHERE
  city = birth_city
SETTINGS join_use_nulls = 1
