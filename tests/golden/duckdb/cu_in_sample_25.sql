WITH base AS (
  SELECT
    e.customer_id
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  SUBSTRING(MD5('cu_sample_25:' || CAST(customer_id AS TEXT)), 1, 8) < '40000000'
