WITH base AS (
  SELECT
    e.customer_id
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  SUBSTRING(TO_HEX(MD5(CONCAT('cu_sample_25:', CAST(customer_id AS STRING)))), 1, 8) < '40000000'
