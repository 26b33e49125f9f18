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
  last_seen > DATETIME(
    DATE(CURRENT_TIMESTAMP, 'start of month', '-12 months'),
    '+' || CAST(MIN(
      CAST(STRFTIME('%d', CURRENT_TIMESTAMP) AS INTEGER),
      CAST(STRFTIME(
        '%d',
        DATE(DATE(CURRENT_TIMESTAMP, 'start of month', '-12 months'), '+1 month', '-1 day')
      ) AS INTEGER)
    ) - 1 AS TEXT) || ' days',
    '+' || TIME(CURRENT_TIMESTAMP)
  )
  AND last_seen <= CURRENT_TIMESTAMP
