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
  lengthUTF8(lowerUTF8(email)) >= 4
  AND substringUTF8(lowerUTF8(email), lengthUTF8(lowerUTF8(email)) - 4 + 1) = lowerUTF8('.COM')
SETTINGS join_use_nulls = 1
