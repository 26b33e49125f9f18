WITH base AS (
  SELECT
    e.shopper_id AS shopper_id
  FROM shoppers AS e
)
SELECT
  shopper_id
FROM base
WHERE
  NOT SUBSTRING(LOWER(HEX(MD5(CONCAT('holdout:', CAST(shopper_id AS Nullable(String)))))), 1, 8) < '80000000'
SETTINGS join_use_nulls = 1
