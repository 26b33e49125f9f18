WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.income AS income,
    e.age AS age
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  CAST(income AS Nullable(Float64)) / nullIf(age, 0) > 3000
SETTINGS join_use_nulls = 1
