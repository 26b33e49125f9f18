WITH base AS (
  SELECT
    e.customer_id,
    e.lucky_numbers
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  has(lucky_numbers, 3) AND has(lucky_numbers, 7)
