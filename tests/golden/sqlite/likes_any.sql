WITH base AS (
  SELECT
    e.customer_id,
    e.interests
  FROM customers AS e
)
SELECT
  customer_id
FROM base
WHERE
  NOT interests IS NULL
  AND (
    EXISTS(
      SELECT
        1
      FROM JSON_EACH(interests)
      WHERE
        value = 'running'
    )
    OR EXISTS(
      SELECT
        1
      FROM JSON_EACH(interests)
      WHERE
        value = 'yoga'
    )
  )
