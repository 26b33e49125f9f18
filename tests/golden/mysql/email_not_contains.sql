WITH base AS (
  SELECT
    e.customer_id,
    e.email
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  NOT COALESCE(LOCATE(LOWER('example'), LOWER(email)) > 0, FALSE)
