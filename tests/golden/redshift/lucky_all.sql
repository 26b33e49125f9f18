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
  ARRAY_CONTAINS(lucky_numbers, 3) AND ARRAY_CONTAINS(lucky_numbers, 7)
