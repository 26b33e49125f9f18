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
  signup_date BETWEEN CAST('2026-06-29' AS DATE) AND CAST('2026-06-30' AS DATE)
