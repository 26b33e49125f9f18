WITH base AS (
  SELECT
    e.customer_id,
    e.name AS full_name
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  SUBSTRING(LOWER(full_name) FROM 1 FOR 2) = LOWER('an')
