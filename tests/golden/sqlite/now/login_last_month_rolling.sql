WITH base AS (
  SELECT
    e.person_id,
    e.last_login
  FROM tz_people AS e
)
SELECT
  person_id
FROM base
WHERE
  last_login > DATETIME(
    DATE(CURRENT_TIMESTAMP, 'start of month', '-1 months'),
    '+' || CAST(MIN(
      CAST(STRFTIME('%d', CURRENT_TIMESTAMP) AS INTEGER),
      CAST(STRFTIME(
        '%d',
        DATE(DATE(CURRENT_TIMESTAMP, 'start of month', '-1 months'), '+1 month', '-1 day')
      ) AS INTEGER)
    ) - 1 AS TEXT) || ' days',
    '+' || TIME(CURRENT_TIMESTAMP)
  )
  AND last_login <= CURRENT_TIMESTAMP
