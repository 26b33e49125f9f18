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
  NOT COALESCE(INSTR(LOWER(email), LOWER('example')) > 0, FALSE)
