WITH base AS (
  SELECT
    e.customer_id,
    e.income
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  income > 50000.5
