WITH base AS (
  SELECT
    e.shopper_id
  FROM shoppers AS e
)
SELECT
  shopper_id
FROM base
WHERE
  SUBSTRING(TO_HEX(MD5(CONCAT('sh_sample_50:', CAST(shopper_id AS STRING)))), 1, 8) < '80000000'
