WITH base AS (
  SELECT
    e.person_id,
    e.city,
    e.birth_city
  FROM tz_people AS e
)
SELECT
  person_id
FROM base
WHERE
  NOT COALESCE(city = birth_city, FALSE)
