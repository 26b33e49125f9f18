WITH base AS (
  SELECT
    e.customer_id,
    e.signup_date
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  signup_date < CAST('2025-06-01' AS DATE)
