WITH base AS (
  SELECT
    e.customer_id
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  SUBSTR(
    LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('cu_sample_25:', CAST(customer_id AS VARCHAR)))))),
    1,
    8
  ) < '40000000'
