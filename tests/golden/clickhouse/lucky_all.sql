WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.lucky_numbers AS lucky_numbers
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  has(lucky_numbers, 3) AND has(lucky_numbers, 7)
SETTINGS join_use_nulls = 1
