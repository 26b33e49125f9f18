WITH base AS (
  SELECT
    e.shopper_id
  FROM shoppers AS e
)
SELECT
  shopper_id
FROM base
WHERE
  NOT SUBSTRING(MD5('holdout:' || CAST(shopper_id AS VARCHAR)) FROM 1 FOR 8) < '80000000'
