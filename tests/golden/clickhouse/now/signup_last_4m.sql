WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.signup_date AS signup_date
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  signup_date > CAST(toDate(now('UTC')) - INTERVAL '4' MONTH AS Nullable(DATE))
  AND signup_date <= toDate(now('UTC'))
SETTINGS join_use_nulls = 1
