WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.age AS age,
    e.country AS country
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  age < 35 AND country = 'US'
SETTINGS join_use_nulls = 1
