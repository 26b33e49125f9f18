WITH base AS (
  SELECT
    e.customer_id
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  SUBSTRING(MD5('holdout-2026:' || CAST(customer_id AS TEXT)), 1, 8) < '80000000'
