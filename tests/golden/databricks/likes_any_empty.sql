WITH base AS (
  SELECT
    e.customer_id,
    e.interests
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  FALSE
