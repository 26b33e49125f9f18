WITH base AS (
  SELECT
    e.shopper_id
  FROM shoppers AS e
)
SELECT
  shopper_id
FROM base
WHERE
  NOT SUBSTR(LOWER(TO_HEX(MD5(TO_UTF8(CONCAT('holdout:', CAST(shopper_id AS VARCHAR)))))), 1, 8) < '80000000'
