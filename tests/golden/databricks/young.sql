WITH base AS (
  SELECT
    e.customer_id,
    e.age
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  age < 35
