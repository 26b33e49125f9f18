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
  signup_date > CAST(CURRENT_DATE - INTERVAL '4 MONTH' AS DATE)
  AND signup_date <= CURRENT_DATE
