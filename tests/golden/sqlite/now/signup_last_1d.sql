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
  signup_date > DATE(CURRENT_DATE, '-1 days') AND signup_date <= CURRENT_DATE
