WITH base AS (
  SELECT
    e.customer_id,
    e.country
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  NOT country IS NULL
