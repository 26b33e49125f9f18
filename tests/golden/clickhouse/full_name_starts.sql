WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.name AS full_name
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  substringUTF8(lowerUTF8(full_name), 1, 2) = lowerUTF8('an')
SETTINGS join_use_nulls = 1
