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
  positionUTF8(lowerUTF8(email), lowerUTF8('EXAMPLE')) > 0
SETTINGS join_use_nulls = 1
