WITH base AS (
  SELECT
    e.customer_id AS customer_id
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  SUBSTRING(
    LOWER(HEX(MD5(CONCAT('holdout-2026:', CAST(customer_id AS Nullable(String)))))),
    1,
    8
  ) < '80000000'
SETTINGS join_use_nulls = 1
