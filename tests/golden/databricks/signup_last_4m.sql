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
  signup_date > CAST('2026-02-28' AS DATE)
  AND signup_date <= CAST('2026-06-30' AS DATE)
