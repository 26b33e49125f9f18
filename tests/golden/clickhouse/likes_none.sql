WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.interests AS interests
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  NOT COALESCE(has(interests, 'running') OR has(interests, 'yoga'), FALSE)
SETTINGS join_use_nulls = 1
