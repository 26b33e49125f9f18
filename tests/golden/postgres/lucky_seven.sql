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
  CASE WHEN 7 IS NULL THEN NULL ELSE COALESCE(7 = ANY(
    lucky_numbers
  ), FALSE) END
