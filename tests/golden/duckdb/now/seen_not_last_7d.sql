WITH base AS (
  SELECT
    e.customer_id,
    e.last_seen
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  NOT COALESCE(
    last_seen > CURRENT_TIMESTAMP AT TIME ZONE 'UTC' - INTERVAL '7' DAY
    AND last_seen <= CURRENT_TIMESTAMP AT TIME ZONE 'UTC',
    FALSE
  )
