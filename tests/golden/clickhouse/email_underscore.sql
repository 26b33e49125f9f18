WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.email AS email
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  substringUTF8(lowerUTF8(email), 1, 2) = lowerUTF8('a_')
SETTINGS join_use_nulls = 1
