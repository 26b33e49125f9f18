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
  SUBSTRING(LOWER(email) FROM 1 FOR 2) = LOWER('a_')
