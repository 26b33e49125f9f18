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
  NOT (
    COALESCE(last_seen >= CAST('2026-06-29 00:00:00' AS DateTime64(6, 'UTC')), FALSE)
    AND COALESCE(last_seen < CAST('2026-06-30 00:00:00' AS DateTime64(6, 'UTC')), FALSE)
  )
SETTINGS join_use_nulls = 1
