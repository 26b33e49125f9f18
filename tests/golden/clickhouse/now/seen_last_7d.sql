WITH base AS (
  SELECT
    e.customer_id AS customer_id,
    e.last_seen AS last_seen
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  last_seen > now64(6, 'UTC') - INTERVAL '7' DAY AND last_seen <= now64(6, 'UTC')
SETTINGS join_use_nulls = 1
