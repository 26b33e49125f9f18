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
  LOCATE(LOWER('EXAMPLE'), LOWER(email)) > 0
