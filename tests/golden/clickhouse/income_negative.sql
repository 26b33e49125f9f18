WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.income AS income
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  income BETWEEN -10 AND 10
SETTINGS join_use_nulls = 1
