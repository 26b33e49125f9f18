WITH base AS (
  SELECT
    e.customer_id,
    e.income,
    e.age
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  CAST(income AS DOUBLE) / NULLIF(age, 0) > 3000
