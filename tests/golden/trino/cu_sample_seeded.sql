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
    LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('holdout-2026:', CAST(customer_id AS VARCHAR)))))),
    1,
    8
  ) < '80000000'
