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
  last_seen >= CAST('2026-06-30 00:00:00' AS TIMESTAMP)
