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
  signup_date BETWEEN CAST('2024-01-01' AS Nullable(DATE)) AND CAST('2024-12-31' AS Nullable(DATE))
SETTINGS join_use_nulls = 1
