WITH base AS (
  SELECT
    e.customer_id,
    e.country
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  SUBSTRING(MD5(CONCAT('holdout-2026:', CAST(customer_id AS CHAR))), 1, 8) < '80000000'
  AND country = 'US'
