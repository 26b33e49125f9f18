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
    last_seen > DATETIME(CURRENT_TIMESTAMP, '-7 days')
    AND last_seen <= CURRENT_TIMESTAMP,
    FALSE
  )
