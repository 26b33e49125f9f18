WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.age AS age
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  age BETWEEN 25 AND 34
SETTINGS join_use_nulls = 1
