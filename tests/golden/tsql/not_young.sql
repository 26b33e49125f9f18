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
  NOT COALESCE(age < 35, (1 = 0))
