WITH base AS (
  SELECT
    e.shopper_id
  FROM shoppers AS e
)
SELECT
  shopper_id
FROM base
WHERE
  SUBSTRING(MD5('sh_sample_50:' || CAST(shopper_id AS TEXT)), 1, 8) < '80000000'
