WITH base AS (
  SELECT
    e.customer_id,
    e.signup_date
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  signup_date > DATE(
    DATE(CURRENT_DATE, 'start of month', '-4 months'),
    '+' || CAST(MIN(
      CAST(STRFTIME('%d', CURRENT_DATE) AS INTEGER),
      CAST(STRFTIME(
        '%d',
        DATE(DATE(CURRENT_DATE, 'start of month', '-4 months'), '+1 month', '-1 day')
      ) AS INTEGER)
    ) - 1 AS TEXT) || ' days'
  )
  AND signup_date <= CURRENT_DATE
