WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.country AS country
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  country IS NULL
SETTINGS join_use_nulls = 1
