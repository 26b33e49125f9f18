WITH base AS (
  SELECT
    e.customer_id,
    e.email
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  LENGTH(LOWER(email)) >= 4
  AND SUBSTRING(LOWER(email), LENGTH(LOWER(email)) - 4 + 1) = LOWER('.COM')
