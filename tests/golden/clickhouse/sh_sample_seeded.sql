WITH base AS (
  SELECT
    e.shopper_id AS shopper_id
  FROM shoppers AS e
)
SELECT
  shopper_id
FROM base
WHERE
  SUBSTRING(LOWER(HEX(MD5(CONCAT('spring-2026:', CAST(shopper_id AS Nullable(String)))))), 1, 8) < '4ccccccc'
SETTINGS join_use_nulls = 1
